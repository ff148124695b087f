// Real: the whole gateway (AppModule on Fastify, guards, pipe, services, the shared watch
// hub, KubeConnection) listening on a loopback port, and the bundled fake apiserver over
// HTTP; streams are read with fetch as a browser reads them. Nothing is mocked.
// Under npm run test:real the gateway reaches the real apiserver instead, whose job controller
// and kwok run the Jobs; what needs the fake's internals (its audit log, its store written
// directly, its connections dropped on purpose) runs on the fake only (itOnFake).
import { load } from 'js-yaml';
import { SEED_JOB_JSON } from '../../src/job/job.examples';
import { JobWatchService } from '../../src/job/watch/job-watch.service';
import { startFakeApiServer } from '../../src/k8s/fake/server';
import { writeAuthFiles } from '../support/auth-files';
import { Gateway, startGateway } from '../support/gateway';
import { OidcIssuer } from '../support/oidc-issuer';
import { itOnFake } from '../support/real-upstream';
import { sseFrames } from '../support/sse';
import { sleep, until } from '../support/wait';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** An open stream read as EventSource reads it: frames split on blank lines, comments counted. */
class SseReader {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private readonly abort = new AbortController();
  status = 0;
  contentType = '';

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const r = new SseReader();
    const res = await fetch(url, {
      headers: { Accept: 'text/event-stream', ...headers },
      signal: r.abort.signal,
    });
    r.status = res.status;
    r.contentType = res.headers.get('content-type') ?? '';
    if (res.status !== 200) {
      r.events.push({ event: 'http', data: await res.text() });
      r.ended = true;
      return r;
    }
    void r.read(res.body as ReadableStream<Uint8Array>);
    return r;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const { comment, event, id, data } of sseFrames(body))
        if (comment) this.comments++;
        else if (data) this.events.push({ event, ...(id !== undefined ? { id } : {}), data });
    } catch {
      // aborted by the test
    }
    this.ended = true;
  }

  /** ADDED and DELETED only: the Jobs' own status updates (a job controller at work) left out. */
  lifecycle(): [string, string][] {
    return this.changes().filter(([type]) => type !== 'MODIFIED');
  }

  /** Whether the change events' ids only ever grow: nothing sent twice, nothing out of order. */
  idsIncrease(): boolean {
    const ids = this.events.filter((e) => e.event !== 'BOOKMARK' && e.id).map((e) => BigInt(e.id as string));
    return ids.every((id, i) => i === 0 || id > ids[i - 1]);
  }

  /** Change events (ADDED, MODIFIED, DELETED) as [type, name]. */
  changes(): [string, string][] {
    return this.events
      .filter((e) => ['ADDED', 'MODIFIED', 'DELETED'].includes(e.event))
      .map((e) => [e.event, (JSON.parse(e.data) as { metadata: { name: string } }).metadata.name]);
  }

  async waitFor(what: string, test: (e: SseEvent) => boolean, ms = 10000): Promise<SseEvent> {
    return until(what, () => this.events.find(test), ms);
  }

  close(): void {
    this.abort.abort();
  }
}

const onReal = process.env.E2E_UPSTREAM === 'real';
const job1 = JSON.stringify({ ...SEED_JOB_JSON, metadata: { name: 'x' } });
const job = (name: string, labels: Record<string, string> = {}): string =>
  JSON.stringify({ ...SEED_JOB_JSON, metadata: { name, labels } });

