// `npm run bench`, live updates: a gateway of its own (the stream limit raised for one
// caller) in front of the same fake apiserver, 1,000 SSE subscribers on one namespace read
// from this process. Measured: whether every subscriber gets every event, how many upstream
// connections they cost (one shared watch), the fan-out latency from the create that causes
// an event to its arrival at the last subscriber, the gateway's memory per subscriber, and a
// list of 1,000 Jobs through the gateway next to the apiserver direct.
//   BENCH_SSE=0 skips it; BENCH_SSE_SUBSCRIBERS (1000), BENCH_SSE_EVENTS (30), BENCH_LIST_JOBS (1000).
// Run alone: npx ts-node --transpile-only test/bench/sse.ts
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadResult, ProbeStats } from './protocol';
import { call, Child, Stack } from './stack';

const SUBSCRIBERS = Number(process.env.BENCH_SSE_SUBSCRIBERS ?? 1000);
const EVENTS = Number(process.env.BENCH_SSE_EVENTS ?? 30);
const LIST_JOBS = Number(process.env.BENCH_LIST_JOBS ?? 1000);
const NS = 'default';
const JOBS = `/apis/batch/v1/namespaces/${NS}/jobs`;

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
const ms = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
};

/** A suspended Job: the fake's job controller leaves it alone, so the events are the bench's own. */
const jobJson = (name: string): string =>
  JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, labels: { bench: 'sse' } },
    spec: {
      suspend: true,
      template: {
        spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] },
      },
    },
  });

/** One subscriber: the ids it received, in order, and when each bench Job's ADDED arrived. */
class Subscriber {
  readonly ids: string[] = [];
  readonly added = new Map<string, number>();
  connected = false;
  errors = 0;
  private buf = '';
  private req?: http.ClientRequest;

  open(url: string, token: string, agent: http.Agent): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = http.get(
        url,
        { agent, headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } },
        (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`a subscriber was answered ${res.statusCode}`));
            res.resume();
            return;
          }
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const now = performance.now();
            this.buf += chunk;
            for (let end = this.buf.indexOf('\n\n'); end >= 0; end = this.buf.indexOf('\n\n')) {
              const frame = this.buf.slice(0, end);
              this.buf = this.buf.slice(end + 2);
              if (frame.startsWith('retry:')) {
                this.connected = true;
                resolve();
                continue;
              }
              const event = /^event: (\S+)/m.exec(frame)?.[1];
              if (event === 'error') this.errors++;
              if (event !== 'ADDED' && event !== 'MODIFIED' && event !== 'DELETED') continue;
              this.ids.push(/^id: (\S+)/m.exec(frame)?.[1] ?? '');
              const name = event === 'ADDED' ? /"name":"(bench-sse-\d+)"/.exec(frame)?.[1] : undefined;
              if (name) this.added.set(name, now);
            }
          });
        },
      );
      this.req.on('error', (e) => (this.connected ? this.errors++ : reject(e)));
    });
  }

  close(): void {
    this.req?.destroy();
  }
}

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The section's Markdown lines for the fake apiserver `fake`; [] when BENCH_SSE=0. */
export async function sseSection(fake: Child): Promise<string[]> {
  if (process.env.BENCH_SSE === '0') return [];
  // A stack of its own: its gateway takes settings the main one does not, and starts idle.
  const stack = new Stack();
  try {
    return await measure(stack, fake);
  } finally {
    stack.stopAll();
  }
}

