// Each recorded real-cluster story (test/fixtures/real-cluster/*.json: a real
// kube-controller-manager 1.36 with kwok as the kubelet) replayed on the fake: the same Job,
// driven the same way (test/real-cluster/record-fixtures.ts), watched the same way. What a
// watcher saw is compared after normalizing names, uids, times, IPs and resourceVersions.
// Real: the fake apiserver, its registry and watch, the job controller, kubelet, GC and TTL
// controllers. Not real: time runs TIME_SCALE times faster, so only the order of what happens
// is compared, never how long it took.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FakeClient,
  EVENTS,
  JOBS,
  NAMESPACES,
  PODS,
  WatchEvent,
} from '../../src/k8s/fake/client/fake-client';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { sleep } from '../support/wait';

type Json = Record<string, any>;
const TIME_SCALE = 20;
const FIXTURES = join(__dirname, '../fixtures/real-cluster');

interface Seen {
  type: string;
  kind: string;
  object: Json;
}
interface Fixture {
  scenario: string;
  request: Json;
  events: Seen[];
}

const load = (name: string): Fixture =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;

/** The recorder's stabilize(), without relative times (they shrink with the time scale). */
function normalize(events: Seen[], jobName: string): Seen[] {
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
  const walk = (v: unknown, key = ''): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [k, k === 'resourceVersion' ? '<rv>' : walk(x, k)]),
      );
    if (typeof v !== 'string') return v;
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(v) || /^T\+-?\d+s$/.test(v)) return '<time>';
    if (key === 'nodeName') return '<node>';
    if (['ip', 'podIP', 'hostIP'].includes(key)) return '<ip>';
    return v
      .replace(
        /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|<uid-\d+>/g,
        (u) => `${stable('<uid', u)}>`,
      )
      .replace(new RegExp(`\\b${jobName}-(\\d+-)?[a-z0-9]{5}\\b|\\b${jobName}-pod-\\d+\\b`, 'g'), (p) =>
        stable(`${jobName}-pod`, p),
      );
  };
  return events.map((e) => walk(e) as Seen);
}

const jobEvents = (events: Seen[]) => events.filter((e) => e.kind === 'Job');
const podEvents = (events: Seen[]) => events.filter((e) => e.kind === 'Pod');
const collapse = (xs: string[]) => xs.filter((x, i) => i === 0 || x !== xs[i - 1]);

/** What a console shows of a Job at each step: conditions, counters, deletion. */
function jobMilestones(events: Seen[]): string[] {
  return collapse(
    jobEvents(events).map((e) => {
      const s = e.object.status ?? {};
      const m = e.object.metadata;
      return JSON.stringify({
        type: e.type === 'DELETED' ? 'DELETED' : undefined,
        conditions: (s.conditions ?? []).map((c: Json) => `${c.type}=${c.status} ${c.reason}: ${c.message}`),
        succeeded: s.succeeded ?? 0,
        failed: s.failed ?? 0,
        completedIndexes: s.completedIndexes,
        deleting: m.deletionTimestamp ? (m.finalizers ?? []) : undefined,
      });
    }),
  );
}

/**
 * The fake tells the same story as the fixture: every recorded milestone, in order. Between
 * two of them the fake may show a step the real cluster's timing merged (two pods counted in
 * two syncs instead of one): same conditions as the step before, counters in between.
 */
function expectSameStory(got: string[], want: string[]): void {
  const g = got.map((x) => JSON.parse(x) as Json);
  const w = want.map((x) => JSON.parse(x) as Json);
  const counters = (m: Json) => [m.succeeded, m.failed];
  const within = (m: Json, lo: Json, hi: Json) =>
    counters(m).every((v, i) => v >= counters(lo)[i] && v <= counters(hi)[i]) &&
    JSON.stringify(m.conditions) === JSON.stringify(lo.conditions) &&
    m.type === lo.type &&
    JSON.stringify(m.deleting) === JSON.stringify(lo.deleting);
  let j = 0;
  const merged: string[] = [];
  for (const m of g) {
    if (j < w.length && JSON.stringify(m) === JSON.stringify(w[j])) {
      merged.push(want[j++]);
      continue;
    }
    if (j > 0 && j < w.length && within(m, w[j - 1], w[j])) continue;
    merged.push(JSON.stringify(m));
  }
  expect(merged).toEqual(want);
}

