// The controller differential suite: the same Jobs run on the fake (job controller, simulated
// kubelet, garbage collector, TTL) and on the real control plane (kube-controller-manager 1.36,
// kube-scheduler, kwok as the kubelet by test/real-cluster/kwok-stages.yaml). When each story is
// over, what a client can read is compared: the Job's status, conditions (type, reason, message),
// labels, annotations and finalizers; every pod left (name pattern, labels, annotations,
// finalizers, ownerReferences, phase, container exit); every event (type, reason, message, source).
// Normalised: names made from generateName, uids, times, resourceVersions and the node's name.
// The real control plane is the expected side of every comparison.
// Real: both apiservers over HTTP(S). Not real: the fake's time runs TIME_SCALE times faster, so
// only outcomes are compared, never durations.
import { writeFileSync } from 'node:fs';
import { fakeClusterTarget } from '../support/fake-cluster-target';
import { sleep, until } from '../support/wait';
import { realTarget, Target } from './target';

type Json = Record<string, any>;
const TIME_SCALE = 5;
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const UID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const TRACKING = 'batch.kubernetes.io/job-tracking';

const jobPath = (ns: string, name = '') => `/apis/batch/v1/namespaces/${ns}/jobs${name ? `/${name}` : ''}`;
const podsPath = (ns: string) => `/api/v1/namespaces/${ns}/pods`;

interface Case {
  name: string;
  spec: Json;
  /** The kwok stage the pods take (test/real-cluster/kwok-stages.yaml); none succeeds. */
  outcome?: 'fail' | 'hang';
  /** Drives the story after the Job is created and resolves when it is over; snapshots on the way. */
  drive(t: Target, ns: string, name: string, snap: (label: string) => Promise<void>): Promise<void>;
}

function jobBody(c: Case): Json {
  const metadata: Json = { annotations: { 'job-gateway.test/run-ms': '500' } };
  if (c.outcome) metadata.labels = { 'job-gateway.test/outcome': c.outcome };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: c.name, labels: { case: c.name } },
    spec: {
      ...c.spec,
      template: {
        metadata,
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] },
      },
    },
  };
}

const getJob = async (t: Target, ns: string, name: string) => t.call('GET', jobPath(ns, name));
const listPods = async (t: Target, ns: string): Promise<Json[]> =>
  ((await t.call('GET', podsPath(ns))).json?.items ?? []) as Json[];

const trueCondition = (job: Json | undefined, type: string): boolean =>
  (job?.status?.conditions ?? []).some((c: Json) => c.type === type && c.status === 'True');

/** Pods settled: none is terminating, none still carries the controller's tracking finalizer. */
const podsSettled = (pods: Json[]) =>
  pods.every((p) => !p.metadata.deletionTimestamp && !(p.metadata.finalizers ?? []).includes(TRACKING));

const WAIT = 90000;
const SETTLE_QUIET_MS = 4000;
const SETTLE_MAX_MS = 45000;

async function untilFinished(t: Target, ns: string, name: string): Promise<void> {
  await until(
    `${t.name}: ${ns}/${name} to finish and its pods to settle`,
    async () => {
      const job = (await getJob(t, ns, name)).json;
      if (!trueCondition(job, 'Complete') && !trueCondition(job, 'Failed')) return false;
      const s = job.status ?? {};
      const uncounted =
        (s.uncountedTerminatedPods?.succeeded ?? []).length +
        (s.uncountedTerminatedPods?.failed ?? []).length;
      return !uncounted && !s.terminating && podsSettled(await listPods(t, ns));
    },
    WAIT,
  );
}

async function untilGone(t: Target, ns: string, name: string, podsToo: boolean): Promise<void> {
  await until(
    `${t.name}: ${ns}/${name} to go${podsToo ? ' with its pods' : ''}`,
    async () => (await getJob(t, ns, name)).status === 404 && (!podsToo || !(await listPods(t, ns)).length),
    WAIT,
  );
}

async function untilRunning(t: Target, ns: string, count: number): Promise<void> {
  await until(
    `${t.name}: ${count} running pods in ${ns}`,
    async () => (await listPods(t, ns)).filter((p) => p.status?.phase === 'Running').length === count,
    WAIT,
  );
}

const finishes: Case['drive'] = (t, ns, name) => untilFinished(t, ns, name);

