// npm run real-cluster:fixtures: records what a real control plane does with Jobs over time
// (the Job and its pods, event by event) into test/fixtures/real-cluster/<scenario>.json, for
// the day the fake runs a job controller. uids, pod-name suffixes and resourceVersions are
// replaced by stable names; timestamps become seconds after the Job was created ("T+3s").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturesDir, realTarget, Target } from '../real/target';
import { sleep, until } from '../support/wait';
import { buildBinaries, startRealCluster } from './launcher';

type Json = Record<string, any>;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

interface Scenario {
  name: string;
  about: string;
  job: Json;
  /** Runs after the Job is created; resolves when the story is over. */
  drive(t: Target, ns: string, name: string, events: () => Json[]): Promise<void>;
}

function job(name: string, spec: Json, outcome?: string, runMs?: number): Json {
  const metadata: Json = {};
  if (outcome) metadata.labels = { 'job-gateway.test/outcome': outcome };
  if (runMs) metadata.annotations = { 'job-gateway.test/run-ms': String(runMs) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata,
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] },
      },
    },
  };
}

const conditionOf = (events: Json[], type: string): boolean =>
  events.some(
    (e) =>
      e.object.kind === 'Job' &&
      (e.object.status?.conditions ?? []).some((c: Json) => c.type === type && c.status === 'True'),
  );

/** Waits a minute at most for a story's next step. */
const waitTill = (what: string, check: () => boolean | Promise<boolean>): Promise<void> =>
  until(what, check, 60000).then(() => undefined);

const finished = (events: () => Json[]) => () =>
  conditionOf(events(), 'Complete') || conditionOf(events(), 'Failed');

const deleted = (events: () => Json[]) => () =>
  events().some((e) => e.type === 'DELETED' && e.object.kind === 'Job');

const podsGone = async (t: Target, ns: string, name: string) =>
  ((await t.call('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=job-name%3D${name}`)).json.items ?? [])
    .length === 0;

const deleteWith = (policy: string): Scenario => ({
  name: `delete-${policy.toLowerCase()}`,
  about: `A running Job (2 pods) deleted with propagationPolicy ${policy}.`,
  job: job('', { completions: 2, parallelism: 2 }, 'hang'),
  async drive(t, ns, name, events) {
    await waitTill(
      '2 running pods',
      () => events().filter((e) => e.object.status?.phase === 'Running').length >= 2,
    );
    await t.call('DELETE', `/apis/batch/v1/namespaces/${ns}/jobs/${name}`, { propagationPolicy: policy });
    await waitTill('the Job to go', deleted(events));
    if (policy !== 'Orphan') await waitTill('the pods to go', () => podsGone(t, ns, name));
    await sleep(1000);
  },
});

const SCENARIOS: Scenario[] = [
  {
    name: 'succeeded',
    about: 'completions 3, parallelism 2: every pod succeeds.',
    job: job('', { completions: 3, parallelism: 2 }),
    drive: (_t, _ns, _n, events) => waitTill('the Job to finish', finished(events)),
  },
  {
    name: 'backoff-limit',
    about: 'backoffLimit 1: every pod exits 1, so the Job fails after two pods.',
    job: job('', { backoffLimit: 1 }, 'fail'),
    drive: (_t, _ns, _n, events) => waitTill('the Job to finish', finished(events)),
  },
  {
    name: 'active-deadline',
    about: 'activeDeadlineSeconds 3 with pods that never end: the Job fails with DeadlineExceeded.',
    job: job('', { activeDeadlineSeconds: 3, parallelism: 2, completions: 2 }, 'hang'),
    drive: async (t, ns, name, events) => {
      await waitTill('the Job to finish', finished(events));
      await waitTill('the pods to go', () => podsGone(t, ns, name));
    },
  },
  {
    name: 'indexed',
    about: 'completionMode Indexed, completions 3, parallelism 3.',
    job: job('', { completionMode: 'Indexed', completions: 3, parallelism: 3 }),
    drive: (_t, _ns, _n, events) => waitTill('the Job to finish', finished(events)),
  },
  {
    name: 'suspend-resume',
    about: 'Created suspended; resumed after 2 s; then it runs to completion.',
    job: job('', { suspend: true, completions: 2, parallelism: 2 }),
    async drive(t, ns, name, events) {
      await sleep(2000);
      await t.call(
        'PATCH',
        `/apis/batch/v1/namespaces/${ns}/jobs/${name}`,
        { spec: { suspend: false } },
        MERGE,
      );
      await waitTill('the Job to finish', finished(events));
    },
  },
  {
    name: 'ttl-after-finished',
    about: 'ttlSecondsAfterFinished 1: the Job and its pods are deleted a second after it completes.',
    job: job('', { ttlSecondsAfterFinished: 1 }),
    async drive(t, ns, name, events) {
      await waitTill('the Job to be deleted', deleted(events));
      await waitTill('the pods to go', () => podsGone(t, ns, name));
    },
  },
  deleteWith('Background'),
  deleteWith('Foreground'),
  deleteWith('Orphan'),
];

/** Stable names for what changes from run to run. */
function stabilize(events: Json[], jobName: string): Json[] {
  const created = Date.parse(events.find((e) => e.object.kind === 'Job')?.object.metadata.creationTimestamp);
  const names = new Map<string, string>();
  const counters = new Map<string, number>();
  const stable = (prefix: string, v: string) => {
    if (!names.has(v)) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      names.set(v, `${prefix}-${n}`);
    }
    return names.get(v) as string;
  };
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, k === 'resourceVersion' ? '<rv>' : walk(x)]),
      );
    if (typeof v !== 'string') return v;
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v))
      return `T+${Math.round((Date.parse(v) - created) / 1000)}s`;
    return v
      .replace(
        /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
        (u) => `${stable('<uid', u)}>`,
      )
      .replace(new RegExp(`\\b${jobName}-(\\d+-)?[a-z0-9]{5}\\b`, 'g'), (p) => stable(`${jobName}-pod`, p));
  };
  return events.map((e) => walk(e) as Json);
}