/** Each pod's life: phases in order, whether it was deleted, and what it kept at the end. */
function podLives(events: Seen[]): Json {
  const lives: Json = {};
  for (const e of podEvents(events)) {
    const name = e.object.metadata.name;
    const life = (lives[name] ??= { phases: [], deleted: false });
    life.phases = collapse([...life.phases, e.object.status?.phase ?? '']);
    if (e.type === 'DELETED') life.deleted = true;
    // What a deleted pod still listed depends on who won a race (the job controller removing
    // its finalizer or the kubelet deleting): the recorded stories show both orders.
    life.finalizers = life.deleted ? undefined : (e.object.metadata.finalizers ?? []);
    life.owners = (e.object.metadata.ownerReferences ?? []).length;
  }
  return lives;
}

/** A pod as the job controller made it: name pattern, labels, annotations, owner, finalizers. */
function firstPod(events: Seen[]): Json {
  const m = podEvents(events)[0].object.metadata;
  return {
    generateName: m.generateName,
    labels: m.labels,
    annotations: m.annotations,
    ownerReferences: m.ownerReferences,
    finalizers: m.finalizers,
  };
}

/** A running and a finished pod's status, as the kubelet writes it (conditions, container states). */
function podStatusShape(events: Seen[], phase: string): Json | undefined {
  const e = podEvents(events).find(
    (x) => x.object.status?.phase === phase && !x.object.metadata.deletionTimestamp,
  );
  if (!e) return undefined;
  const s = e.object.status;
  return {
    // The fields each condition carries, as written: a real pod condition keeps `lastProbeTime: null`.
    conditions: (s.conditions ?? [])
      .map((c: Json) => [c.type, c.status, c.reason, Object.keys(c).sort().join(' ')])
      .sort(),
    containers: (s.containerStatuses ?? []).map((c: Json) => ({
      name: c.name,
      ready: c.ready,
      started: c.started,
      restartCount: c.restartCount,
      state: Object.fromEntries(
        Object.entries(c.state).map(([k, v]) => [
          k,
          { exitCode: (v as Json).exitCode, reason: (v as Json).reason },
        ]),
      ),
    })),
    podIP: s.podIP,
    hostIP: s.hostIP,
    qosClass: s.qosClass,
  };
}

/** Polls in simulated time: the recorder polled every 200 ms of real-cluster time. */
async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  ms: number,
  everyMs = 200 / TIME_SCALE,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

type Drive = (c: FakeClient, ns: string, name: string, events: () => Seen[]) => Promise<void>;
const sim = (ms: number) => sleep(ms / TIME_SCALE);
const hasCondition = (events: Seen[], type: string) =>
  jobEvents(events).some((e) =>
    (e.object.status?.conditions ?? []).some((c: Json) => c.type === type && c.status === 'True'),
  );
const finished = (events: () => Seen[]) => () =>
  hasCondition(events(), 'Complete') || hasCondition(events(), 'Failed');
const jobGone = (events: () => Seen[]) => () => jobEvents(events()).some((e) => e.type === 'DELETED');
const podsGone = (c: FakeClient, ns: string) => async () => (await c.list(PODS, ns)).items.length === 0;
const deleteWith =
  (policy: 'Background' | 'Foreground' | 'Orphan'): Drive =>
  async (c, ns, name, events) => {
    await until(
      '2 running pods',
      () => podEvents(events()).filter((e) => e.object.status?.phase === 'Running').length >= 2,
      10000,
      // At once, as the recorder did: a loaded machine must not let the Job's ready count in first.
      1,
    );
    await c.delete(JOBS, ns, name, { propagationPolicy: policy });
    await until('the Job to go', jobGone(events), 10000);
    if (policy !== 'Orphan') await until('the pods to go', podsGone(c, ns), 10000);
    await sim(1000);
  };

const DRIVES: Record<string, Drive> = {
  succeeded: (_c, _ns, _n, events) => until('the Job to finish', finished(events), 10000),
  'backoff-limit': (_c, _ns, _n, events) => until('the Job to finish', finished(events), 10000),
  'active-deadline': async (c, ns, _n, events) => {
    await until('the Job to finish', finished(events), 10000);
    await until('the pods to go', podsGone(c, ns), 10000);
  },
  indexed: (_c, _ns, _n, events) => until('the Job to finish', finished(events), 10000),
  'suspend-resume': async (c, ns, name, events) => {
    await sim(2000);
    await c.patch(JOBS, ns, name, 'merge', { spec: { suspend: false } });
    await until('the Job to finish', finished(events), 10000);
  },
  'ttl-after-finished': async (c, ns, _n, events) => {
    await until('the Job to be deleted', jobGone(events), 10000);
    await until('the pods to go', podsGone(c, ns), 10000);
  },
  'delete-background': deleteWith('Background'),
  'delete-foreground': deleteWith('Foreground'),
  'delete-orphan': deleteWith('Orphan'),
};