const deleteWith = (policy: 'Background' | 'Foreground' | 'Orphan'): Case => ({
  name: `delete-${policy.toLowerCase()}`,
  spec: { completions: 4, parallelism: 2 },
  outcome: 'hang',
  async drive(t, ns, name, snap) {
    await untilRunning(t, ns, 2);
    await until(
      `${t.name}: ${name} to count 2 ready`,
      async () => (await getJob(t, ns, name)).json.status?.ready === 2,
    );
    await snap('running');
    const del = await t.call('DELETE', jobPath(ns, name), { propagationPolicy: policy });
    if (del.status !== 200 && del.status !== 202) throw new Error(`${t.name}: delete: ${del.text}`);
    await untilGone(t, ns, name, policy !== 'Orphan');
    if (policy === 'Orphan')
      await until(`${t.name}: orphans released`, async () =>
        (await listPods(t, ns)).every((p) => !p.metadata.ownerReferences && podsSettled([p])),
      );
  },
});

/**
 * A running pod deleted: the Job counts it failed and, once the failure back-off (10 s on the
 * real side) is over, runs a replacement. The story ends when the replacement runs on both sides:
 * a snapshot taken during the back-off would compare clocks (the fake's runs TIME_SCALE faster).
 */
const podDeleted = (caseName: string, podReplacementPolicy: string): Case => ({
  name: caseName,
  spec: { completions: 1, parallelism: 1, podReplacementPolicy },
  outcome: 'hang',
  async drive(t, ns, name) {
    await untilRunning(t, ns, 1);
    const [first] = await listPods(t, ns);
    await t.call('DELETE', `${podsPath(ns)}/${first.metadata.name}`);
    await until(
      `${t.name}: a replacement running and ready`,
      async () => {
        const pods = await listPods(t, ns);
        const job = (await getJob(t, ns, name)).json;
        return (
          pods.length === 1 &&
          pods[0].metadata.name !== first.metadata.name &&
          pods[0].status?.phase === 'Running' &&
          job.status?.ready === 1
        );
      },
      WAIT,
    );
  },
});

