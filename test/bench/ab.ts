// What one setting costs per request: two gateways against the same fake, one started with
// AB_A's environment variables and one with AB_B's, loaded in turn with the same case for
// many short rounds. This machine's speed drifts by a third within minutes, so rates taken
// far apart say little; CPU per answer from adjacent rounds, alternating which goes first,
// compares two settings to a few percent.
//   AB_A='LOG_LEVEL=info' AB_B='LOG_LEVEL=warn' npx ts-node --transpile-only test/bench/ab.ts
//   AB_ROUNDS (10), BENCH_SECONDS per run (3), BENCH_WARMUP_SECONDS (2), BENCH_PROFILE_CASE (get-json),
//   AB_WARM_ALL=A,B: the sides warmed up with every case of the bench first, as the bench does.
import { CASES } from './cases';
import type { ProbeCpu } from './protocol';
import { caseNamed, Child, median, run, Stack } from './stack';

const ROUNDS = Number(process.env.AB_ROUNDS ?? 10);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const CASE = process.env.BENCH_PROFILE_CASE ?? 'get-json';

/** `K=V K2=V2` as an environment. */
function envOf(text: string | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of (text ?? '').split(/\s+/).filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new Error(`"${pair}" is not NAME=value`);
    env[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return env;
}

async function main(): Promise<void> {
  const c = caseNamed(CASE);
  const stack = new Stack();
  const fake = await stack.seededFake();
  const sides = [
    { name: 'A', env: process.env.AB_A ?? '' },
    { name: 'B', env: process.env.AB_B ?? '' },
  ];
  const children: Child[] = [];
  for (const s of sides) children.push(await stack.gateway(fake.url, envOf(s.env), `gateway-${s.name}`));
  const loader = stack.loader();
  const load = (child: Child, seconds: number, x = c) =>
    stack.load(loader, { ...stack.request(child, x, true), seconds, connections: 32 });
  const warmAll = (process.env.AB_WARM_ALL ?? '').split(',');
  for (const [i, child] of children.entries())
    for (const x of warmAll.includes(sides[i].name) ? CASES : [c]) await load(child, WARMUP, x);
  const micros: number[][] = [[], []];
  const mainMicros: number[][] = [[], []];
  const rates: number[][] = [[], []];
  for (let round = 0; round < ROUNDS; round++) {
    // A then B, then B then A: a steady drift weighs on both alike.
    const order = round % 2 ? [1, 0] : [0, 1];
    for (const i of order) {
      const before = await stack.probe<ProbeCpu>(children[i], { probe: 'cpu' });
      const r = await load(children[i], SECONDS);
      const after = await stack.probe<ProbeCpu>(children[i], { probe: 'cpu' });
      if ((r.codes[String(c.expect.gateway)] ?? 0) !== r.requests || r.errors)
        throw new Error(`gateway ${sides[i].name} answered ${JSON.stringify(r.codes)}, ${r.errors} errors`);
      micros[i].push((after.cpuMicros - before.cpuMicros) / r.requests);
      mainMicros[i].push((after.mainThreadMicros - before.mainThreadMicros) / r.requests);
      rates[i].push(r.rps);
    }
    process.stderr.write(
      `round ${round + 1}: A ${micros[0][round].toFixed(0)} µs, B ${micros[1][round].toFixed(0)} µs per answer\n`,
    );
  }
  const ratios = micros[1].map((b, i) => b / micros[0][i]);
  process.stdout.write(
    [
      `### A/B of the gateway under "${c.title}", ${ROUNDS} rounds of ${SECONDS} s each`,
      '',
      `A: \`${sides[0].env || '(defaults)'}\`  B: \`${sides[1].env || '(defaults)'}\`` +
        (process.env.AB_WARM_ALL ? `; warmed up with every case: ${process.env.AB_WARM_ALL}` : ''),
      '',
      '| | CPU µs per answer (median) | main thread | req/s (median) |',
      '|---|---:|---:|---:|',
      ...[0, 1].map(
        (i) =>
          `| ${sides[i].name} | ${median(micros[i]).toFixed(1)} | ${median(mainMicros[i]).toFixed(1)} | ${median(rates[i]).toFixed(0)} |`,
      ),
      '',
      `B / A per round: ${ratios.map((x) => x.toFixed(2)).join(', ')}; median ${median(ratios).toFixed(3)}.`,
      '',
    ].join('\n'),
  );
  stack.stopAll();
}

run('ab', main);
