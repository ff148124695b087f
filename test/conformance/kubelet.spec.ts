// The fake's simulated kubelet: pods bound to the node, Pending → Running → Succeeded/Failed
// with the status a kubelet writes, what the containers print, restarts and deletion.
// Real: the fake apiserver, its registry, the kubelet and HTTP for /log. Not real: containers
// (their outcome comes from the command shape) and time (TIME_SCALE times faster).
import { EVENTS, FakeClient, NAMESPACES, PODS } from '../../src/k8s/fake/client/fake-client';
import { FAKE_NODE_NAME } from '../../src/k8s/fake/registry/node.strategy';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { untilSoon as until } from '../support/wait';

type Json = Record<string, any>;
const TIME_SCALE = 50;

describe('the simulated kubelet', () => {
  let fake: FakeApiServer;
  let c: FakeClient;
  const ns = 'kubelet';
  beforeAll(async () => {
    fake = await startFakeApiServer({ timeScale: TIME_SCALE, workloads: true });
    c = fake.client;
    await c.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });
  afterAll(() => fake?.close());

  const pod = (name: string, container: Json, restartPolicy = 'Never', labels?: Json): Json => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { restartPolicy, containers: [{ name: 'main', image: 'busybox:1.36', ...container }] },
  });
  const get = (name: string) => c.get(PODS, ns, name) as Promise<Json>;
  const phase = (name: string, want: string) =>
    until(`${name} ${want}`, async () => {
      const p = await get(name);
      return p.status?.phase === want ? p : undefined;
    });

  it('echo: bound, runs, succeeds, and /log returns what it printed', async () => {
    const seen: Json[] = [];
    const stop = c.watch(PODS, ns, String(fake.store.currentRevision), (e) => seen.push(e));
    await c.create(PODS, ns, pod('echo', { command: ['echo', '220'] }));
    const done = await phase('echo', 'Succeeded');
    stop();
    const phases = seen.map((e) => e.object.status?.phase).filter((p, i, a) => p !== a[i - 1]);
    expect(phases).toEqual(['Pending', 'Running', 'Succeeded']);
    const running = seen.find((e) => e.object.status?.phase === 'Running')?.object;
    expect(running.spec.nodeName).toBe(FAKE_NODE_NAME);
    expect(running.status).toMatchObject({
      hostIP: expect.any(String),
      podIP: expect.stringMatching(/^10\.244\./),
      startTime: expect.any(String),
      qosClass: 'BestEffort',
      containerStatuses: [
        {
          name: 'main',
          image: 'busybox:1.36',
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: expect.any(String) } },
        },
      ],
    });
    expect(running.status.conditions.map((x: Json) => `${x.type}=${x.status}`).sort()).toEqual([
      'ContainersReady=True',
      'Initialized=True',
      'PodScheduled=True',
      'Ready=True',
    ]);
    expect(done.status.containerStatuses[0]).toMatchObject({
      ready: false,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed' } },
    });
    expect(done.status.conditions.find((x: Json) => x.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'PodCompleted',
    });
    expect(fake.logs.read(ns, 'echo', 'main', false).map((l) => l.text)).toEqual(['220']);
    // Binding is recorded as kube-scheduler records it, through events.k8s.io/v1.
    const scheduled = (await c.list(EVENTS, ns)).items.find(
      (e: Json) => e.reason === 'Scheduled' && e.involvedObject.name === 'echo',
    );
    expect(scheduled).toMatchObject({
      action: 'Binding',
      eventTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
      firstTimestamp: null,
      lastTimestamp: null,
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'echo', namespace: ns, uid: done.metadata.uid },
      message: `Successfully assigned ${ns}/echo to ${FAKE_NODE_NAME}`,
      reportingComponent: 'default-scheduler',
      reportingInstance: `default-scheduler-${FAKE_NODE_NAME}`,
      source: {},
      type: 'Normal',
    });
    expect(scheduled?.count).toBeUndefined();
    const log = await fetch(`${fake.url}/api/v1/namespaces/${ns}/pods/echo/log`);
    expect(log.status).toBe(200);
    expect(await log.text()).toBe('220\n');
  });

  it('init containers have completed when the pod runs; a sidecar keeps running', async () => {
    await c.create(PODS, ns, {
      ...pod('inits', { command: ['sleep', '5'] }),
      spec: {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'setup', image: 'busybox:1.36', command: ['true'] },
          { name: 'sidecar', image: 'busybox:1.36', restartPolicy: 'Always' },
        ],
        containers: [{ name: 'main', image: 'busybox:1.36', command: ['sleep', '5'] }],
      },
    });
    const p = await phase('inits', 'Running');
    expect(
      p.status.initContainerStatuses.map((s: Json) => [
        s.name,
        Object.keys(s.state)[0],
        s.state.terminated?.reason,
      ]),
    ).toEqual([
      ['setup', 'terminated', 'Completed'],
      ['sidecar', 'running', undefined],
    ]);
  });

  it('sleep N runs N seconds of simulated time', async () => {
    const start = Date.now();
    await c.create(PODS, ns, pod('sleeper', { command: ['sleep', '10'] }));
    await phase('sleeper', 'Running');
    await phase('sleeper', 'Succeeded');
    expect(Date.now() - start).toBeGreaterThanOrEqual((10_000 / TIME_SCALE) * 0.9);
  });

  it('a line printed as the container exits is in its log, and a follower gets it before the end', async () => {
    await c.create(PODS, ns, pod('talk', { command: ['sh', '-c', 'echo one; sleep 10; echo two'] }));
    await phase('talk', 'Running');
    const followed: string[] = [];
    const ended = new Promise<void>((resolve) =>
      fake.logs.follow(ns, 'talk', 'main', (l) => followed.push(l.text), resolve),
    );
    await phase('talk', 'Succeeded');
    await ended;
    expect(fake.logs.read(ns, 'talk', 'main', false).map((l) => l.text)).toEqual(['one', 'two']);
    // 'one' may come before the follower starts; 'two' comes before the stream ends.
    expect(followed.slice(-1)).toEqual(['two']);
  });

  it.each([
    ['sh -c "exit 3"', { command: ['sh', '-c', 'exit 3'] }, 3],
    ['false', { command: ['false'] }, 1],
    ['the fail label', {}, 1],
  ])('%s fails with its exit code', async (_what, container, exitCode) => {
    const name = `fail-${exitCode}-${Object.keys(container).length}`;
    const labels = Object.keys(container).length ? undefined : { 'job-gateway.test/outcome': 'fail' };
    await c.create(PODS, ns, pod(name, container, 'Never', labels));
    const p = await phase(name, 'Failed');
    expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode, reason: 'Error' });
    expect(p.status.conditions.find((x: Json) => x.type === 'Ready')).toMatchObject({ reason: 'PodFailed' });
  });

  it('restartPolicy OnFailure: the container restarts after a back-off, the previous log is kept', async () => {
    await c.create(PODS, ns, pod('crash', { command: ['sh', '-c', 'echo boom; exit 2'] }, 'OnFailure'));
    const waiting = await until('a restart back-off', async () => {
      const p = await get('crash');
      return p.status?.containerStatuses?.[0]?.state?.waiting ? p : undefined;
    });
    expect(waiting.status.phase).toBe('Running');
    expect(waiting.status.containerStatuses[0]).toMatchObject({
      restartCount: 1,
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff' } },
      lastState: { terminated: { exitCode: 2, reason: 'Error' } },
    });
    // The second run prints and fails again at once: the count goes on, the last run's log is "previous".
    await until(
      'the second run',
      async () => (await get('crash')).status.containerStatuses[0].restartCount >= 2,
    );
    expect(fake.logs.read(ns, 'crash', 'main', true).map((l) => l.text)).toEqual(['boom']);
    await c.delete(PODS, ns, 'crash');
  });

  it('a running pod deleted gracefully is gone, with its log', async () => {
    await c.create(PODS, ns, pod('forever', {}, 'Never', { 'job-gateway.test/outcome': 'hang' }));
    await phase('forever', 'Running');
    const deleting = await c.delete(PODS, ns, 'forever');
    expect(deleting?.metadata).toMatchObject({ deletionGracePeriodSeconds: 30 });
    await until(
      'the pod to go',
      async () => !(await c.list(PODS, ns)).items.some((p: Json) => p.metadata.name === 'forever'),
    );
    expect(fake.logs.read(ns, 'forever', 'main', false)).toEqual([]);
  });

  it('a deleted pod held by a finalizer shows its containers stopped', async () => {
    await c.create(PODS, ns, {
      ...pod('held', {}, 'Never', { 'job-gateway.test/outcome': 'hang' }),
      metadata: {
        name: 'held',
        finalizers: ['example.com/hold'],
        labels: { 'job-gateway.test/outcome': 'hang' },
      },
    });
    await phase('held', 'Running');
    await c.delete(PODS, ns, 'held');
    const p = await phase('held', 'Failed');
    expect(p.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    await c.patch(PODS, ns, 'held', 'merge', { metadata: { finalizers: null } });
    await until(
      'the pod to go',
      async () => !(await c.list(PODS, ns)).items.some((x: Json) => x.metadata.name === 'held'),
    );
  });
});