const CASES: Case[] = [
  { name: 'succeeded', spec: { completions: 3, parallelism: 2 }, drive: finishes },
  { name: 'backoff-limit', spec: { backoffLimit: 1 }, outcome: 'fail', drive: finishes },
  {
    name: 'active-deadline',
    spec: { activeDeadlineSeconds: 3, completions: 2, parallelism: 2 },
    outcome: 'hang',
    drive: finishes,
  },
  { name: 'indexed', spec: { completionMode: 'Indexed', completions: 3, parallelism: 3 }, drive: finishes },
  {
    name: 'suspend-resume',
    spec: { suspend: true, completions: 2, parallelism: 2 },
    async drive(t, ns, name, snap) {
      // kube-controller-manager records events asynchronously, after the status it reports:
      // the snapshot waits for the Suspended event too, or it compares that race.
      await until(
        `${t.name}: ${name} suspended, and its event recorded`,
        async () =>
          trueCondition((await getJob(t, ns, name)).json, 'Suspended') &&
          ((await t.call('GET', `/api/v1/namespaces/${ns}/events`)).json?.items ?? []).some(
            (e: Json) => e.reason === 'Suspended' && e.involvedObject?.name === name,
          ),
      );
      await snap('suspended');
      await t.call('PATCH', jobPath(ns, name), { spec: { suspend: false } }, MERGE);
      await untilFinished(t, ns, name);
    },
  },
  {
    name: 'pod-failure-policy',
    spec: {
      backoffLimit: 6,
      podFailurePolicy: {
        rules: [{ action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [1] } }],
      },
    },
    outcome: 'fail',
    drive: finishes,
  },
  {
    name: 'pod-failure-policy-ignore-count',
    // Exit code 1 is not ignored (NotIn [1]): the failure counts and the backoff limit 0 ends the Job.
    spec: {
      backoffLimit: 0,
      podFailurePolicy: {
        rules: [{ action: 'Ignore', onExitCodes: { operator: 'NotIn', values: [1] } }],
      },
    },
    outcome: 'fail',
    drive: finishes,
  },
  {
    name: 'success-policy',
    spec: {
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 1,
      successPolicy: { rules: [{ succeededIndexes: '0' }] },
    },
    drive: finishes,
  },
  {
    name: 'backoff-limit-per-index',
    spec: { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 0 },
    outcome: 'fail',
    drive: finishes,
  },
  {
    name: 'max-failed-indexes',
    spec: {
      completionMode: 'Indexed',
      completions: 3,
      parallelism: 1,
      backoffLimitPerIndex: 0,
      maxFailedIndexes: 0,
    },
    outcome: 'fail',
    drive: finishes,
  },
  {
    name: 'fail-index',
    spec: {
      completionMode: 'Indexed',
      completions: 2,
      parallelism: 2,
      backoffLimitPerIndex: 3,
      podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] },
    },
    outcome: 'fail',
    drive: finishes,
  },
  {
    name: 'backoff-limit-per-index-retried',
    spec: { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 },
    outcome: 'fail',
    drive: finishes,
  },
  { name: 'work-queue', spec: { parallelism: 2 }, drive: finishes },
  {
    name: 'scale-up',
    spec: { completions: 4, parallelism: 1 },
    outcome: 'hang',
    async drive(t, ns, name, snap) {
      await untilRunning(t, ns, 1);
      await t.call('PATCH', jobPath(ns, name), { spec: { parallelism: 3 } }, MERGE);
      await untilRunning(t, ns, 3);
      await until(
        `${t.name}: ${name} to count 3 ready`,
        async () => (await getJob(t, ns, name)).json.status?.ready === 3,
      );
      await snap('scaled');
    },
  },
  {
    name: 'suspend-running',
    spec: { completions: 2, parallelism: 2 },
    outcome: 'hang',
    async drive(t, ns, name) {
      await untilRunning(t, ns, 2);
      await t.call('PATCH', jobPath(ns, name), { spec: { suspend: true } }, MERGE);
      await until(
        `${t.name}: ${name} suspended with its pods gone`,
        async () =>
          trueCondition((await getJob(t, ns, name)).json, 'Suspended') && !(await listPods(t, ns)).length,
        WAIT,
      );
    },
  },
  podDeleted('pod-deleted', 'TerminatingOrFailed'),
  // Not compared with podReplacementPolicy Failed: a real kubelet fails a deleted running pod and
  // the fake's does, but kwok's stages only delete it, so the real side waits for a failure that
  // never comes. The fake's behaviour is held to a kubelet's in job-controller-features.spec.ts.
  {
    name: 'ttl-after-finished',
    spec: { ttlSecondsAfterFinished: 1 },
    drive: (t, ns, name) => untilGone(t, ns, name, true),
  },
  deleteWith('Background'),
  deleteWith('Foreground'),
  deleteWith('Orphan'),
];

/** What a client reads of one namespace's story, names, uids, times and the node normalised. */
async function snapshot(t: Target, ns: string, name: string, node: string): Promise<Json> {
  const job = await getJob(t, ns, name);
  const pods = await listPods(t, ns);
  const events = ((await t.call('GET', `/api/v1/namespaces/${ns}/events`)).json?.items ?? []) as Json[];
  const pick = (o: Json | undefined, keys: string[]) =>
    Object.fromEntries(keys.filter((k) => o?.[k] !== undefined).map((k) => [k, o?.[k]]));
  const meta = (m: Json) => pick(m, ['labels', 'annotations', 'finalizers', 'ownerReferences']);
  const view = {
    job:
      job.status === 404
        ? 'gone'
        : {
            metadata: { ...meta(job.json.metadata), deleting: Boolean(job.json.metadata.deletionTimestamp) },
            status: job.json.status,
          },
    pods: pods.map((p) => ({
      name: p.metadata.name,
      generateName: p.metadata.generateName,
      metadata: { ...meta(p.metadata), deleting: Boolean(p.metadata.deletionTimestamp) },
      nodeName: p.spec.nodeName,
      phase: p.status?.phase,
      containers: (p.status?.containerStatuses ?? []).map((c: Json) => ({
        name: c.name,
        state: Object.keys(c.state ?? {}),
        exit: pick(c.state?.terminated, ['exitCode', 'reason']),
      })),
    })),
    events: events.map((e) => ({
      type: e.type,
      reason: e.reason,
      message: e.message,
      object: `${e.involvedObject?.kind}/${e.involvedObject?.name}`,
      source: e.source?.component ?? null,
      reportingController: e.reportingComponent || null,
      count: e.count ?? null,
    })),
  };
  const text = JSON.stringify(view, (k, v: unknown) => {
    if (typeof v !== 'string') return v;
    if (TIME.test(v)) return '<time>';
    return v
      .replace(UID, '<uid>')
      .replace(new RegExp(`\\b${name}-(\\d+-)?[a-z0-9]{5}\\b`, 'g'), `${name}-$1<random>`)
      .split(node)
      .join('<node>');
  });
  const out = JSON.parse(text) as { pods: Json[]; events: Json[] };
  // Order is the store's key order, which follows the random names: compare as sorted lists.
  const sorted = (xs: Json[]) =>
    xs
      .map((x) => JSON.stringify(x))
      .sort()
      .map((x) => JSON.parse(x) as Json);
  return { ...out, pods: sorted(out.pods), events: sorted(out.events) };
}