describe('Job lists and live updates', () => {
  let gw: Gateway;
  let base: string;
  const readers: SseReader[] = [];
  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseReader> => {
    const r = await SseReader.open(`${base}${path}`, headers);
    readers.push(r);
    return r;
  };
  const create = async (ns: string, name: string, labels: Record<string, string> = {}): Promise<void> => {
    const res = await fetch(`${base}/api/v1/_raw/job/namespace/${ns}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: job(name, labels),
    });
    expect(res.status).toBe(201);
  };
  const createNamespace = async (g: Gateway, ns: string): Promise<void> => {
    const r = await g.upstream.connection.request({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }),
    });
    expect(r.code).toBe(201);
  };

  const writeComplete = async (ns: string, name: string): Promise<void> => {
    const path = `/apis/batch/v1/namespaces/${ns}/jobs/${name}`;
    const stored = JSON.parse(
      (await gw.upstream.connection.request({ method: 'GET', path })).body.toString(),
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    stored.status = {
      startTime: now,
      completionTime: now,
      succeeded: 3,
      conditions: ['SuccessCriteriaMet', 'Complete'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: now,
        lastTransitionTime: now,
      })),
    };
    const put = await gw.upstream.connection.request({
      method: 'PUT',
      path: `${path}/status`,
      body: JSON.stringify(stored),
    });
    expect(put.code).toBe(200);
  };

  beforeAll(async () => {
    gw = await startGateway({
      WATCH_HEARTBEAT_SECONDS: '1',
      WATCH_BOOKMARK_SECONDS: '1',
      // The embedded fake's clock (no fake runs in front of a real apiserver: a config error there).
      ...(onReal ? {} : { FAKE_TIME_SCALE: '50' }),
    });
    await gw.app.listen(0, '127.0.0.1');
    base = await gw.app.getUrl();
    base = base.replace('[::1]', '127.0.0.1');
    for (const ns of ['lists', 'watch-a', 'watch-b', 'watch-c', 'watch-d']) await createNamespace(gw, ns);
  });
  afterEach(() => {
    for (const r of readers.splice(0)) r.close();
  });
  afterAll(async () => {
    // fetch's pool may hold a connection it opened and never used, which Node's server
    // waits for as for a request in progress: the test's own client, not a stream.
    const t = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 1000);
    await gw.close();
    clearTimeout(t);
  });

  const list = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/_raw/job${path}`, { headers });
  const jsonOf = async (res: Response): Promise<Record<string, any>> =>
    (await res.json()) as Record<string, any>;

  describe('lists', () => {
    beforeAll(async () => {
      for (const n of ['l1', 'l2', 'l3', 'l4', 'l5'])
        await create('lists', n, { tier: n === 'l5' ? 'db' : 'web' });
    });

    it('pages through a namespace with limit and continue, every Job once, in name order', async () => {
      const names: string[] = [];
      let token = '';
      let pages = 0;
      do {
        const res = await list(
          `/namespace/lists?limit=2${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
        );
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        const body = await jsonOf(res);
        expect(body).toMatchObject({ kind: 'JobList', apiVersion: 'batch/v1' });
        expect(body.items.length).toBeLessThanOrEqual(2);
        names.push(...body.items.map((j: { metadata: { name: string } }) => j.metadata.name));
        token = body.metadata.continue ?? '';
        pages++;
      } while (token);
      expect(names).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
      expect(pages).toBe(3);
    });

    it('passes the JobList through as the apiserver wrote it', async () => {
      // The job controller may write a status between the two reads: read again until both
      // reads fall between the same writes.
      const read = async (): Promise<[string, string]> => {
        const direct = await gw.upstream.connection.request({
          method: 'GET',
          path: '/apis/batch/v1/namespaces/lists/jobs',
          query: { labelSelector: 'tier=web' },
        });
        const res = await list('/namespace/lists?labelSelector=tier%3Dweb');
        return [Buffer.from(await res.arrayBuffer()).toString('utf8'), direct.body.toString('utf8')];
      };
      const [viaGateway, direct] = await until('two reads between the same writes', async () => {
        const pair = await read();
        return pair[0] === pair[1] ? pair : undefined;
      });
      expect(viaGateway).toBe(direct);
      expect((JSON.parse(direct) as { items: unknown[] }).items).toHaveLength(4);
    });

    it('selects by label and field, and lists every namespace on /api/v1/_raw/job', async () => {
      const byLabel = await jsonOf(await list('/namespace/lists?labelSelector=tier%20in%20(db)'));
      expect(byLabel.items.map((j: any) => j.metadata.name)).toEqual(['l5']);
      const byField = await jsonOf(await list('/namespace/lists?fieldSelector=metadata.name%3Dl3'));
      expect(byField.items.map((j: any) => j.metadata.name)).toEqual(['l3']);
      const all = await jsonOf(await list('?labelSelector=tier'));
      expect(all.items.map((j: any) => `${j.metadata.namespace}/${j.metadata.name}`)).toEqual(
        expect.arrayContaining(['lists/l1', 'lists/l5']),
      );
    });

    it('answers YAML for Accept: application/yaml', async () => {
      const res = await list('/namespace/lists?limit=1', { Accept: 'application/yaml' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
      const doc = load(await res.text()) as Record<string, any>;
      expect(doc).toMatchObject({
        kind: 'JobList',
        items: [{ metadata: { name: 'l1', namespace: 'lists' } }],
      });
    });

    it("answers the apiserver's Table for kubectl's Accept", async () => {
      const res = await list('/namespace/lists', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/as=Table/);
      const table = await jsonOf(res);
      expect(table.kind).toBe('Table');
      expect(table.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(
        expect.arrayContaining(['Name', 'Status', 'Completions', 'Duration', 'Age']),
      );
      expect(table.rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(['l1', 'l2', 'l3', 'l4', 'l5']);
    });

    it.each([
      ['limit=-1', 'limit', 'FieldValueInvalid', 'Invalid value: -1: must be greater than or equal to 0'],
      [
        'limit=ten',
        'limit',
        'FieldValueTypeInvalid',
        'Invalid value: "ten": must be a whole number, not a string',
      ],
      ['labelSelector=a%20b%20c%3D', 'labelSelector', 'FieldValueInvalid', 'unable to parse requirement'],
      [
        'fieldSelector=spec.parallelism%3D1',
        'fieldSelector',
        'FieldValueInvalid',
        'field label "spec.parallelism" not supported for batchv1.Job',
      ],
      ['resourceVersion=abc', 'resourceVersion', 'FieldValueInvalid', 'must be a resourceVersion'],
      [
        'resourceVersionMatch=Exact',
        'resourceVersionMatch',
        'FieldValueForbidden',
        'resourceVersionMatch is forbidden unless resourceVersion is provided',
      ],
      [
        'resourceVersion=5&resourceVersionMatch=Newest',
        'resourceVersionMatch',
        'FieldValueNotSupported',
        'Unsupported value: "Newest": supported values: "Exact", "NotOlderThan"',
      ],
      ['watch=maybe', 'watch', 'FieldValueTypeInvalid', 'must be true or false'],
    ])('refuses %s with a 400 naming the parameter', async (query, field, reason, message) => {
      const res = await list(`/namespace/lists?${query}`);
      expect(res.status).toBe(400);
      const body = await jsonOf(res);
      expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
      expect(body.details.causes).toEqual([{ reason, field, message: expect.stringContaining(message) }]);
    });
  });

  describe('watch=true with Accept: text/event-stream', () => {
    it('streams every current Job as ADDED, then each change, with ids, bookmarks and heartbeats', async () => {
      await create('watch-a', 'before');
      const r = await open('/api/v1/_raw/job/namespace/watch-a?watch=true');
      expect(r.status).toBe(200);
      expect(r.contentType).toMatch(/^text\/event-stream/);
      await r.waitFor('the current Job', (e) => e.event === 'ADDED');
      await create('watch-a', 'after');
      await fetch(`${base}/api/v1/_raw/job/namespace/watch-a/name/before`, { method: 'DELETE' });
      await until('ADDED after and DELETED before', () => r.lifecycle().length >= 3);
      await r.waitFor('a bookmark', (e) => e.event === 'BOOKMARK', 3000);
      await until('a heartbeat', () => r.comments > 0, 3000);
      expect(r.lifecycle()).toEqual([
        ['ADDED', 'before'],
        ['ADDED', 'after'],
        ['DELETED', 'before'],
      ]);
      expect(r.idsIncrease()).toBe(true);
      const bookmark = r.events.find((e) => e.event === 'BOOKMARK') as SseEvent;
      expect(JSON.parse(bookmark.data)).toEqual({
        kind: 'Job',
        apiVersion: 'batch/v1',
        metadata: { resourceVersion: bookmark.id },
      });
    });

    it('resumes after Last-Event-ID with only the changes it missed', async () => {
      const first = await open('/api/v1/_raw/job/namespace/watch-b?watch=true');
      await create('watch-b', 'seen');
      const seen = await first.waitFor('ADDED seen', (e) => e.event === 'ADDED');
      first.close();
      await create('watch-b', 'missed');
      const again = await open('/api/v1/_raw/job/namespace/watch-b?watch=true', {
        'Last-Event-ID': seen.id as string,
      });
      await until('ADDED missed', () => again.lifecycle().length >= 1);
      await sleep(300);
      expect(again.lifecycle()).toEqual([['ADDED', 'missed']]);
      // Nothing at or before the resume point comes again.
      expect(again.events.every((e) => !e.id || BigInt(e.id) > BigInt(seen.id as string))).toBe(true);
      expect(again.idsIncrease()).toBe(true);
      // resourceVersion does the same for a client that cannot set headers.
      const byQuery = await open(`/api/v1/_raw/job/namespace/watch-b?watch=true&resourceVersion=${seen.id}`);
      await until('ADDED missed', () => byQuery.lifecycle().length >= 1);
      expect(byQuery.lifecycle()).toEqual([['ADDED', 'missed']]);
    });

    it('turns a resume point that is too old into an error event with the 410 Status', async () => {
      const r = await open('/api/v1/_raw/job/namespace/watch-b?watch=true', { 'Last-Event-ID': '1' });
      expect(r.status).toBe(200);
      const e = await r.waitFor('the error event', (x) => x.event === 'error');
      expect(JSON.parse(e.data)).toMatchObject({
        kind: 'Status',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
        message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/),
      });
      await until('the end of the stream', () => r.ended);
    });

    it('refuses a Last-Event-ID that is not a resourceVersion', async () => {
      const r = await open('/api/v1/_raw/job/namespace/watch-b?watch=true', { 'Last-Event-ID': 'abc' });
      expect(r.status).toBe(400);
      expect(JSON.parse(r.events[0].data)).toMatchObject({
        reason: 'BadRequest',
        details: { causes: [{ field: 'header[Last-Event-ID]', reason: 'FieldValueInvalid' }] },
      });
    });

    it('serves every subscriber of a namespace from one upstream watch, each through its own selectors', async () => {
      // The fake's audit log counts the upstream watches too; on the real apiserver the hub's own count does.
      const before = gw.upstream.fake?.audit.filter(
        (a) => a.path.includes('/namespaces/watch-c/jobs?') && a.path.includes('watch=true'),
      ).length;
      const all = await open('/api/v1/_raw/job/namespace/watch-c?watch=true');
      const web = await open('/api/v1/_raw/job/namespace/watch-c?watch=true&labelSelector=tier%3Dweb');
      const named = await open(
        '/api/v1/_raw/job/namespace/watch-c?watch=true&fieldSelector=metadata.name%3Dc2',
      );
      await create('watch-c', 'c1', { tier: 'web' });
      await create('watch-c', 'c2', { tier: 'db' });
      await until('both Jobs', () => all.lifecycle().length >= 2);
      await until('c2 by name', () => named.lifecycle().length >= 1);
      await sleep(300);
      expect(all.lifecycle()).toEqual([
        ['ADDED', 'c1'],
        ['ADDED', 'c2'],
      ]);
      expect(web.lifecycle()).toEqual([['ADDED', 'c1']]);
      expect(new Set(web.changes().map(([, name]) => name))).toEqual(new Set(['c1']));
      expect(named.lifecycle()).toEqual([['ADDED', 'c2']]);
      expect(new Set(named.changes().map(([, name]) => name))).toEqual(new Set(['c2']));
      const watches = gw.upstream.fake?.audit.filter(
        (a) => a.path.includes('/namespaces/watch-c/jobs?') && a.path.includes('watch=true'),
      ).length;
      if (gw.upstream.fake) expect((watches ?? 0) - (before ?? 0)).toBe(1);
      const hub = gw.app
        .get(JobWatchService)
        .stats()
        .hubs.find((h) => h.namespace === 'watch-c');
      expect(hub).toMatchObject({ subscribers: 3, watches: 1 });
    });

    it('watches one Job on its own route: only its changes, to its Complete condition and deletion', async () => {
      const r = await open('/api/v1/_raw/job/namespace/watch-d/name/d1?watch=true');
      expect(r.status).toBe(200);
      await create('watch-d', 'd1');
      await create('watch-d', 'd2');
      await r.waitFor('ADDED d1', (e) => e.event === 'ADDED');
      const complete = (e: SseEvent): boolean =>
        e.event === 'MODIFIED' && /"type":"Complete","status":"True"/.test(e.data);
      // The fake's job controller completes it; a fake without one gets the status it would write.
      // A real one runs its 3 pods one after another (kwok: 1.5 s each) and must complete it.
      const natural = await r.waitFor('Complete', complete, onReal ? 60000 : 8000).catch(() => undefined);
      if (!natural && !onReal) await writeComplete('watch-d', 'd1');
      const done = await r.waitFor('Complete', complete);
      expect(JSON.parse(done.data).status.conditions).toEqual(
        expect.arrayContaining([expect.objectContaining({ type: 'Complete', status: 'True' })]),
      );
      await fetch(`${base}/api/v1/_raw/job/namespace/watch-d/name/d1`, { method: 'DELETE' });
      await r.waitFor('DELETED d1', (e) => e.event === 'DELETED');
      expect(r.changes().every(([, name]) => name === 'd1')).toBe(true);
      expect(r.lifecycle()).toEqual([
        ['ADDED', 'd1'],
        ['DELETED', 'd1'],
      ]);
      expect(r.idsIncrease()).toBe(true);
    });
  });

  describe('when the upstream watch breaks', () => {
    // It drops the fake's connections and writes 10,001 changes into its store.
    itOnFake(
      'resumes from the last resourceVersion, and after a 410 re-lists: no gap, no duplicate',
      async () => {
        await createNamespace(gw, 'watch-e');
        const fake = gw.upstream.fake as NonNullable<typeof gw.upstream.fake>;
        const r = await open('/api/v1/_raw/job/namespace/watch-e?watch=true');
        await create('watch-e', 'e1');
        await r.waitFor('ADDED e1', (e) => e.event === 'ADDED');
        const hubOf = () =>
          gw.app
            .get(JobWatchService)
            .stats()
            .hubs.find((h) => h.namespace === 'watch-e');

        // A break: every connection of the apiserver drops; the hub watches again from where it was.
        fake.server.closeAllConnections();
        await until('a second upstream watch', () => (hubOf()?.watches ?? 0) >= 2);
        await create('watch-e', 'e2');
        await until('ADDED e2', () => r.lifecycle().length >= 2);

        // A longer break: past the apiserver's history (10,000 events), so the hub is told 410.
        fake.server.closeAllConnections();
        for (let i = 0; i < 10001; i++) {
          const stored = structuredClone(fake.store.get('jobs', 'watch-e', 'e1')) as Record<string, any>;
          stored.metadata.annotations = { step: String(i) };
          fake.store.update('jobs', 'watch-e', 'e1', stored);
        }
        fake.store.delete('jobs', 'watch-e', 'e2');
        await until('the re-list', () => (hubOf()?.relists ?? 0) >= 1, 15000);
        await until('the deletion in the gap', () => r.lifecycle().length >= 3);
        await sleep(300);
        expect(r.lifecycle()).toEqual([
          ['ADDED', 'e1'],
          ['ADDED', 'e2'],
          ['DELETED', 'e2'],
        ]);
        // The 10,001 changes of e1 arrive as one: its state after the last of them.
        const steps = r.events
          .filter((e) => e.event === 'MODIFIED' && e.data.includes('"step"'))
          .map((e) => JSON.parse(e.data).metadata.annotations.step);
        expect(steps[0]).toBe('10000');
        expect(new Set(steps)).toEqual(new Set(['10000']));
        expect(r.idsIncrease()).toBe(true);
        expect(r.events.some((e) => e.event === 'error')).toBe(false);
      },
      30000,
    );
  });

  describe('a subscriber that does not read', () => {
    // It writes large changes straight into the fake's store, as fast as it can.
    itOnFake(
      'is dropped with an error event once WATCH_MAX_QUEUED_BYTES wait for it, and the others carry on',
      async () => {
        const slow = await startGateway({ WATCH_MAX_QUEUED_BYTES: '65536' });
        try {
          await slow.app.listen(0, '127.0.0.1');
          const { port } = new URL(await slow.app.getUrl());
          const fake = slow.upstream.fake as NonNullable<typeof slow.upstream.fake>;
          const reader = await SseReader.open(
            `http://127.0.0.1:${port}/api/v1/_raw/job/namespace/default?watch=true&resourceVersion=0`,
          );
          // A raw connection whose bytes are never read: the kernel's buffers fill, then the gateway's.
          const socket = connect(Number(port), '127.0.0.1');
          socket.write(
            'GET /api/v1/_raw/job/namespace/default?watch=true HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n',
          );
          socket.pause();
          const hub = () =>
            slow.app
              .get(JobWatchService)
              .stats()
              .hubs.find((h) => h.namespace === 'default');
          await until('both subscribed', () => hub()?.subscribers === 2);
          const big = 'x'.repeat(64 * 1024);
          const job = JSON.parse(job1) as Record<string, any>;
          fake.store.create('jobs', 'default', 'big', {
            ...job,
            metadata: { name: 'big', namespace: 'default' },
          });
          let steps = 0;
          for (let i = 0; i < 400 && hub()?.subscribers === 2; i++, steps++) {
            const stored = structuredClone(fake.store.get('jobs', 'default', 'big')) as Record<string, any>;
            stored.metadata.annotations = { step: String(i), big };
            fake.store.update('jobs', 'default', 'big', stored);
            await sleep(5);
          }
          await until('the slow one dropped', () => hub()?.subscribers === 1, 10000);
          // What it was sent ends with the error event, after which the gateway closed the stream.
          const received: Buffer[] = [];
          socket.on('data', (c: Buffer) => received.push(c));
          socket.resume();
          await new Promise((r) => socket.once('close', r));
          const text = Buffer.concat(received).toString('utf8');
          // (the body is chunked: the error frame is one chunk, and nothing follows it)
          const at = text.lastIndexOf('event: error\ndata: ');
          expect(at).toBeGreaterThan(0);
          expect(text.indexOf('event: ', at + 1)).toBe(-1);
          const data = text.slice(at).split('\n')[1].slice('data: '.length);
          expect(JSON.parse(data)).toMatchObject({ reason: 'Timeout', code: 504 });
          // The reader that keeps up got every change.
          await until('the last step', () =>
            reader.events.some((e) => e.data.includes(`"step":"${steps - 1}"`)),
          );
          expect(steps).toBeGreaterThan(0);
          expect(reader.events.some((e) => e.event === 'error')).toBe(false);
          reader.close();
        } finally {
          const t = setTimeout(() => slow.app.getHttpServer().closeAllConnections(), 1000);
          await slow.close();
          clearTimeout(t);
        }
      },
      30000,
    );
  });

  describe('watch=true without Accept: text/event-stream', () => {
    it("passes the apiserver's JSON-lines watch through", async () => {
      await create('watch-d', 'lines');
      const ac = new AbortController();
      const res = await fetch(
        `${base}/api/v1/_raw/job/namespace/watch-d?watch=true&labelSelector=job-name%3Dlines`,
        {
          signal: ac.signal,
        },
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const { value } = await reader.read();
      const line = JSON.parse(new TextDecoder().decode(value).split('\n')[0]);
      expect(line).toMatchObject({ type: 'ADDED', object: { kind: 'Job', metadata: { name: 'lines' } } });
      ac.abort();
    });
  });
});

describe('watch permissions and limits (token-file and RBAC)', () => {
  const TOKENS = { lister: 'lister-4c1d9e7a2b', watcher: 'watcher-8e2f6a1c3d', admin: 'admin-1a2b3c4d5e' };
  const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: lister}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: watcher}
rules: [{apiGroups: [batch], resources: [jobs], verbs: [get, list, watch]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: listers, namespace: default}
subjects: [{kind: User, name: lister}]
roleRef: {kind: ClusterRole, name: lister, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: watchers, namespace: default}
subjects: [{kind: User, name: watcher}]
roleRef: {kind: ClusterRole, name: watcher, apiGroup: rbac.authorization.k8s.io}
`;
  let gw: Gateway;
  let base: string;
  const readers: SseReader[] = [];
  const as = (who: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[who]}` });
  const open = async (path: string, who: keyof typeof TOKENS): Promise<SseReader> => {
    const r = await SseReader.open(`${base}${path}`, as(who));
    readers.push(r);
    return r;
  };

  beforeAll(async () => {
    gw = await startGateway({
      ...writeAuthFiles(
        [
          `${TOKENS.lister},lister,uid-lister,""`,
          `${TOKENS.watcher},watcher,uid-watcher,""`,
          `${TOKENS.admin},root,uid-root,"system:masters"`,
        ].join('\n'),
        RBAC,
      ),
      WATCH_MAX_STREAMS_PER_IDENTITY: '2',
    });
    await gw.app.listen(0, '127.0.0.1');
    base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    const t = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 1000);
    await gw.close();
    clearTimeout(t);
  });

  it('lets a caller with list but not watch list, and refuses its watch with the apiserver wording', async () => {
    const listed = await fetch(`${base}/api/v1/_raw/job/namespace/default`, { headers: as('lister') });
    expect(listed.status).toBe(200);
    const denied = await open('/api/v1/_raw/job/namespace/default?watch=true', 'lister');
    expect(denied.status).toBe(403);
    expect(JSON.parse(denied.events[0].data)).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message:
        'jobs.batch is forbidden: User "lister" cannot watch resource "jobs" in API group "batch" in the namespace "default"',
    });
    const all = await open('/api/v1/_raw/job?watch=true', 'watcher');
    expect(all.status).toBe(403);
    expect(JSON.parse(all.events[0].data).message).toBe(
      'jobs.batch is forbidden: User "watcher" cannot watch resource "jobs" in API group "batch" at the cluster scope',
    );
    const one = await open('/api/v1/_raw/job/namespace/default/name/sleep1?watch=true', 'lister');
    expect(one.status).toBe(403);
  });

  it('holds each caller to its open-stream limit with a 429, and frees a place when a stream ends', async () => {
    const first = await open('/api/v1/_raw/job/namespace/default?watch=true', 'watcher');
    const second = await open('/api/v1/_raw/job/namespace/default/name/sleep1?watch=true', 'watcher');
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await fetch(`${base}/api/v1/_raw/job/namespace/default?watch=true`, {
      headers: { ...as('watcher'), Accept: 'text/event-stream' },
    });
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('10');
    expect(await third.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    // Another caller has places of its own.
    const admin = await open('/api/v1/_raw/job?watch=true', 'admin');
    expect(admin.status).toBe(200);
    first.close();
    await until(
      'a free place',
      async () => {
        const again = await SseReader.open(
          `${base}/api/v1/_raw/job/namespace/default?watch=true`,
          as('watcher'),
        );
        readers.push(again);
        return again.status === 200;
      },
      5000,
    );
  });
});

