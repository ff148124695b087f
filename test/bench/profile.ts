// Where the gateway's time goes under one of the bench's loads (GET JSON unless told): a V8
// CPU profile (the profiler --cpu-prof uses, started over the inspector after the warm-up so
// boot is left out), summarised by function and by group (Nest pipeline, validation, rate
// limit, headers, auth, upstream request, JSON, logging...).
//   npx ts-node --transpile-only test/bench/profile.ts
//   BENCH_SECONDS (8), BENCH_WARMUP_SECONDS (2), BENCH_PROFILE_TARGET=gateway|nest|fastify|bare|fake,
//   BENCH_PROFILE_CASE (a key of cases.ts: get-json, post-yaml...), BENCH_PROFILE_INTERVAL_US (200).
//   BENCH_PROFILE_KIND=alloc samples allocations instead (garbage included; BENCH_PROFILE_INTERVAL_BYTES,
//   16384) and prints bytes per request. BENCH_PROFILE_WARM_ALL=1 first runs every case through the
//   target, as the bench does. The profile is kept and opens in Chrome DevTools.
import { copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES } from './cases';
import { AllocProfile, allocReport } from './alloc-profile';
import { CpuProfile, report, summarize } from './cpu-profile';
import { caseNamed, Child, run, Stack } from './stack';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const TARGET = process.env.BENCH_PROFILE_TARGET ?? 'gateway';
const CASE = process.env.BENCH_PROFILE_CASE ?? 'get-json';
const ALLOC = process.env.BENCH_PROFILE_KIND === 'alloc';

async function main(): Promise<void> {
  const stack = new Stack();
  const fake = await stack.seededFake();
  const c = caseNamed(CASE);
  const targets: Record<string, () => Promise<[Child, boolean]>> = {
    gateway: async () => [await stack.gateway(fake.url), true],
    fastify: async () => [await stack.bareFastify(fake.url), true],
    nest: async () => [await stack.bareNest(fake.url), true],
    bare: async () => [await stack.bareProxy(fake.url), false],
    fake: () => Promise.resolve([fake, false]),
  };
  const start = targets[TARGET];
  if (!start) throw new Error(`BENCH_PROFILE_TARGET must be one of ${Object.keys(targets).join(', ')}`);
  const [child, facade] = await start();
  const loader = stack.loader();
  const load = stack.request(child, c, facade);
  // As the bench does before its rounds: every case through the target first, so that the
  // code it shares with other requests has seen them all.
  if (process.env.BENCH_PROFILE_WARM_ALL === '1')
    for (const x of CASES)
      await stack.load(loader, { ...stack.request(child, x, facade), seconds: WARMUP, connections: 32 });
  await stack.load(loader, { ...load, seconds: WARMUP, connections: 32 });
  const extension = ALLOC ? 'heapprofile' : 'cpuprofile';
  const file = join(stack.dir, `${TARGET}.${extension}`);
  await stack.probe(
    child,
    ALLOC
      ? { probe: 'alloc-start', intervalBytes: Number(process.env.BENCH_PROFILE_INTERVAL_BYTES ?? 16384) }
      : { probe: 'profile-start', intervalMicros: Number(process.env.BENCH_PROFILE_INTERVAL_US ?? 200) },
  );
  const r = await stack.load(loader, { ...load, seconds: SECONDS, connections: 32 });
  await stack.probe(child, { probe: ALLOC ? 'alloc-stop' : 'profile-stop', file });
  const kept = join(tmpdir(), `job-gateway-${TARGET}-${Date.now()}.${extension}`);
  copyFileSync(file, kept);
  const codes = Object.entries(r.codes)
    .map(([code, n]) => `${n} × ${code}`)
    .join(', ');
  // A profile of the wrong answers is a profile of something else: say so first.
  const expected = TARGET === 'gateway' ? c.expect.gateway : c.expect.upstream;
  if ((r.codes[String(expected)] ?? 0) !== r.requests || r.errors)
    process.stdout.write(
      `**Warning: expected only ${expected} answers, got ${codes} and ${r.errors} errors.**\n\n`,
    );
  const profile: unknown = JSON.parse(readFileSync(file, 'utf8'));
  process.stdout.write(
    `### ${ALLOC ? 'Allocation' : 'CPU'} profile of the ${TARGET} under "${c.title}", 32 keep-alive connections, ${SECONDS} s\n\n` +
      `${Math.round(r.rps)} req/s while profiled (the profiler costs some), p50 ${r.p50.toFixed(2)} ms, answers: ${codes}. Profile: ${kept}\n\n` +
      `${ALLOC ? allocReport(profile as AllocProfile, r.requests) : report(summarize(profile as CpuProfile))}\n`,
  );
  stack.stopAll();
}

run('profile', main);
