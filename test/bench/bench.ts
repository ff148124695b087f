// `npm run bench`: the gateway side by side with what it sits in front of, in one run on one
// machine. Each path runs in its own process (fake apiserver, nginx when on PATH, a bare Node
// proxy, a bare Fastify route, the gateway in cluster mode) and autocannon loads them from a
// process of its own. Prints a Markdown table and the targets of issue 11 read from it.
// It is a measurement: it exits 0 whatever the verdicts, 1 only when it could not measure.
//   BENCH_SECONDS (8) per case, BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32), BENCH_ROUNDS (1:
//   more rounds run every row again, every other round backwards, show the median round, and
//   judge the targets by the median of the rounds' ratios; for a busy machine),
//   BENCH_CASES / BENCH_PATHS: comma-separated subsets of the keys below, BENCH_KEEP=1 keeps logs.
import { cpus, loadavg } from 'node:os';
import { Case, CASES } from './cases';
import type { LoadResult, ProbeCpu, ProbeStats } from './protocol';
import { sseSection } from './sse';
import { call, Child, median, run, Stack } from './stack';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const only = (v: string | undefined): string[] | undefined => v?.split(',').map((s) => s.trim());

interface Path {
  key: string;
  title: string;
  child: Child;
  facade: boolean;
}

interface Row {
  c: Case;
  p: Path;
  /** The round with the median rate (the only one when BENCH_ROUNDS is 1). */
  r: LoadResult;
  /** Every round's, in round order. */
  rounds: LoadResult[];
  /** Over all rounds: requests, TCP connections the fake apiserver accepted while they ran,
   * and answers other than the expected code plus connection errors. */
  requests: number;
  upstreamConnections: number;
  unexpected: number;
  /** CPU time per request of the path's own process (n/a for nginx), over all rounds. */
  cpuMicros: number;
  /** The part of it on the main thread. */
  mainMicros: number;
}

const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const kilo = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(2)}k` : fmt(n));
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MiB`;
const pct = (a: number, b: number): string => (Number.isFinite(a / b) ? `${fmt((100 * a) / b)}%` : 'n/a');