const DANA_ADMIN = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: dana-admin}
subjects: [{kind: User, name: dana}]
roleRef: {kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: cluster-admin}
rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['*']}]
`;

describe('the last event of a stream', () => {
  it('says the credential expired when an OIDC token reaches its exp', async () => {
    const issuer = await OidcIssuer.start();
    const gw = await startGateway({
      AUTH_MODE: 'oidc',
      AUTH_OIDC_ISSUER_URL: issuer.issuer,
      AUTH_OIDC_CLIENT_ID: 'job-console',
      AUTH_OIDC_USERNAME_CLAIM: 'preferred_username',
      AUTH_OIDC_USERNAME_PREFIX: '-',
      AUTH_RBAC_FILE: writeAuthFiles('', DANA_ADMIN).AUTH_RBAC_FILE,
    });
    try {
      await gw.app.listen(0, '127.0.0.1');
      const base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
      const token = await issuer.sign({ preferred_username: 'dana' }, { expiresIn: '3s' });
      const r = await SseReader.open(`${base}/api/v1/_raw/job/namespace/default?watch=true`, {
        Authorization: `Bearer ${token}`,
      });
      expect(r.status).toBe(200);
      const e = await r.waitFor('the expiry', (x) => x.event === 'error', 8000);
      expect(JSON.parse(e.data)).toMatchObject({
        reason: 'Unauthorized',
        code: 401,
        message: expect.stringContaining('the credential expired at'),
      });
      await until('the end of the stream', () => r.ended);
    } finally {
      const t = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 1000);
      await gw.close();
      clearTimeout(t);
      await issuer.close();
    }
  }, 20000);

  it('says the gateway is shutting down, to every stream', async () => {
    const gw = await startGateway();
    await gw.app.listen(0, '127.0.0.1');
    const base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
    const shared = await SseReader.open(`${base}/api/v1/_raw/job/namespace/default?watch=true`);
    const lines = await fetch(`${base}/api/v1/_raw/job?watch=true`);
    // Read as it comes: a reader that stops reading is dropped as a slow one, mid-line.
    const linesText = lines.text();
    await until('both streams', () => gw.app.get(JobWatchService).stats().streams === 2);
    const t = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 2000);
    await gw.close();
    clearTimeout(t);
    const e = await shared.waitFor('the last event', (x) => x.event === 'error');
    expect(JSON.parse(e.data)).toMatchObject({
      reason: 'ServiceUnavailable',
      code: 503,
      message: expect.stringContaining('shutting down'),
    });
    const text = await linesText;
    const last = JSON.parse(text.trim().split('\n').pop() as string);
    expect(last).toMatchObject({ type: 'ERROR', object: { reason: 'ServiceUnavailable', code: 503 } });
  });
});

describe('passthrough and impersonation: the cluster decides, so each subscriber has its own upstream watch', () => {
  // The fake's audit log shows each upstream watch's token and impersonation headers.
  itOnFake(
    "opens one upstream watch per subscriber with the caller's own token, and resumes it after a break",
    async () => {
      const fake = await startFakeApiServer();
      const dir = mkdtempSync(join(tmpdir(), 'list-watch-'));
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${fake.url}"}}]
users: [{name: gateway, user: {token: gateway-sa-token}}]
contexts: [{name: x, context: {cluster: c, user: gateway}}]
current-context: x
`,
      );
      const gw = await startGateway({
        K8S_BACKEND: 'cluster',
        KUBECONFIG: kubeconfig,
        AUTH_MODE: 'passthrough',
      });
      try {
        await gw.app.listen(0, '127.0.0.1');
        const base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
        const url = `${base}/api/v1/_raw/job/namespace/default?watch=true`;
        const ann = await SseReader.open(url, { Authorization: 'Bearer ann-token' });
        const ben = await SseReader.open(`${url}&labelSelector=app%3Dx`, {
          Authorization: 'Bearer ben-token',
        });
        expect([ann.status, ben.status]).toEqual([200, 200]);
        const watches = (): { token?: string; path: string }[] =>
          fake.audit
            .filter(
              (a) =>
                a.path.startsWith('/apis/batch/v1/namespaces/default/jobs?') && a.path.includes('watch=true'),
            )
            .map((a) => ({ token: a.bearerToken, path: a.path }));
        expect(watches().map((w) => w.token)).toEqual(['ann-token', 'ben-token']);
        // The selectors go upstream with the caller's token.
        expect(decodeURIComponent(watches()[1].path)).toContain('labelSelector=app=x');
        const post = await fetch(`${base}/api/v1/_raw/job/namespace/default`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ann-token' },
          body: job('p1', { app: 'x' }),
        });
        expect(post.status).toBe(201);
        await ann.waitFor('ADDED p1', (e) => e.event === 'ADDED');
        await ben.waitFor('ADDED p1', (e) => e.event === 'ADDED');
        // A break: each stream watches again, from its last resourceVersion, with its own token.
        const last = (await ann.waitFor('ADDED p1', (e) => e.event === 'ADDED')).id as string;
        fake.server.closeAllConnections();
        await until('both watching again', () => watches().length >= 4);
        expect(
          watches()
            .slice(2)
            .every((w) => w.path.includes(`resourceVersion=${last}`)),
        ).toBe(true);
        expect(
          new Set(
            watches()
              .slice(2)
              .map((w) => w.token),
          ),
        ).toEqual(new Set(['ann-token', 'ben-token']));
        ann.close();
        ben.close();

        // Impersonation: the same, each upstream watch as its caller.
        const tokens = 'cara-token-1,cara,uid-cara,"team"\ndan-token-2,dan,uid-dan,""';
        const imp = await startGateway({
          K8S_BACKEND: 'cluster',
          KUBECONFIG: kubeconfig,
          ...writeAuthFiles(
            tokens,
            DANA_ADMIN.replace(/name: dana}/, 'name: cara}, {kind: User, name: dan}'),
          ),
          AUTH_IMPERSONATE: 'true',
        });
        try {
          await imp.app.listen(0, '127.0.0.1');
          const impBase = (await imp.app.getUrl()).replace('[::1]', '127.0.0.1');
          const before = fake.audit.length;
          const cara = await SseReader.open(`${impBase}/api/v1/_raw/job/namespace/default?watch=true`, {
            Authorization: 'Bearer cara-token-1',
          });
          const dan = await SseReader.open(`${impBase}/api/v1/_raw/job/namespace/default?watch=true`, {
            Authorization: 'Bearer dan-token-2',
          });
          expect([cara.status, dan.status]).toEqual([200, 200]);
          const impWatches = fake.audit
            .slice(before)
            .filter((a) => a.path.includes('/namespaces/default/jobs?') && a.path.includes('watch=true'));
          expect(impWatches.map((a) => [a.impersonateUser, a.impersonateGroups, a.bearerToken])).toEqual([
            ['cara', ['team'], 'gateway-sa-token'],
            ['dan', [], 'gateway-sa-token'],
          ]);
          cara.close();
          dan.close();
        } finally {
          const t = setTimeout(() => imp.app.getHttpServer().closeAllConnections(), 1000);
          await imp.close();
          clearTimeout(t);
        }
      } finally {
        const t = setTimeout(() => gw.app.getHttpServer().closeAllConnections(), 1000);
        await gw.close();
        clearTimeout(t);
        await fake.close();
      }
    },
    30000,
  );
});