async function measure(stack: Stack, fake: Child): Promise<string[]> {
  const out: string[] = ['', `### Live updates: ${SUBSCRIBERS} SSE subscribers on one namespace`, ''];
  process.stderr.write(`SSE: a gateway for ${SUBSCRIBERS} subscribers...\n`);
  const gateway = await stack.gateway(fake.url, {
    WATCH_MAX_STREAMS_PER_IDENTITY: String(SUBSCRIBERS + 10),
    WATCH_MAX_STREAMS: String(SUBSCRIBERS + 10),
    LOG_LEVEL: 'warn',
  });
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const subscribers = Array.from({ length: SUBSCRIBERS }, () => new Subscriber());
  try {
    const url = `${gateway.url}/api/v1/_raw/job/namespace/${NS}?watch=true`;
    // One subscriber first: it opens the shared upstream watch, and the baseline follows it.
    await subscribers[0].open(url, stack.token, agent);
    const base = await stack.probe<ProbeStats>(gateway, { probe: 'stats' });
    const upstreamBefore = await stack.probe<ProbeStats>(fake, { probe: 'stats' });
    process.stderr.write(`SSE: opening ${SUBSCRIBERS - 1} more streams...\n`);
    for (let i = 1; i < SUBSCRIBERS; i += 50)
      await Promise.all(subscribers.slice(i, i + 50).map((s) => s.open(url, stack.token, agent)));
    const full = await stack.probe<ProbeStats>(gateway, { probe: 'stats' });
    const upstreamAfter = await stack.probe<ProbeStats>(fake, { probe: 'stats' });

    process.stderr.write(`SSE: ${EVENTS} Jobs created on the apiserver, one at a time...\n`);
    const sent = new Map<string, number>();
    for (let i = 0; i < EVENTS; i++) {
      const name = `bench-sse-${i}`;
      sent.set(name, performance.now());
      const r = await call(`${fake.url}${JOBS}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: jobJson(name),
      });
      if (r.code !== 201) throw new Error(`creating ${name} answered ${r.code}: ${r.text.slice(0, 200)}`);
      await until(
        `${name} at every subscriber`,
        () => subscribers.every((s) => s.added.has(name)),
        30000,
      ).catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 500));

    // Fan-out latency per event: from the create being sent to its arrival at the last subscriber.
    const lastArrival: number[] = [];
    const every: number[] = [];
    for (const [name, t0] of sent) {
      const arrivals = subscribers.map((s) => s.added.get(name)).filter((t): t is number => t !== undefined);
      every.push(...arrivals.map((t) => t - t0));
      if (arrivals.length === SUBSCRIBERS) lastArrival.push(Math.max(...arrivals) - t0);
    }
    const complete = subscribers.filter((s) => [...sent.keys()].every((n) => s.added.has(n))).length;
    const reference = subscribers[0].ids.join(',');
    const identical = subscribers.filter((s) => s.ids.join(',') === reference).length;
    const errors = subscribers.reduce((n, s) => n + s.errors, 0);
    const upstreamConns = upstreamAfter.accepted - upstreamBefore.accepted;
    const perSubHeap = (full.heapUsed - base.heapUsed) / (SUBSCRIBERS - 1);
    const perSubRss = (full.rss - base.rss) / (SUBSCRIBERS - 1);
    const verdict = (ok: boolean, text: string): string => `- ${ok ? 'PASS' : 'FAIL'} ${text}`;
    out.push(
      '| measure | value |',
      '|---|---:|',
      `| subscribers connected | ${subscribers.filter((s) => s.connected).length} / ${SUBSCRIBERS} |`,
      `| upstream connections opened while ${SUBSCRIBERS - 1} more subscribed | ${upstreamConns} |`,
      `| events (Jobs created) | ${EVENTS} |`,
      `| subscribers that got every event | ${complete} / ${SUBSCRIBERS} |`,
      `| subscribers with the very same sequence of ids | ${identical} / ${SUBSCRIBERS} |`,
      `| error events | ${errors} |`,
      `| fan-out to the last subscriber, p50 / p99 | ${ms(quantile(lastArrival, 0.5))} / ${ms(quantile(lastArrival, 0.99))} ms |`,
      `| every delivery, p50 / p99 | ${ms(quantile(every, 0.5))} / ${ms(quantile(every, 0.99))} ms |`,
      `| gateway live heap per subscriber (after GC) | ${kib(perSubHeap)} |`,
      `| gateway RSS per subscriber | ${kib(perSubRss)} |`,
      `| gateway RSS with 1 / ${SUBSCRIBERS} subscribers | ${mib(base.rss)} / ${mib(full.rss)} |`,
      '',
      `Latency runs from sending the create to the apiserver until this process, which reads all ${SUBSCRIBERS} streams on one thread, has parsed the event: an upper bound on the gateway's part.`,
      '',
      verdict(
        complete === SUBSCRIBERS && identical === SUBSCRIBERS && errors === 0,
        'every subscriber got every event, in the same order, and no error',
      ),
      verdict(
        upstreamConns <= 1,
        `one upstream watch: ${upstreamConns} upstream connection(s) opened for ${SUBSCRIBERS - 1} more subscribers (≤ 1)`,
      ),
    );
  } finally {
    for (const s of subscribers) s.close();
    agent.destroy();
  }
  out.push(...(await listSection(stack, fake, gateway)));
  return out;
}

/** A list of LIST_JOBS Jobs, JSON and Table, through the gateway and direct. */
async function listSection(stack: Stack, fake: Child, gateway: Child): Promise<string[]> {
  process.stderr.write(`list: creating ${LIST_JOBS} Jobs...\n`);
  const have = JSON.parse((await call(`${fake.url}${JOBS}`)).text) as { items: unknown[] };
  for (let i = have.items.length; i < LIST_JOBS; i += 16)
    await Promise.all(
      Array.from({ length: Math.min(16, LIST_JOBS - i) }, (_, k) =>
        call(`${fake.url}${JOBS}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: jobJson(`bench-list-${i + k}`),
        }),
      ),
    );
  const count = (JSON.parse((await call(`${fake.url}${JOBS}`)).text) as { items: unknown[] }).items.length;
  const loader = stack.loader();
  const table = { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' };
  const cases: [string, string, Record<string, string>, string][] = [
    ['JobList, direct', `${fake.url}${JOBS}`, {}, 'direct'],
    ['JobList, gateway', `${gateway.url}/api/v1/_raw/job/namespace/${NS}`, {}, 'gateway'],
    ['Table, direct', `${fake.url}${JOBS}`, table, 'direct'],
    ['Table, gateway', `${gateway.url}/api/v1/_raw/job/namespace/${NS}`, table, 'gateway'],
  ];
  const rows: string[] = [
    '',
    `### List of ${count} Jobs (4 connections, 5 s each)`,
    '',
    '| case | req/s | p50 ms | p99 ms | answer size | answers |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const [title, url, headers] of cases) {
    process.stderr.write(`list: ${title}...\n`);
    const size = (await call(url, { headers: { Authorization: `Bearer ${stack.token}`, ...headers } })).text
      .length;
    const r: LoadResult = await stack.load(loader, {
      url,
      method: 'GET',
      headers: { Authorization: `Bearer ${stack.token}`, ...headers },
      seconds: 5,
      connections: 4,
    });
    const codes = Object.entries(r.codes)
      .map(([code, n]) => `${n} × ${code}`)
      .join(', ');
    rows.push(
      `| ${title} | ${r.rps.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${kib(size)} | ${codes} |`,
    );
  }
  return rows;
}

if (require.main === module) {
  void (async () => {
    const stack = new Stack();
    try {
      const fake = await stack.fake();
      process.stdout.write(`${(await sseSection(fake)).join('\n')}\n`);
    } catch (e) {
      process.stderr.write(`sse bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    } finally {
      stack.stopAll();
      process.exit();
    }
  })();
}