async function main(): Promise<void> {
  const stack = new Stack();
  const wantCases = only(process.env.BENCH_CASES);
  const wantPaths = only(process.env.BENCH_PATHS);
  const cases = CASES.filter((c) => !wantCases || wantCases.includes(c.key));
  const notes: string[] = [];
  // Other work on the machine skews every row; say how busy it was.
  const loadAtStart = loadavg()[0];

  process.stderr.write('starting the fake apiserver, nginx, the bare proxies and the gateway...\n');
  const fake = await stack.seededFake();
  const [nginx, bare, fastify, nest, gateway] = await Promise.all([
    stack.nginx(fake.url),
    stack.bareProxy(fake.url),
    stack.bareFastify(fake.url),
    stack.bareNest(fake.url),
    stack.gateway(fake.url),
  ]);
  if (!nginx) notes.push('nginx is not on PATH: its row is skipped.');
  const paths: Path[] = [
    { key: 'direct', title: 'fake apiserver, direct', child: fake, facade: false },
    ...(nginx ? [{ key: 'nginx', title: 'nginx (keep-alive upstream)', child: nginx, facade: false }] : []),
    { key: 'bare', title: 'bare Node proxy', child: bare, facade: false },
    { key: 'fastify', title: 'bare Fastify route', child: fastify, facade: true },
    { key: 'nest', title: 'bare Nest route', child: nest, facade: true },
    { key: 'gateway', title: '**gateway**', child: gateway, facade: true },
  ].filter((p) => !wantPaths || wantPaths.includes(p.key));
  const loader = stack.loader();
  const expectedOf = (c: Case, p: Path): number =>
    p.key === 'gateway' ? c.expect.gateway : c.expect.upstream;
  const request = (c: Case, p: Path) => stack.request(p.child, c, p.facade);

  // Every path must answer every case as expected before it is timed.
  for (const c of cases)
    for (const p of paths) {
      const req = request(c, p);
      const r = await call(req.url, { method: req.method, headers: req.headers, body: req.body });
      if (r.code !== expectedOf(c, p))
        notes.push(
          `${p.title} answered ${r.code} to "${c.title}" (expected ${expectedOf(c, p)}): ${r.text.slice(0, 200)}`,
        );
    }

  const gatewayBoot = await stack.probe(gateway, { probe: 'stats' });
  // The start of the memory comparison: every case run once through the gateway, so that
  // what its code paths allocate once (compiled code, pools, caches) is in it; growth after
  // that is what a long-running gateway would show.
  let gatewayStart: ProbeStats | undefined;
  if (paths.some((p) => p.key === 'gateway')) {
    const g = paths.find((p) => p.key === 'gateway') as Path;
    for (const c of cases) {
      process.stderr.write(`warming up the gateway: ${c.title}...\n`);
      await stack.load(loader, { ...request(c, g), seconds: WARMUP, connections: CONNECTIONS });
    }
    gatewayStart = await stack.probe(gateway, { probe: 'stats' });
  }
  const runs = new Map<string, { r: LoadResult; conns: number; cpu: number; main: number }[]>();
  // nginx answers no probe: its CPU is not measured.
  const cpuOf = async (p: Path): Promise<ProbeCpu> =>
    p.key === 'nginx'
      ? { cpuMicros: NaN, mainThreadMicros: NaN }
      : await stack.probe<ProbeCpu>(p.child, { probe: 'cpu' });
  // The gateway's memory after each round: with several rounds, whether it levels off.
  const byRound: ProbeStats[] = [];
  // Every row of a round, in order; the next round runs them backwards, so that a drift of
  // the machine's speed weighs on both sides of a comparison alike.
  const sequence = cases.flatMap((c) => paths.map((p) => ({ c, p })));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { c, p } of round % 2 ? sequence : [...sequence].reverse()) {
      process.stderr.write(
        `${ROUNDS > 1 ? `round ${round}: ` : ''}${c.title} via ${p.title.replace(/\*/g, '')}...\n`,
      );
      const req = request(c, p);
      await stack.load(loader, { ...req, seconds: WARMUP, connections: CONNECTIONS });
      const before = await stack.probe(fake, { probe: 'stats' });
      const cpuBefore = await cpuOf(p);
      const r = await stack.load(loader, { ...req, seconds: SECONDS, connections: CONNECTIONS });
      const cpuAfter = await cpuOf(p);
      const cpu = cpuAfter.cpuMicros - cpuBefore.cpuMicros;
      const main = cpuAfter.mainThreadMicros - cpuBefore.mainThreadMicros;
      const after = await stack.probe(fake, { probe: 'stats' });
      process.stderr.write(`  ${Math.round(r.rps)} req/s, p50 ${r.p50.toFixed(2)} ms\n`);
      const key = `${c.key}/${p.key}`;
      runs.set(key, [...(runs.get(key) ?? []), { r, conns: after.accepted - before.accepted, cpu, main }]);
    }
    if (gatewayStart) byRound.push(await stack.probe(gateway, { probe: 'stats' }));
  }
  const rows: Row[] = [];
  for (const c of cases)
    for (const p of paths) {
      const all = runs.get(`${c.key}/${p.key}`) ?? [];
      const expected = expectedOf(c, p);
      const sorted = [...all].sort((a, b) => a.r.rps - b.r.rps);
      rows.push({
        c,
        p,
        r: sorted[Math.floor((sorted.length - 1) / 2)].r,
        rounds: all.map((x) => x.r),
        requests: all.reduce((n, x) => n + x.r.requests, 0),
        upstreamConnections: all.reduce((n, x) => n + x.conns, 0),
        unexpected: all.reduce(
          (n, x) => n + x.r.requests - (x.r.codes[String(expected)] ?? 0) + x.r.errors,
          0,
        ),
        cpuMicros: all.reduce((n, x) => n + x.cpu, 0) / all.reduce((n, x) => n + x.r.requests, 0),
        mainMicros: all.reduce((n, x) => n + x.main, 0) / all.reduce((n, x) => n + x.r.requests, 0),
      });
    }
  // The last round's reading is the end: asking again would find what that reading's GC left.
  const gatewayEnd = byRound.at(-1) ?? (await stack.probe<ProbeStats>(gateway, { probe: 'stats' }));

  const cpu = cpus();
  const out: string[] = [];
  out.push(
    `### npm run bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, 1-minute load average ${loadAtStart.toFixed(2)} at the start and ${loadavg()[0].toFixed(2)} at the end; Node ${process.version}; autocannon in its own process, ` +
      `${CONNECTIONS} keep-alive connections, ${WARMUP} s warm-up then ${SECONDS} s per row` +
      (ROUNDS > 1
        ? `, ${ROUNDS} rounds, every other one in reverse order, the median round shown (counts over all rounds; the targets take the median of the rounds' ratios). `
        : '. ') +
      `Gateway: K8S_BACKEND=cluster against the fake, token-file auth + RBAC, LOG_LEVEL=${process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'info'} to a file.` +
      (nginx ? ` nginx: ${process.env.BENCH_NGINX_WORKERS ?? '1'} worker.` : ''),
    '',
    '| case | path | req/s | p50 ms | p99 ms | CPU µs/req (main thread) | answers | unexpected | upstream conns opened | per 1k req |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|',
  );
  for (const { c, p, r, requests, upstreamConnections, unexpected, cpuMicros, mainMicros } of rows) {
    const codes = Object.entries(r.codes)
      .map(([code, n]) => `${n} × ${code}`)
      .join(', ');
    // Direct, the fake's accepted connections are the load generator's own.
    const conns =
      p.key === 'direct'
        ? `(${upstreamConnections} clients) | –`
        : `${upstreamConnections} | ${fmt((1000 * upstreamConnections) / requests, 2)}`;
    out.push(
      `| ${c.title} | ${p.title} | ${kilo(r.rps)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(cpuMicros)} (${fmt(mainMicros)}) | ${codes || 'none'} | ${unexpected} | ${conns} |`,
    );
  }

  out.push(
    '',
    "CPU µs/req: the user + system time of the path's own process per answer (the fake's, direct), the cost that decides the rate when the machine is busy; in brackets the main thread's part (the rest: V8's GC helpers, libuv's pool, the compilers).",
  );

  const row = (caseKey: string, pathKey: string): Row | undefined =>
    rows.find((x) => x.c.key === caseKey && x.p.key === pathKey);
  out.push(
    '',
    '| case | gateway / bare proxy | gateway / direct | gateway / bare Fastify | gateway / bare Nest | bare Fastify / bare proxy | bare Nest / bare Fastify |',
    '|---|---:|---:|---:|---:|---:|---:|',
  );
  for (const c of cases) {
    const g = row(c.key, 'gateway')?.r.rps ?? NaN;
    const b = row(c.key, 'bare')?.r.rps ?? NaN;
    const d = row(c.key, 'direct')?.r.rps ?? NaN;
    const f = row(c.key, 'fastify')?.r.rps ?? NaN;
    const n = row(c.key, 'nest')?.r.rps ?? NaN;
    out.push(
      `| ${c.title} | ${pct(g, b)} | ${pct(g, d)} | ${pct(g, f)} | ${pct(g, n)} | ${pct(f, b)} | ${pct(n, f)} |`,
    );
  }

  const start = gatewayStart ?? gatewayBoot;
  const three = (f: (x: ProbeStats) => number): string =>
    `${mib(f(gatewayBoot))}, ${mib(f(start))}, ${mib(f(gatewayEnd))}`;
  out.push(
    '',
    `Gateway memory at boot, after a warm-up of every case (start) and at the end: RSS as held under load ${three((x) => x.heldRss)}; ` +
      `RSS retained after a last-resort GC ${three((x) => x.rss)}; live heap ${three((x) => x.heapUsed)}; ` +
      `V8 heap held after that GC ${three((x) => x.heapTotal)}; external (Buffers...) ${three((x) => x.external)}` +
      (gatewayEnd.gcRan ? '.' : ' (no --expose-gc: nothing collected, held and retained are alike).') +
      (byRound.length > 1
        ? ` After each round, held / retained: ${byRound.map((x) => `${mib(x.heldRss)} / ${mib(x.rss)}`).join(', ')}.`
        : ''),
  );

  // The targets of issue 11, read from this run only.
  const verdicts: string[] = [];
  // A rate of wrong answers is no rate: a row with unexpected codes fails what reads it.
  const verdict = (ok: boolean | undefined, text: string, used: (Row | undefined)[]): void => {
    const wrong = used.filter((x): x is Row => x !== undefined && x.unexpected > 0);
    const why = wrong.map((x) => `${x.p.title} answered ${x.unexpected} unexpected to "${x.c.title}"`);
    const mark = ok === undefined ? 'n/a ' : ok && !wrong.length ? 'PASS' : 'FAIL';
    verdicts.push(`- ${mark} ${text}${why.length ? ` (${why.join('; ')})` : ''}`);
  };
  // A target compares two rows: round by round (rows run close together, in alternating
  // order), and the median of those ratios decides.
  const paired = (a: Row, b: Row, of: (x: LoadResult) => number, by: (x: number, y: number) => number) =>
    median(a.rounds.map((x, i) => by(of(x), of(b.rounds[i]))));
  const ratio = (a: Row, b: Row): number =>
    paired(
      a,
      b,
      (x) => x.rps,
      (x, y) => x / y,
    );
  const perRound = (a: Row, b: Row): string =>
    a.rounds.length > 1
      ? `, the median of the rounds' ${a.rounds.map((x, i) => pct(x.rps, b.rounds[i].rps)).join(', ')}`
      : '';
  const gj = row('get-json', 'gateway');
  const bj = row('get-json', 'bare');
  const p50Over =
    gj && bj
      ? paired(
          gj,
          bj,
          (x) => x.p50,
          (x, y) => x - y,
        )
      : NaN;
  verdict(
    gj && bj ? ratio(gj, bj) >= 0.8 && p50Over <= 1 : undefined,
    gj && bj
      ? `GET: the gateway at ${pct(ratio(gj, bj), 1)} of the bare proxy's rate (≥ 80%${perRound(gj, bj)}); p50 ${fmt(p50Over, 2)} ms over the bare proxy's (≤ 1 ms)` +
          ` (CPU per GET, steadier than the rate on a busy machine: ${fmt(gj.cpuMicros)} µs vs ${fmt(bj.cpuMicros)}, ${fmt(gj.cpuMicros / bj.cpuMicros, 2)}×)`
      : 'GET: needs the gateway and bare proxy rows',
    [gj, bj],
  );
  const gy = row('get-yaml', 'gateway');
  verdict(
    gy && gj ? ratio(gy, gj) >= 0.7 : undefined,
    gy && gj
      ? `GET as YAML at ${pct(ratio(gy, gj), 1)} of GET as JSON through the gateway (≥ 70%${perRound(gy, gj)})`
      : 'GET as YAML: needs the gateway rows',
    [gy, gj],
  );
  const gp = row('post-yaml', 'gateway');
  const dp = row('post-json', 'direct');
  verdict(
    gp && dp ? ratio(gp, dp) >= 0.5 : undefined,
    gp && dp
      ? `POST seed YAML through the gateway at ${pct(ratio(gp, dp), 1)} of the fake's own JSON POST (≥ 50%${perRound(gp, dp)})`
      : 'POST: needs the gateway POST YAML and direct POST JSON rows',
    [gp, dp],
  );
  const gatewayRows = rows.filter((x) => x.p.key === 'gateway');
  const conns = gatewayRows.reduce((n, x) => n + x.upstreamConnections, 0);
  const reqs = gatewayRows.reduce((n, x) => n + x.requests, 0);
  verdict(
    reqs ? (1000 * conns) / reqs <= 1 : undefined,
    `upstream connections: the gateway opened ${conns} in ${reqs} requests after warm-up = ${fmt((1000 * conns) / reqs, 2)} per 1,000 (≤ 1)`,
    [],
  );
  const change = (a: number, b: number): string => `${b >= a ? '+' : ''}${fmt(100 * (b / a - 1), 1)}%`;
  verdict(
    Math.abs(gatewayEnd.rss / start.rss - 1) <= 0.1,
    `RSS flat: retained ${mib(start.rss)} at the start, ${mib(gatewayEnd.rss)} at the end = ${change(start.rss, gatewayEnd.rss)} (within ±10%); ` +
      `held under load ${mib(start.heldRss)} → ${mib(gatewayEnd.heldRss)} = ${change(start.heldRss, gatewayEnd.heldRss)} (V8's young generation and page pool, sized to the load)`,
    [],
  );
  out.push('', '**Targets of issue 11** (this run):', ...verdicts);
  notes.push(...stack.notes);
  if (notes.length) out.push('', '**Notes:**', ...notes.map((n) => `- ${n}`));
  out.push(...(await sseSection(fake)));
  process.stdout.write(`${out.join('\n')}\n`);
  stack.stopAll();
}

run('bench', main);