async function record(t: Target, s: Scenario): Promise<Json> {
  const ns = `fixture-${s.name}`;
  await t.call('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  for (
    let i = 0;
    (await t.call('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status !== 200;
    i++
  ) {
    if (i > 100) throw new Error(`no default service account in ${ns}`);
    await sleep(100);
  }
  const name = s.name;
  const jobs = t.watch(`/apis/batch/v1/namespaces/${ns}/jobs?watch=1`);
  const pods = t.watch(`/api/v1/namespaces/${ns}/pods?watch=1`);
  const events = () =>
    [...jobs.events(), ...pods.events()].sort(
      (a, b) => Number(a.object.metadata.resourceVersion) - Number(b.object.metadata.resourceVersion),
    );
  await sleep(300);
  const body = structuredClone(s.job);
  body.metadata.name = name;
  const created = await t.call('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, body);
  if (created.status !== 201) throw new Error(`${s.name}: ${created.text}`);
  await s.drive(t, ns, name, events);
  await sleep(500);
  jobs.stop();
  pods.stop();
  const seen = events().map((e) => ({ type: e.type, kind: e.object.kind, object: e.object }));
  return { scenario: s.name, about: s.about, request: body, events: stabilize(seen, name) };
}

async function main(): Promise<void> {
  buildBinaries();
  const cluster = await startRealCluster();
  const t = realTarget('admin', cluster);
  try {
    mkdirSync(fixturesDir, { recursive: true });
    const only = process.argv.slice(2);
    for (const s of SCENARIOS.filter((x) => !only.length || only.includes(x.name))) {
      const started = Date.now();
      const fixture = await record(t, s);
      writeFileSync(join(fixturesDir, `${s.name}.json`), JSON.stringify(fixture, null, 2) + '\n');
      process.stdout.write(`${s.name}: ${fixture.events.length} events in ${Date.now() - started} ms\n`);
    }
  } finally {
    await t.close();
    await cluster.stop();
  }
}

main().catch((e: Error) => {
  process.stderr.write(`${e.stack ?? e.message}\n`);
  process.exit(1);
});
