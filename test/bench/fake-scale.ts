// The fake apiserver as a cluster under load (issue 9 §7): N Jobs of 10 pods each (completions
// 10, parallelism 10, containers that succeed at once) created at once on a standalone fake
// (`src/k8s/fake/cli.ts` in a process of its own, so its RSS is the fake's alone) whose time runs
// 1000x. It reports the time until every Job is Complete, the fake's RSS and live heap (after a
// full GC) at the start, when they finish, after the Jobs are deleted and after their namespace
// is deleted, and the latency of a GET of one Job and of a list of the namespace's Jobs, sampled
// one after the other (a pair every 250 ms) while the fake works.
//   npm run bench:fake-scale
//   BENCH_FAKE_JOBS (100,1000: one fresh fake per size), BENCH_FAKE_TIME_SCALE (1000),
//   BENCH_FAKE_CREATORS (16 concurrent creates), BENCH_FAKE_PROFILE=1 (a CPU profile of the
//   largest run, summarised; the .cpuprofile is kept in the temp folder).
import { copyFileSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CpuProfile, report, summarize } from './cpu-profile';
import type { ProbeStats } from './protocol';
import { Child, Stack } from './stack';

const SIZES = (process.env.BENCH_FAKE_JOBS ?? '100,1000').split(',').map(Number);
const TIME_SCALE = process.env.BENCH_FAKE_TIME_SCALE ?? '1000';
const CREATORS = Number(process.env.BENCH_FAKE_CREATORS ?? 16);
const PROFILE = process.env.BENCH_FAKE_PROFILE === '1';
const NS = 'scale';
const PODS_PER_JOB = 10;
const SAMPLE_EVERY_MS = 250;
const TIMEOUT_MS = Number(process.env.BENCH_FAKE_TIMEOUT_S ?? 900) * 1000;

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  code: number;
  text: string;
}

function send(base: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        headers: data
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ code: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function must(
  base: string,
  method: string,
  path: string,
  body: unknown,
  codes: number[],
): Promise<Answer> {
  const a = await send(base, method, path, body);
  if (!codes.includes(a.code))
    throw new Error(`${method} ${path} answered ${a.code}: ${a.text.slice(0, 500)}`);
  return a;
}

const job = (name: string): unknown => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    completions: PODS_PER_JOB,
    parallelism: PODS_PER_JOB,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'main', image: 'busybox', command: ['true'] }],
      },
    },
  },
});

interface Condition {
  type?: string;
  status?: string;
}
interface JobList {
  items: { metadata: { name: string }; status?: { conditions?: Condition[] } }[];
}

const isComplete = (j: JobList['items'][number]): boolean =>
  (j.status?.conditions ?? []).some((c) => c.type === 'Complete' && c.status === 'True');

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const mib = (b: number): string => (b / 1048576).toFixed(0);
const ms = (v: number): string => v.toFixed(1);

interface Sampler {
  stop(): Promise<{ get: number[]; list: number[] }>;
}

/** One GET of a Job, then one list of the namespace's Jobs, again and again until stopped. */
function sample(base: string, name: string): Sampler {
  const get: number[] = [];
  const list: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = performance.now();
      let t = started;
      const g = await send(base, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs/${name}`);
      if (g.code === 200) get.push(performance.now() - t);
      t = performance.now();
      const l = await send(base, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs`);
      if (l.code === 200) list.push(performance.now() - t);
      // Four pairs a second at most, however large the list: the sampler stays a light load.
      await new Promise((r) => setTimeout(r, Math.max(0, SAMPLE_EVERY_MS - (performance.now() - started))));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { get: get.sort((a, b) => a - b), list: list.sort((a, b) => a - b) };
    },
  };
}

