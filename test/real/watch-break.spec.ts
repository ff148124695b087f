// The shared watch over the real apiserver, through a break: the gateway reaches the apiserver
// through a TCP relay (TLS passes through it untouched, so the apiserver's certificate for
// 127.0.0.1 still checks), and the test cuts every relayed connection, as a network or a load
// balancer would. The hub must watch again from its last resourceVersion: the browser's stream
// sees the change made during the break once, in order, and no error. (Past the apiserver's
// history the hub re-lists on a 410; that needs the fake's store to force, see
// test/e2e/list-watch.e2e-spec.ts.) Real: the control plane, the whole gateway, fetch.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED_JOB_JSON } from '../../src/job/job.examples';
import { JobWatchService } from '../../src/job/watch/job-watch.service';
import { kubeconfigText } from '../real-cluster/launcher';
import { Gateway, startGateway } from '../support/gateway';
import { sseFrames } from '../support/sse';
import { sleep, until } from '../support/wait';
import { realInfo } from './target';

interface Frame {
  event: string;
  id?: string;
  name?: string;
}

describe('a shared watch on the real apiserver when the connection to it breaks', () => {
  let relay: Server;
  const relayed = new Set<Socket>();
  let gw: Gateway;
  let base: string;
  const frames: Frame[] = [];
  const abort = new AbortController();

  beforeAll(async () => {
    const info = realInfo();
    const upstream = new URL(info.server);
    relay = createServer((client) => {
      const server = connect(Number(upstream.port), upstream.hostname);
      for (const s of [client, server]) {
        relayed.add(s);
        s.on('close', () => relayed.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(server).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as { port: number }).port;
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'relay-')), 'config');
    writeFileSync(
      kubeconfig,
      kubeconfigText(`https://127.0.0.1:${port}`, info.caFile, 'admin', info.tokens.admin),
    );
    gw = await startGateway({ KUBECONFIG: kubeconfig });
    await gw.app.listen(0, '127.0.0.1');
    base = (await gw.app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    abort.abort();
    const t = setTimeout(() => gw?.app.getHttpServer().closeAllConnections(), 1000);
    await gw?.close();
    clearTimeout(t);
    for (const s of relayed) s.destroy();
    await new Promise((r) => relay?.close(r));
  });

  const create = async (name: string): Promise<void> => {
    const res = await fetch(`${base}/api/v1/_raw/job/namespace/default`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...SEED_JOB_JSON, metadata: { name } }),
    });
    expect(res.status).toBe(201);
  };
  const hub = () =>
    gw.app
      .get(JobWatchService)
      .stats()
      .hubs.find((h) => h.namespace === 'default');
  const added = (): string[] => frames.filter((f) => f.event === 'ADDED').map((f) => f.name as string);

  async function read(body: ReadableStream<Uint8Array>): Promise<void> {
    try {
      for await (const { event, id, data } of sseFrames(body)) {
        if (!data) continue;
        const f: Frame = { event, ...(id !== undefined ? { id } : {}) };
        if (event !== 'BOOKMARK' && event !== 'error')
          f.name = (JSON.parse(data) as { metadata: { name: string } }).metadata.name;
        frames.push(f);
      }
    } catch {
      // aborted at the end
    }
  }

  it('watches again from its last resourceVersion: the change made in the break arrives once, in order', async () => {
    const res = await fetch(`${base}/api/v1/_raw/job/namespace/default?watch=true`, {
      headers: { Accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    void read(res.body as ReadableStream<Uint8Array>);
    await until('the hub', () => hub()?.watches === 1);
    await create('before-break');
    await until('ADDED before-break', () => added().includes('before-break'));

    // The break: every connection to the apiserver is cut; a Job is created as soon as the
    // gateway can reach it again, before or after its watch is back.
    const cut = relayed.size;
    expect(cut).toBeGreaterThan(0);
    for (const s of relayed) s.destroy();
    // (a moment for the gateway to see its sockets close, so the POST is not sent on a dead one)
    await sleep(100);
    await create('in-break');
    await until('a second upstream watch', () => (hub()?.watches ?? 0) >= 2, 30000);
    await until('ADDED in-break', () => added().includes('in-break'), 30000);
    await create('after-break');
    await until('ADDED after-break', () => added().includes('after-break'), 30000);
    await sleep(500);

    expect(added()).toEqual(['before-break', 'in-break', 'after-break']);
    expect(frames.some((f) => f.event === 'error')).toBe(false);
    // The hub resumed, it did not start over: no re-list, no change sent twice, ids only grow.
    expect(hub()?.relists).toBe(0);
    const ids = frames.filter((f) => f.event !== 'BOOKMARK' && f.id).map((f) => BigInt(f.id as string));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
  });
});
