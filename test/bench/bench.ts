// `npm run bench`: throughput, latency and memory of the gateway on the embedded fake
// apiserver. The gateway runs in its own process; this one only generates load.
import { fork } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { SEED_JOB_WITH_REMARK_YAML, SEED_JOB_YAML } from '../../src/job/job.examples';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

interface Scenario {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  expect: number;
}

const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    Array.from({ length: 8 }, (_, i) => {
      const p = String.fromCharCode(97 + i);
      const c = String.fromCharCode(98 + i);
      return `${c}: &${c} [${Array(9).fill(`*${p}`).join(',')}]`;
    }),
  )
  .join('\n');

const NS = '/api/v1/_raw/job/namespace/default';
const SCENARIOS: Scenario[] = [
  { name: 'GET job (JSON)', method: 'GET', path: `${NS}/name/sleep1`, expect: 200 },
  {
    name: 'GET job (YAML)',
    method: 'GET',
    path: `${NS}/name/sleep1`,
    headers: { Accept: 'application/yaml' },
    expect: 200,
  },
  {
    name: 'POST YAML, dryRun=All',
    method: 'POST',
    path: `${NS}?dryRun=All`,
    headers: { 'Content-Type': 'application/yaml' },
    body: SEED_JOB_YAML.replace('sleep1\n', 'dry\n'),
    expect: 201,
  },
  {
    name: 'POST with the remark (422)',
    method: 'POST',
    path: NS,
    headers: { 'Content-Type': 'application/yaml' },
    body: SEED_JOB_WITH_REMARK_YAML,
    expect: 422,
  },
  {
    name: 'POST billion laughs (400)',
    method: 'POST',
    path: NS,
    headers: { 'Content-Type': 'application/yaml' },
    body: laughs,
    expect: 400,
  },
  { name: 'GET missing job (404)', method: 'GET', path: `${NS}/name/ghost`, expect: 404 },
];

function once(agent: http.Agent, base: URL, s: Scenario): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { agent, host: base.hostname, port: base.port, method: s.method, path: s.path, headers: s.headers },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(s.body);
  });
}

async function run(base: URL, s: Scenario): Promise<string> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let wrong = 0;
  const end = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        const code = await once(agent, base, s);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (code !== s.expect) wrong++;
      }
    }),
  );
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number): string =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
  const rps = (latencies.length / (DURATION_MS / 1000)).toFixed(0);
  return `| ${s.name} | ${rps} | ${q(0.5)} | ${q(0.99)} | ${wrong} |`;
}

async function main(): Promise<void> {
  const child = fork(join(__dirname, 'serve.ts'), {
    execArgv: ['--expose-gc', '-r', 'ts-node/register/transpile-only'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => {
    child.stdout?.on('data', (d: Buffer) => {
      const m = /ready (\S+)/.exec(d.toString());
      if (m) resolve(m[1]);
    });
  });
  const base = new URL(url);
  const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);
  type Stats = { rss: number; heapAfterGc: number; upstreamConnections: number };
  const stats = (): Promise<Stats> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as Stats));
      child.send('stats');
    });
  await once(new http.Agent(), base, {
    name: 'seed',
    method: 'POST',
    path: NS,
    headers: { 'Content-Type': 'application/yaml' },
    body: SEED_JOB_YAML,
    expect: 201,
  });
  const before = await stats();
  console.log(
    `gateway on the embedded fake, ${CONCURRENCY} concurrent keep-alive clients, ${DURATION_MS / 1000}s each, Node ${process.version}\n`,
  );
  console.log('| scenario | req/s | p50 ms | p99 ms | unexpected codes |\n|---|---|---|---|---|');
  for (const s of SCENARIOS) console.log(await run(base, s));
  const after = await stats();
  console.log(
    `\ngateway RSS: ${mib(before.rss)} MiB before, ${mib(after.rss)} MiB after (peak allocation);` +
      ` live heap after a full GC: ${mib(before.heapAfterGc)} MiB before, ${mib(after.heapAfterGc)} MiB after`,
  );
  console.log(`upstream connections opened by the gateway: ${after.upstreamConnections}`);
  child.kill('SIGTERM');
}

void main();