async function waitFor(what: string, check: () => Promise<boolean>, everyMs = 250): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await check()) return performance.now() - t0;
    if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`${what}: not after ${TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function countOf(base: string, path: string): Promise<number> {
  const a = await must(base, 'GET', path, undefined, [200]);
  return (JSON.parse(a.text) as JobList).items.length;
}

async function run(stack: Stack, jobs: number, profile: boolean): Promise<string[]> {
  const fake: Child = await stack.fake();
  const base = fake.url;
  const stats = (): Promise<ProbeStats> => stack.probe(fake, { probe: 'stats' });
  await must(
    base,
    'POST',
    '/api/v1/namespaces',
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    [201],
  );
  const start = await stats();
  if (profile) await stack.probe(fake, { probe: 'profile-start', intervalMicros: 1000 });

  const t0 = performance.now();
  const sampler = sample(base, 'job-0');
  let next = 0;
  await Promise.all(
    Array.from({ length: CREATORS }, async () => {
      while (next < jobs) {
        const i = next++;
        await must(base, 'POST', `/apis/batch/v1/namespaces/${NS}/jobs`, job(`job-${i}`), [201]);
      }
    }),
  );
  const created = performance.now() - t0;
  let done = 0;
  await waitFor(
    `${jobs} Jobs Complete`,
    async () => {
      const a = await must(base, 'GET', `/apis/batch/v1/namespaces/${NS}/jobs`, undefined, [200]);
      done = (JSON.parse(a.text) as JobList).items.filter(isComplete).length;
      return done === jobs;
    },
    500,
  );
  const complete = performance.now() - t0;
  const latency = await sampler.stop();
  let profileNote = '';
  if (profile) {
    const file = join(tmpdir(), `fake-scale-${jobs}.cpuprofile`);
    const tmp = join(stack.dir, 'fake.cpuprofile');
    await stack.probe(fake, { probe: 'profile-stop', file: tmp });
    copyFileSync(tmp, file);
    profileNote = `CPU profile (${file}):\n${report(summarize(JSON.parse(readFileSync(tmp, 'utf8')) as CpuProfile), 25)}`;
  }
  const pods = await countOf(base, `/api/v1/namespaces/${NS}/pods`);
  const finished = await stats();

  const td = performance.now();
  await must(
    base,
    'DELETE',
    `/apis/batch/v1/namespaces/${NS}/jobs?propagationPolicy=Background`,
    undefined,
    [200],
  );
  await waitFor(
    'Jobs and their pods gone',
    async () => (await countOf(base, `/api/v1/namespaces/${NS}/pods`)) === 0,
  );
  const deleted = performance.now() - td;
  const afterJobs = await stats();
  await must(base, 'DELETE', `/api/v1/namespaces/${NS}`, undefined, [200]);
  await waitFor(
    'namespace gone',
    async () => (await send(base, 'GET', `/api/v1/namespaces/${NS}`)).code === 404,
  );
  const afterNs = await stats();
  stack.stopAll();

  const row = (what: string, s: ProbeStats): string =>
    `  ${what.padEnd(34)} RSS ${mib(s.rss).padStart(5)} MiB   heap after GC ${mib(s.heapUsed).padStart(5)} MiB`;
  return [
    `${jobs} Jobs x ${PODS_PER_JOB} pods (time scale ${TIME_SCALE}, ${CREATORS} concurrent creates):`,
    `  created in ${(created / 1000).toFixed(1)} s; all Complete after ${(complete / 1000).toFixed(1)} s` +
      ` (${(complete / jobs).toFixed(1)} ms per Job); ${pods} pods; Jobs and pods deleted in ${(deleted / 1000).toFixed(1)} s`,
    `  while it worked: GET one Job p50 ${ms(percentile(latency.get, 0.5))} ms p99 ${ms(percentile(latency.get, 0.99))} ms` +
      ` (${latency.get.length} samples); list of the namespace's Jobs p50 ${ms(percentile(latency.list, 0.5))} ms` +
      ` p99 ${ms(percentile(latency.list, 0.99))} ms (${latency.list.length})`,
    row('at start', start),
    row('when all are Complete', finished),
    row('after the Jobs are deleted', afterJobs),
    row('after the namespace is deleted', afterNs),
    ...(profileNote ? [profileNote] : []),
  ];
}

async function main(): Promise<void> {
  // cli.ts reads the time scale from the environment the fake inherits.
  process.env.FAKE_TIME_SCALE = TIME_SCALE;
  const largest = Math.max(...SIZES);
  for (const n of SIZES) {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_FAKE_JOBS: not a count: ${n}`);
    const out = await run(new Stack(), n, PROFILE && n === largest);
    process.stdout.write(`${out.join('\n')}\n`);
  }
  agent.destroy();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
