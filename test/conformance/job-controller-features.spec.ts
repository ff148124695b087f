// Job features the recorded stories do not cover, run on the fake with its controllers, held
// to what pkg/controller/job (job_controller.go, pod_failure_policy.go, success_policy.go,
// indexed_job_utils.go) writes: condition types, reasons and messages, counters, pod
// annotations, events. Real: the fake apiserver, registry, job controller and kubelet, over the
// in-process client. Not real: time runs TIME_SCALE times faster.
import { FakeClient, EVENTS, JOBS, NAMESPACES, PODS } from '../../src/k8s/fake/client/fake-client';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { sleep, untilSoon as until } from '../support/wait';

type Json = Record<string, any>;
const TIME_SCALE = 50;

const job = (name: string, spec: Json, pod: Json = {}): Json => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: {
    ...spec,
    template: {
      metadata: pod.metadata ?? {},
      spec: {
        restartPolicy: pod.restartPolicy ?? 'Never',
        containers: [{ name: 'main', image: 'busybox:1.36', ...(pod.container ?? {}) }],
      },
    },
  },
});
const hang = { metadata: { labels: { 'job-gateway.test/outcome': 'hang' } } };
const fail = { metadata: { labels: { 'job-gateway.test/outcome': 'fail' } } };
const conditions = (j: Json) =>
  (j.status?.conditions ?? []).map((c: Json) => ({
    type: c.type,
    status: c.status,
    reason: c.reason,
    message: c.message,
  }));