/** The job controller's events each story should leave, from job_controller.go and controller_utils.go. */
const EVENT_REASONS: Record<string, string[]> = {
  succeeded: ['Completed', 'SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate'],
  'backoff-limit': ['BackoffLimitExceeded', 'SuccessfulCreate', 'SuccessfulCreate'],
  'active-deadline': [
    'DeadlineExceeded',
    'SuccessfulCreate',
    'SuccessfulCreate',
    'SuccessfulDelete',
    'SuccessfulDelete',
  ],
  indexed: ['Completed', 'SuccessfulCreate', 'SuccessfulCreate', 'SuccessfulCreate'],
  'suspend-resume': ['Completed', 'Resumed', 'SuccessfulCreate', 'SuccessfulCreate', 'Suspended'],
  'ttl-after-finished': ['Completed', 'SuccessfulCreate'],
  'delete-background': ['SuccessfulCreate', 'SuccessfulCreate'],
  'delete-foreground': ['SuccessfulCreate', 'SuccessfulCreate'],
  'delete-orphan': ['SuccessfulCreate', 'SuccessfulCreate'],
};

describe('the fake replays the real cluster stories', () => {
  let fake: FakeApiServer;
  beforeAll(async () => {
    fake = await startFakeApiServer({ timeScale: TIME_SCALE, workloads: true });
  });
  afterAll(() => fake?.close());

  async function replay(name: string): Promise<{ fixture: Seen[]; fake: Seen[]; events: Json[] }> {
    const f = load(name);
    const ns = `fixture-${name}`;
    const c = fake.client;
    await c.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const seen: WatchEvent[] = [];
    const kinds: string[] = [];
    const rv = String(fake.store.currentRevision);
    const stops = [
      c.watch(JOBS, ns, rv, (e) => (seen.push(e), kinds.push('Job'))),
      c.watch(PODS, ns, rv, (e) => (seen.push(e), kinds.push('Pod'))),
    ];
    const events = () => seen.map((e, i) => ({ type: e.type, kind: kinds[i], object: e.object }));
    try {
      await c.create(JOBS, ns, structuredClone(f.request));
      await DRIVES[name](c, ns, name, events);
      await sim(500);
    } finally {
      for (const s of stops) s();
    }
    const recorded = (await c.list(EVENTS, ns)).items;
    return { fixture: normalize(f.events, name), fake: normalize(events(), name), events: recorded };
  }

  it.each(Object.keys(DRIVES))(
    '%s',
    async (name) => {
      const { fixture, fake: got, events } = await replay(name);
      expectSameStory(jobMilestones(got), jobMilestones(fixture));
      const last = (xs: Seen[]) => jobEvents(xs)[jobEvents(xs).length - 1];
      expect({ type: last(got).type, status: last(got).object.status }).toEqual({
        type: last(fixture).type,
        status: last(fixture).object.status,
      });
      expect(podLives(got)).toEqual(podLives(fixture));
      expect(firstPod(got)).toEqual(firstPod(fixture));
      for (const phase of ['Running', 'Succeeded', 'Failed'])
        expect(podStatusShape(got, phase)).toEqual(podStatusShape(fixture, phase));
      const jobEventsSeen = events.filter((e) => e.involvedObject.kind === 'Job');
      expect(jobEventsSeen.map((e) => e.reason).sort()).toEqual(EVENT_REASONS[name]);
      // The scheduler's Scheduled event, once per pod (kube-scheduler writes them on the real cluster too).
      const podEvents = events.filter((e) => e.involvedObject.kind === 'Pod');
      expect(podEvents.map((e) => e.reason)).toEqual(Object.keys(podLives(got)).map(() => 'Scheduled'));
      for (const e of jobEventsSeen)
        expect(e).toMatchObject({
          source: { component: 'job-controller' },
          reportingComponent: 'job-controller',
          involvedObject: { kind: 'Job', name, apiVersion: 'batch/v1' },
          count: 1,
        });
    },
    30000,
  );
});
