// What a simulated container does, decided as the real-cluster suite's kwok stages decide it
// (test/real-cluster/kwok-stages.yaml): the pod label job-gateway.test/outcome ("fail" exits 1
// after a second, "hang" runs until deleted, anything else succeeds after
// job-gateway.test/run-ms, 1500 ms by default). Without the label the container's command is
// read when it is a well-known shape: echo, sleep N, true, false, exit N and sh -c scripts of
// those; anything else runs briefly and succeeds (or, restarted Always, keeps running).
import { isObject, Json } from '../../../json';
import { asArray, metaOf } from '../objects';

export const OUTCOME_LABEL = 'job-gateway.test/outcome';
export const RUN_MS_KEY = 'job-gateway.test/run-ms';
const DEFAULT_RUN_MS = 1500;
const FAIL_AFTER_MS = 1000;

export type Step = { print: string } | { sleepMs: number };

export interface ContainerPlan {
  /** What the container prints and how long it waits between lines, in simulated ms. */
  steps: Step[];
  /** undefined: it never exits by itself. */
  exitCode?: number;
}

/** Simulated milliseconds from start to exit; Infinity for a container that never exits. */
export const runTime = (plan: ContainerPlan): number =>
  plan.exitCode === undefined
    ? Infinity
    : plan.steps.reduce((n, s) => n + ('sleepMs' in s ? s.sleepMs : 0), 0);

const unquote = (w: string): string => w.replace(/^(['"])(.*)\1$/s, '$2');

/** Splits a shell word list, keeping quoted parts together. */
function words(text: string): string[] {
  return (text.match(/'[^']*'|"[^"]*"|[^\s]+/g) ?? []).map(unquote);
}

/** One simple command: echo, sleep, true, false, exit; undefined when it is something else. */
function simple(argv: string[]): { steps: Step[]; exit?: number } | undefined {
  const [cmd, ...args] = argv;
  const base = (cmd ?? '').split('/').pop() ?? '';
  switch (base) {
    case 'echo': {
      const text = args[0] === '-n' ? args.slice(1).join(' ') : args.join(' ');
      return { steps: [{ print: text }] };
    }
    case 'sleep': {
      const n = Number(args[0]);
      return Number.isFinite(n) && n >= 0 ? { steps: [{ sleepMs: n * 1000 }] } : undefined;
    }
    case 'true':
      return { steps: [] };
    case 'false':
      return { steps: [], exit: 1 };
    case 'exit': {
      const n = args.length ? Number(args[0]) : 0;
      return Number.isInteger(n) ? { steps: [], exit: ((n % 256) + 256) % 256 } : undefined;
    }
    default:
      return undefined;
  }
}

/** A script of simple commands joined by ";" or "&&" (a failing command stops an && chain). */
function script(text: string): ContainerPlan | undefined {
  const steps: Step[] = [];
  const parts = text.split(/(;|&&|\n)/).map((p) => p.trim());
  let lastExit = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const part = parts[i];
    if (!part) continue;
    const op = i > 0 ? parts[i - 1] : ';';
    if (op === '&&' && lastExit !== 0) return { steps, exitCode: lastExit };
    const argv = words(part);
    const s = simple(argv);
    if (!s) return undefined;
    steps.push(...s.steps);
    if (argv[0] === 'exit') return { steps, exitCode: s.exit ?? 0 };
    lastExit = s.exit ?? 0;
  }
  return { steps, exitCode: lastExit };
}

function fromCommand(argv: string[]): ContainerPlan | undefined {
  if (!argv.length) return undefined;
  const base = argv[0].split('/').pop() ?? '';
  if (['sh', 'bash', 'ash', 'dash'].includes(base) && argv[1] === '-c' && argv.length >= 3)
    return script(argv[2]);
  const s = simple(argv);
  if (!s || argv[0] === 'exit') return undefined;
  return { steps: s.steps, exitCode: s.exit ?? 0 };
}

/** The plan of one container of `pod`. */
export function planFor(pod: Json, container: Json): ContainerPlan {
  const m = metaOf(pod);
  const outcome = m.labels?.[OUTCOME_LABEL];
  if (outcome !== undefined) {
    if (outcome === 'hang') return { steps: [] };
    if (outcome === 'fail') return { steps: [{ sleepMs: FAIL_AFTER_MS }], exitCode: 1 };
    const ms = Number(m.labels?.[RUN_MS_KEY] ?? m.annotations?.[RUN_MS_KEY] ?? DEFAULT_RUN_MS);
    return { steps: [{ sleepMs: Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_RUN_MS }], exitCode: 0 };
  }
  const runMs = m.labels?.[RUN_MS_KEY] ?? m.annotations?.[RUN_MS_KEY];
  if (runMs !== undefined && Number.isFinite(Number(runMs)))
    return { steps: [{ sleepMs: Math.max(0, Number(runMs)) }], exitCode: 0 };
  const argv = [...asArray<unknown>(container.command), ...asArray<unknown>(container.args)].filter(
    (a): a is string => typeof a === 'string',
  );
  const known = fromCommand(argv);
  if (known) return known;
  // An unknown program in a pod that is always restarted is taken for a server: it keeps running.
  const restartPolicy = isObject(pod.spec) ? pod.spec.restartPolicy : undefined;
  if (restartPolicy === undefined || restartPolicy === 'Always') return { steps: [] };
  return { steps: [{ sleepMs: DEFAULT_RUN_MS }], exitCode: 0 };
}

/** The containers of a pod spec. */
export const containersOf = (pod: Json): Json[] =>
  asArray(isObject(pod.spec) ? pod.spec.containers : undefined).filter(isObject);