describe('job controller features on the fake', () => {
  let fake: FakeApiServer;
  let c: FakeClient;
  let n = 0;
  let ns: string;
  beforeAll(async () => {
    fake = await startFakeApiServer({ timeScale: TIME_SCALE, workloads: true });
    c = fake.client;
  });
  afterAll(() => fake?.close());
  beforeEach(async () => {
    ns = `features-${++n}`;
    await c.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  const get = (name: string) => c.get(JOBS, ns, name) as Promise<Json>;
  const pods = async () => (await c.list(PODS, ns)).items as Json[];
  const finished = (name: string) =>
    until(`${name} to finish`, async () => {
      const j = await get(name);
      return (j.status?.conditions ?? []).some(
        (x: Json) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True',
      )
        ? j
        : undefined;
    });
  const events = async () =>
    (await c.list(EVENTS, ns)).items.map((e: Json) => `${e.type} ${e.reason}: ${e.message}`).sort();

  it('podFailurePolicy FailJob: the matching exit code fails the Job with the rule in the message', async () => {
    await c.create(
      JOBS,
      ns,
      job(
        'pfp',
        {
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] },
        },
        { container: { command: ['sh', '-c', 'exit 42'] } },
      ),
    );
    const j = await finished('pfp');
    const [pod] = await pods();
    const message = `Container main for pod ${ns}/${pod.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    expect(conditions(j)).toEqual([
      { type: 'FailureTarget', status: 'True', reason: 'PodFailurePolicy', message },
      { type: 'Failed', status: 'True', reason: 'PodFailurePolicy', message },
    ]);
    expect(j.status).toMatchObject({ failed: 1, terminating: 0, ready: 0, uncountedTerminatedPods: {} });
    expect(j.status.completionTime).toBeUndefined();
    expect(pod.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 42, reason: 'Error' });
    await until('the events', async () => (await events()).includes(`Warning PodFailurePolicy: ${message}`));
  });

  it('podFailurePolicy Ignore: ignored failures are not counted and the pod is replaced', async () => {
    await c.create(
      JOBS,
      ns,
      job(
        'ignore',
        {
          backoffLimit: 0,
          podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }] },
        },
        fail,
      ),
    );
    await until('three pods', async () => (await pods()).length >= 3);
    const j = await get('ignore');
    expect(j.status.failed).toBeUndefined();
    expect(conditions(j)).toEqual([]);
    await c.delete(JOBS, ns, 'ignore', { propagationPolicy: 'Background' });
  });

  it('successPolicy: the Job succeeds by the rule, reason SuccessPolicy', async () => {
    await c.create(
      JOBS,
      ns,
      job('sp', {
        completionMode: 'Indexed',
        completions: 3,
        parallelism: 1,
        successPolicy: { rules: [{ succeededCount: 1 }] },
      }),
    );
    const j = await finished('sp');
    expect(conditions(j)).toEqual([
      {
        type: 'SuccessCriteriaMet',
        status: 'True',
        reason: 'SuccessPolicy',
        message: 'Matched rules at index 0',
      },
      { type: 'Complete', status: 'True', reason: 'SuccessPolicy', message: 'Matched rules at index 0' },
    ]);
    expect(j.status).toMatchObject({ succeeded: 1, completedIndexes: '0' });
    expect(j.status.completionTime).toBeDefined();
  });

  it('backoffLimitPerIndex: each index fails on its own, then FailedIndexes', async () => {
    await c.create(
      JOBS,
      ns,
      job(
        'bpi',
        { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 1 },
        fail,
      ),
    );
    const j = await finished('bpi');
    expect(conditions(j)).toEqual([
      { type: 'FailureTarget', status: 'True', reason: 'FailedIndexes', message: 'Job has failed indexes' },
      { type: 'Failed', status: 'True', reason: 'FailedIndexes', message: 'Job has failed indexes' },
    ]);
    expect(j.status).toMatchObject({ failed: 4, failedIndexes: '0,1' });
    const counts = (await pods())
      .map((p) => [
        p.metadata.annotations['batch.kubernetes.io/job-completion-index'],
        p.metadata.annotations['batch.kubernetes.io/job-index-failure-count'],
      ])
      .sort();
    expect(counts).toEqual([
      ['0', '0'],
      ['0', '1'],
      ['1', '0'],
      ['1', '1'],
    ]);
  });

  it('podFailurePolicy FailIndex: the index fails at once, whatever its backoff limit', async () => {
    await c.create(
      JOBS,
      ns,
      job(
        'fi',
        {
          completionMode: 'Indexed',
          completions: 1,
          backoffLimitPerIndex: 5,
          podFailurePolicy: {
            rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }],
          },
        },
        { container: { command: ['sh', '-c', 'exit 42'] } },
      ),
    );
    const j = await finished('fi');
    expect(conditions(j).map((x: Json) => `${x.type} ${x.reason}`)).toEqual([
      'FailureTarget FailedIndexes',
      'Failed FailedIndexes',
    ]);
    expect(j.status).toMatchObject({ failed: 1, failedIndexes: '0' });
    expect(await pods()).toHaveLength(1);
  });

  it('maxFailedIndexes: one failed index too many fails the Job', async () => {
    await c.create(
      JOBS,
      ns,
      job(
        'mfi',
        {
          completionMode: 'Indexed',
          completions: 3,
          parallelism: 1,
          backoffLimitPerIndex: 0,
          maxFailedIndexes: 0,
        },
        fail,
      ),
    );
    const j = await finished('mfi');
    const message = 'Job has exceeded the specified maximal number of failed indexes';
    expect(conditions(j)).toEqual([
      { type: 'FailureTarget', status: 'True', reason: 'MaxFailedIndexesExceeded', message },
      { type: 'Failed', status: 'True', reason: 'MaxFailedIndexesExceeded', message },
    ]);
    expect(j.status).toMatchObject({ failed: 1, failedIndexes: '0' });
  });

  it('no completions: done when one pod succeeded and none is left running', async () => {
    await c.create(JOBS, ns, job('wq', { parallelism: 2 }, { container: { command: ['echo', 'done'] } }));
    const j = await finished('wq');
    expect(j.status).toMatchObject({ succeeded: 2, ready: 0, terminating: 0 });
    expect(conditions(j).map((x: Json) => x.type)).toEqual(['SuccessCriteriaMet', 'Complete']);
  });

  it('suspending a running Job deletes its pods without counting them failed', async () => {
    await c.create(JOBS, ns, job('sus', { parallelism: 2, completions: 2 }, hang));
    const running = await until('two ready pods', async () => {
      const x = await get('sus');
      return x.status?.ready === 2 ? x : undefined;
    });
    expect(running.status.startTime).toEqual(expect.any(String));
    await c.patch(JOBS, ns, 'sus', 'merge', { spec: { suspend: true } });
    await until('no pods', async () => (await pods()).length === 0);
    const j = await until('the status to settle', async () => {
      const x = await get('sus');
      return x.status.terminating === 0 && x.status.active === undefined ? x : undefined;
    });
    expect(conditions(j)).toEqual([
      { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended' },
    ]);
    expect(j.status.failed).toBeUndefined();
    // MutableSchedulingDirectivesForSuspendedJobs (beta in 1.36): suspending clears startTime.
    expect(j.status.startTime).toBeUndefined();
    expect(await events()).toEqual(
      expect.arrayContaining([
        'Normal Suspended: Job suspended',
        expect.stringMatching(/^Normal SuccessfulDelete: Deleted pod: sus-/),
      ]),
    );
  });

  it.each([
    ['TerminatingOrFailed', 'while the deleted pod is terminating'],
    ['Failed', 'only once the deleted pod has failed'],
  ])('podReplacementPolicy %s: a deleted pod is replaced %s', async (policy) => {
    const name = `rp-${policy.toLowerCase()}`;
    await c.create(JOBS, ns, job(name, { podReplacementPolicy: policy }, hang));
    const first = await until('a running pod', async () =>
      (await pods()).find((p) => p.status?.phase === 'Running'),
    );
    const seen: Json[] = [];
    const stop = c.watch(PODS, ns, String(fake.store.currentRevision), (e) => seen.push(e));
    await c.delete(PODS, ns, first.metadata.name);
    await until('a replacement', async () =>
      (await pods()).some((p) => p.metadata.name !== first.metadata.name),
    );
    stop();
    const replaced = seen.findIndex((e) => e.type === 'ADDED');
    const firstFailed = seen.findIndex(
      (e) => e.object.metadata.name === first.metadata.name && e.object.status?.phase === 'Failed',
    );
    if (policy === 'Failed') expect(firstFailed).toBeGreaterThanOrEqual(0);
    if (policy === 'Failed') expect(firstFailed).toBeLessThan(replaced);
    else expect(firstFailed === -1 || firstFailed > replaced).toBe(true);
    const j = await until('the failure counted', async () => {
      const x = await get(name);
      return x.status.failed === 1 ? x : undefined;
    });
    expect(j.status.failed).toBe(1);
    await c.delete(JOBS, ns, name, { propagationPolicy: 'Background' });
  });

  it('restartPolicy OnFailure: container restarts count against the backoff limit', async () => {
    await c.create(
      JOBS,
      ns,
      job('onf', { backoffLimit: 1 }, { restartPolicy: 'OnFailure', container: { command: ['false'] } }),
    );
    const j = await finished('onf');
    expect(conditions(j).map((x: Json) => `${x.type} ${x.reason}`)).toEqual([
      'FailureTarget BackoffLimitExceeded',
      'Failed BackoffLimitExceeded',
    ]);
    expect(j.status.failed).toBe(1);
  });

  it('manualSelector: an orphan pod the selector matches is adopted, one that stops matching is released', async () => {
    await c.create(PODS, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'stray', labels: { app: 'adopt', 'job-gateway.test/outcome': 'hang' } },
      spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] },
    });
    const spec = {
      manualSelector: true,
      selector: { matchLabels: { app: 'adopt' } },
      template: {
        metadata: { labels: { app: 'adopt', 'job-gateway.test/outcome': 'hang' } },
        spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] },
      },
    };
    const created: Json = await c.create(JOBS, ns, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'adopter' },
      spec,
    });
    const adopted = await until('the adoption', async () => {
      const p: Json = await c.get(PODS, ns, 'stray');
      return p.metadata.ownerReferences ? p : undefined;
    });
    expect(adopted.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'adopter',
        uid: created.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(adopted.metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    await until('the Job to count it', async () => (await get('adopter')).status?.active === 1);
    expect((await pods()).map((p) => p.metadata.name)).toEqual(['stray']);

    await c.patch(PODS, ns, 'stray', 'merge', { metadata: { labels: { app: 'elsewhere' } } });
    const released = await until('the release', async () => {
      const p: Json = await c.get(PODS, ns, 'stray');
      return p.metadata.ownerReferences ? undefined : p;
    });
    expect(released.metadata.finalizers).toBeUndefined();
    await until('a replacement', async () => (await pods()).length === 2);
    await c.delete(JOBS, ns, 'adopter', { propagationPolicy: 'Background' });
  });

  it('pod failure back-off: the replacement waits 10 s after a failure, then 20 s, in simulated time', async () => {
    const seen: { at: number; e: Json }[] = [];
    const stop = c.watch(PODS, ns, String(fake.store.currentRevision), (e) =>
      seen.push({ at: Date.now(), e }),
    );
    await c.create(JOBS, ns, job('backoff', { backoffLimit: 2 }, fail));
    await finished('backoff');
    stop();
    const failedAt = (name: string) =>
      seen.find((x) => x.e.object.metadata.name === name && x.e.object.status?.phase === 'Failed')?.at ?? NaN;
    const created = seen.filter((x) => x.e.type === 'ADDED');
    expect(created).toHaveLength(3);
    const gaps = [1, 2].map(
      (i) => (created[i].at - failedAt(created[i - 1].e.object.metadata.name)) * TIME_SCALE,
    );
    // The controller counts from the pod's finish and syncs at least one batch period later.
    expect(gaps[0]).toBeGreaterThanOrEqual(9_000);
    expect(gaps[0]).toBeLessThan(20_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(19_000);
    expect(gaps[1]).toBeLessThan(40_000);
  });

  it('ttlSecondsAfterFinished 0: a failed Job goes, with its pods, as soon as it has failed', async () => {
    const seen: Json[] = [];
    const stop = c.watch(JOBS, ns, String(fake.store.currentRevision), (e) => seen.push(e));
    await c.create(JOBS, ns, job('ttl0', { backoffLimit: 0, ttlSecondsAfterFinished: 0 }, fail));
    await until('the Job to go', () => Promise.resolve(seen.some((e) => e.type === 'DELETED')));
    await until('its pods to go', async () => (await pods()).length === 0);
    stop();
    const deleted = seen.find((e) => e.type === 'DELETED')?.object;
    expect(conditions(deleted).map((x: Json) => `${x.type} ${x.reason}`)).toEqual([
      'FailureTarget BackoffLimitExceeded',
      'Failed BackoffLimitExceeded',
    ]);
    // The TTL controller deletes in the foreground.
    expect(deleted.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('completions 0: complete at once, without a pod', async () => {
    await c.create(JOBS, ns, job('zero', { completions: 0, parallelism: 0 }));
    const j = await finished('zero');
    expect(conditions(j).map((x: Json) => `${x.type} ${x.reason}`)).toEqual([
      'SuccessCriteriaMet CompletionsReached',
      'Complete CompletionsReached',
    ]);
    expect(await pods()).toEqual([]);
  });

  it('a namespace deleted with a running Job goes once the Job and its pods are gone', async () => {
    await c.create(JOBS, ns, job('inns', { parallelism: 2, completions: 2 }, hang));
    await until('two running pods', async () => (await get('inns')).status?.ready === 2);
    await c.delete(NAMESPACES, '', ns);
    await until(
      'the namespace to go',
      async () => !(await c.list(NAMESPACES, undefined)).items.some((x: Json) => x.metadata.name === ns),
    );
    expect((await c.list(PODS, ns)).items).toEqual([]);
  });

  it('lowering parallelism deletes the extra pods without counting them failed', async () => {
    await c.create(JOBS, ns, job('scale', { parallelism: 3, completions: 3 }, hang));
    await until('three ready pods', async () => (await get('scale')).status?.ready === 3);
    await c.patch(JOBS, ns, 'scale', 'merge', { spec: { parallelism: 1 } });
    await until('one pod left', async () => (await pods()).length === 1);
    const j = await until('the status to settle', async () => {
      const x = await get('scale');
      return x.status.active === 1 && x.status.terminating === 0 ? x : undefined;
    });
    expect(j.status.failed).toBeUndefined();
    const deletes = (await events()).filter((e) =>
      e.startsWith('Normal SuccessfulDelete: Deleted pod: scale-'),
    );
    expect(deletes).toHaveLength(2);
    await c.delete(JOBS, ns, 'scale', { propagationPolicy: 'Background' });
  });

  it('activeDeadlineSeconds counts from the resume of a Job created suspended', async () => {
    await c.create(JOBS, ns, job('ads', { suspend: true, activeDeadlineSeconds: 20 }, hang));
    await sleep(30_000 / TIME_SCALE);
    expect(conditions(await get('ads')).map((x: Json) => x.type)).toEqual(['Suspended']);
    await c.patch(JOBS, ns, 'ads', 'merge', { spec: { suspend: false } });
    const j = await finished('ads');
    expect(conditions(j).map((x: Json) => `${x.type}=${x.status} ${x.reason}`)).toEqual([
      'Suspended=False JobResumed',
      'FailureTarget=True DeadlineExceeded',
      'Failed=True DeadlineExceeded',
    ]);
    expect(j.status.failed).toBe(1);
  });
});