/**
 * A snapshot once nothing has changed for a while: both controllers record events asynchronously
 * (the real one through a rate-limited broadcaster, seconds behind when many Jobs run at once) and
 * a status may trail the pods it counts.
 */
async function settled(t: Target, ns: string, name: string, node: string): Promise<Json> {
  const end = Date.now() + SETTLE_MAX_MS;
  let last = await snapshot(t, ns, name, node);
  for (let quiet = 0; quiet < SETTLE_QUIET_MS && Date.now() < end;) {
    await sleep(500);
    const next = await snapshot(t, ns, name, node);
    quiet = JSON.stringify(next) === JSON.stringify(last) ? quiet + 500 : 0;
    last = next;
  }
  return last;
}

async function nodeName(t: Target): Promise<string> {
  const nodes = await until(`${t.name}: a node`, async () => {
    const items = (await t.call('GET', '/api/v1/nodes')).json?.items as Json[] | undefined;
    return items?.length ? items : false;
  });
  return String(nodes[0].metadata.name);
}

/** Runs every case on one target at once, each in a namespace of its own; snapshots by case. */
async function runAll(t: Target): Promise<Map<string, Record<string, Json>>> {
  const node = await nodeName(t);
  const results = new Map<string, Record<string, Json>>();
  await Promise.all(
    CASES.map(async (c) => {
      const ns = `jd-${c.name}`;
      const shots: Record<string, Json> = {};
      results.set(c.name, shots);
      try {
        const made = await t.call('POST', '/api/v1/namespaces', { metadata: { name: ns } });
        if (made.status !== 201) throw new Error(`namespace ${ns}: ${made.text}`);
        // A real namespace takes pods only once its default service account exists.
        if (t.name === 'real')
          await until(
            `${ns}'s service account`,
            async () =>
              (await t.call('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`)).status === 200,
          );
        const created = await t.call('POST', jobPath(ns), jobBody(c));
        if (created.status !== 201) throw new Error(`create: ${created.text}`);
        await c.drive(t, ns, c.name, async (label) => {
          shots[label] = await settled(t, ns, c.name, node);
        });
        shots.final = await settled(t, ns, c.name, node);
      } catch (e) {
        shots.error = { message: (e as Error).message };
      }
    }),
  );
  return results;
}

describe('the job controller: the fake against kube-controller-manager 1.36', () => {
  let fake: Target;
  let real: Target;
  let onFake: Map<string, Record<string, Json>>;
  let onReal: Map<string, Record<string, Json>>;

  beforeAll(async () => {
    fake = await fakeClusterTarget(TIME_SCALE);
    real = realTarget();
    [onFake, onReal] = await Promise.all([runAll(fake), runAll(real)]);
    // JOB_DIFF_DUMP=file keeps both sides' snapshots, to read a difference whole.
    const dump = process.env.JOB_DIFF_DUMP;
    if (dump)
      writeFileSync(
        dump,
        JSON.stringify({ fake: Object.fromEntries(onFake), real: Object.fromEntries(onReal) }, null, 2),
      );
  }, 300000);
  afterAll(async () => {
    await Promise.all(
      CASES.map((c) =>
        Promise.all([fake, real].map((t) => t?.call('DELETE', `/api/v1/namespaces/jd-${c.name}`))),
      ),
    );
    await fake?.close();
    await real?.close();
  });

  it.each(CASES.map((c) => c.name))('%s ends alike', (name) => {
    const r = onReal.get(name) ?? {};
    const f = onFake.get(name) ?? {};
    // The real side must have run the story, or the comparison says nothing.
    expect(r.error).toBeUndefined();
    expect(f).toEqual(r);
  });
});
