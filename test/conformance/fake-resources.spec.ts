// Real: the kubectl binary on PATH and the fake apiserver over loopback HTTP; pod status and
// container output are written the way the simulated kubelet writes them (through the fake's
// in-process client and its PodLogs), since no kubelet runs in this suite's assertions.
// Expected columns and messages are those of kubectl and the apiserver (printers.go, log.go).
import { Json } from '../../src/k8s/json';
import { PODS } from '../../src/k8s/fake/client/fake-client';
import { FAKE_NODE_NAME } from '../../src/k8s/fake/registry/node.strategy';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { Kubectl } from '../support/kubectl';

const pod = (
  name: string,
  extra: Json = {},
  containers: Json[] = [{ name: 'main', image: 'busybox' }],
): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'res' } },
    spec: { restartPolicy: 'Never', containers, ...extra },
  });
const T0 = '2026-01-01T00:00:00Z';
const running = (name = 'main'): Json => ({
  name,
  state: { running: { startedAt: T0 } },
  ready: true,
  restartCount: 0,
  image: 'busybox:latest',
  imageID: '',
  started: true,
});
const terminated = (exitCode: number, reason: string, name = 'main'): Json => ({
  name,
  state: { terminated: { exitCode, reason, startedAt: T0, finishedAt: T0 } },
  ready: false,
  restartCount: 0,
  image: 'busybox:latest',
  imageID: '',
  started: false,
});
/** The header and the rows of `kubectl get`, split on runs of spaces. */
const rows = (out: string): string[][] =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

describe('pods, events and the node on the fake apiserver', () => {
  let fake: FakeApiServer;
  let kubectl: Kubectl;
  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'Content-Type': type },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  };
  const setStatus = (name: string, status: Json) =>
    fake.client.patch(
      PODS,
      'default',
      name,
      'merge',
      { status },
      { subresource: 'status', fieldManager: 'kubelet' },
    );
  const bind = (name: string) =>
    fake.client.create(
      PODS,
      'default',
      {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name },
        target: { kind: 'Node', name: FAKE_NODE_NAME },
      },
      { subresource: 'binding' },
    );

  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: false });
    kubectl = new Kubectl(fake.url);
  });
  afterAll(() => fake.close());

  it('lists pods, events and nodes in discovery, with the pod subresources', async () => {
    const core = await call('GET', '/api/v1');
    expect(core.json.resources.map((r: { name: string }) => r.name)).toEqual([
      'events',
      'namespaces',
      'namespaces/finalize',
      'nodes',
      'nodes/status',
      'pods',
      'pods/binding',
      'pods/log',
      'pods/status',
    ]);
    expect(core.json.resources.find((r: { name: string }) => r.name === 'pods')).toMatchObject({
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      categories: ['all'],
    });
    const groups = (await call('GET', '/apis')).json.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual(['batch', 'events.k8s.io']);
    const openapi = await call('GET', '/openapi/v3');
    expect(Object.keys(openapi.json.paths)).toEqual(['api/v1', 'apis/batch/v1', 'apis/events.k8s.io/v1']);
    const explain = await kubectl.run(['explain', 'pod.spec.nodeName']);
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/KIND:\s+Pod/);
  });

  it('creates a pod with the defaults and admission a real apiserver applies', async () => {
    const created = await kubectl.run(['create', '-f', '-'], pod('plain'));
    expect(created).toMatchObject({ code: 0, stdout: 'pod/plain created\n' });
    const got = JSON.parse(
      (await kubectl.run(['get', 'pod', 'plain', '-o', 'json', '--show-managed-fields'])).stdout,
    );
    expect(got.metadata.generation).toBe(1);
    expect(got.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
    const volume = got.spec.volumes[0].name;
    expect(volume).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(got.spec).toMatchObject({
      containers: [
        {
          name: 'main',
          image: 'busybox',
          imagePullPolicy: 'Always',
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'File',
          volumeMounts: [
            { name: volume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
          ],
        },
      ],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      serviceAccount: 'default',
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
      priority: 0,
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    });
    // The field manager records what the client sent and the defaults, not what admission added.
    const fields = JSON.stringify(got.metadata.managedFields);
    expect(fields).toMatch(/"f:enableServiceLinks"/);
    expect(fields).not.toMatch(/f:tolerations|f:volumes|f:priority/);
    // Zero values Go's encoder leaves out do not survive; a pointer's zero does.
    const zeros = await call(
      'POST',
      '/api/v1/namespaces/default/pods',
      JSON.parse(
        pod('zeros', { hostNetwork: false, nodeName: '', activeDeadlineSeconds: 5 }, [
          { name: 'main', image: 'busybox', workingDir: '', stdin: false, ports: [] },
        ]),
      ),
    );
    expect(zeros.status).toBe(201);
    expect(zeros.json.spec).not.toHaveProperty('hostNetwork');
    expect(zeros.json.spec).not.toHaveProperty('nodeName');
    expect(zeros.json.spec.activeDeadlineSeconds).toBe(5);
    for (const key of ['workingDir', 'stdin', 'ports'])
      expect(zeros.json.spec.containers[0]).not.toHaveProperty(key);
    await call('DELETE', '/api/v1/namespaces/default/pods/zeros');
    const invalid = await kubectl.run(['create', '-f', '-'], pod('bad', { restartPolicy: 'Sometimes' }));
    expect(invalid.code).not.toBe(0);
    expect(invalid.stderr).toMatch(
      /The Pod "bad" is invalid: spec.restartPolicy: Unsupported value: "Sometimes"/,
    );
    const ephemeral = await call(
      'POST',
      '/api/v1/namespaces/default/pods',
      JSON.parse(pod('eph', { ephemeralContainers: [{ name: 'debug', image: 'busybox' }] })),
    );
    expect(ephemeral.json.message).toBe(
      'Pod "eph" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create',
    );
    const update = await kubectl.run(['patch', 'pod', 'plain', '-p', '{"spec":{"restartPolicy":"Always"}}']);
    expect(update.stderr).toMatch(
      /spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/,
    );
    expect((await kubectl.run(['set', 'image', 'pod/plain', 'main=busybox:1.37'])).code).toBe(0);
    const after = JSON.parse((await kubectl.run(['get', 'pod', 'plain', '-o', 'json'])).stdout);
    expect(after.metadata.generation).toBe(2);
    expect(after.spec.containers[0].image).toBe('busybox:1.37');
  });

  it("shows READY, STATUS and RESTARTS as kubectl's printer computes them", async () => {
    for (const name of ['creating', 'runs', 'done', 'broken', 'crashing'])
      await kubectl.run(['create', '-f', '-'], pod(name));
    for (const name of ['creating', 'runs', 'done', 'broken', 'crashing']) await bind(name);
    await setStatus('creating', {
      phase: 'Pending',
      containerStatuses: [
        { ...running(), state: { waiting: { reason: 'ContainerCreating' } }, ready: false, started: false },
      ],
    });
    await setStatus('runs', {
      phase: 'Running',
      podIP: '10.244.0.7',
      podIPs: [{ ip: '10.244.0.7' }],
      containerStatuses: [running()],
    });
    await setStatus('done', { phase: 'Succeeded', containerStatuses: [terminated(0, 'Completed')] });
    await setStatus('broken', { phase: 'Failed', containerStatuses: [terminated(1, 'Error')] });
    await setStatus('crashing', {
      phase: 'Running',
      containerStatuses: [
        {
          ...running(),
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: T0,
              finishedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            },
          },
          ready: false,
          restartCount: 3,
        },
      ],
    });
    const table = rows(
      (await kubectl.run(['get', 'pods', '-l', 'app=res', '--sort-by=.metadata.name'])).stdout,
    );
    expect(table[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    const byName = Object.fromEntries(table.slice(1).map((r) => [r[0], r.slice(1, 4)]));
    expect(byName).toMatchObject({
      broken: ['0/1', 'Error', '0'],
      crashing: ['0/1', 'CrashLoopBackOff', expect.stringMatching(/^3 \(\d+s ago\)$/)],
      creating: ['0/1', 'ContainerCreating', '0'],
      done: ['0/1', 'Completed', '0'],
      plain: ['0/1', 'Pending', '0'],
      runs: ['1/1', 'Running', '0'],
    });
    const wide = rows((await kubectl.run(['get', 'pod', 'runs', '-o', 'wide'])).stdout);
    expect(wide[0]).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(wide[1]).toEqual([
      'runs',
      '1/1',
      'Running',
      '0',
      expect.stringMatching(/^\d+s$/),
      '10.244.0.7',
      FAKE_NODE_NAME,
      '<none>',
      '<none>',
    ]);
    // A finished pod's row carries the Completed condition.
    const raw = await fetch(`${fake.url}/api/v1/namespaces/default/pods/done`, {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' },
    });
    expect(((await raw.json()) as Json).rows).toEqual([
      expect.objectContaining({
        conditions: [
          {
            type: 'Completed',
            status: 'True',
            reason: 'Succeeded',
            message: 'The pod has completed successfully.',
          },
        ],
      }),
    ]);
  });

  it('selects pods by spec.nodeName, status.phase and name, and refuses unknown fields', async () => {
    const names = async (selector: string) =>
      (
        await kubectl.run([
          'get',
          'pods',
          '--field-selector',
          selector,
          '-o',
          'name',
          '--sort-by=.metadata.name',
        ])
      ).stdout
        .trim()
        .split('\n');
    expect(await names('status.phase=Running')).toEqual(['pod/crashing', 'pod/runs']);
    expect(await names(`spec.nodeName=${FAKE_NODE_NAME},status.phase!=Running`)).toEqual([
      'pod/broken',
      'pod/creating',
      'pod/done',
    ]);
    expect(await names('metadata.name=done,metadata.namespace=default')).toEqual(['pod/done']);
    const bad = await call('GET', '/api/v1/namespaces/default/pods?fieldSelector=spec.image%3Dx');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.image',
    });
  });

  it('binds a pod once, and deletes a bound pod gracefully, an unbound one at once', async () => {
    const again = await bind('runs').catch((e: unknown) => e);
    expect(again).toMatchObject({
      code: 409,
      status: {
        message:
          'Operation cannot be fulfilled on pods/binding "runs": pod runs is already assigned to node "fake-node"',
      },
    });
    const del = await call('DELETE', '/api/v1/namespaces/default/pods/runs');
    expect(del.status).toBe(200);
    expect(del.json.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(Date.parse(del.json.metadata.deletionTimestamp) - Date.now()).toBeGreaterThan(25000);
    const table = rows((await kubectl.run(['get', 'pod', 'runs'])).stdout);
    expect(table[1].slice(0, 3)).toEqual(['runs', '1/1', 'Terminating']);
    // The kubelet's last word: a delete with no grace removes it.
    const force = await call('DELETE', '/api/v1/namespaces/default/pods/runs', { gracePeriodSeconds: 0 });
    expect(force.status).toBe(200);
    expect((await call('GET', '/api/v1/namespaces/default/pods/runs')).status).toBe(404);
    // plain was never bound: no grace.
    const plain = await kubectl.run(['delete', 'pod', 'plain', '--wait=false']);
    expect(plain.stdout).toBe('pod "plain" deleted\n');
    expect((await call('GET', '/api/v1/namespaces/default/pods/plain')).status).toBe(404);
  });

  it('serves what the container printed as kubectl logs reads it', async () => {
    await kubectl.run(['create', '-f', '-'], pod('talker'));
    await bind('talker');
    await setStatus('talker', { phase: 'Running', containerStatuses: [running()] });
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s, 500));
    fake.logs.append('default', 'talker', 'main', 'one', t(1));
    fake.logs.append('default', 'talker', 'main', 'two\nthree', t(2));
    expect(await kubectl.run(['logs', 'talker'])).toMatchObject({ code: 0, stdout: 'one\ntwo\nthree\n' });
    expect((await kubectl.run(['logs', 'talker', '--tail=1'])).stdout).toBe('three\n');
    expect((await kubectl.run(['logs', 'talker', '--timestamps', '--tail=1'])).stdout).toBe(
      '2026-01-01T00:00:02.5Z three\n',
    );
    expect((await kubectl.run(['logs', 'talker', '--limit-bytes=6'])).stdout).toBe('one\ntw');
    expect((await kubectl.run(['logs', 'talker', '--since=1h'])).stdout).toBe('');
    const unknown = await kubectl.run(['logs', 'talker', '-c', 'other']);
    expect(unknown.stderr).toMatch(/container other is not valid for pod talker/);
    const previous = await kubectl.run(['logs', 'talker', '--previous']);
    expect(previous.stderr).toMatch(/previous terminated container "main" in pod "talker" not found/);
    const negative = await call('GET', '/api/v1/namespaces/default/pods/talker/log?tailLines=-1');
    expect(negative.status).toBe(422);
    expect(negative.json.message).toBe(
      'PodLogOptions "talker" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0',
    );
    expect((await call('GET', '/api/v1/namespaces/default/pods/creating/log')).json.message).toBe(
      'container "main" in pod "creating" is waiting to start: ContainerCreating',
    );

    const follow = kubectl.spawn(['logs', '-f', 'talker', '--tail=1']);
    const exited = new Promise<number | null>((resolve) => follow.child.on('exit', resolve));
    await new Promise((r) => setTimeout(r, 500));
    fake.logs.append('default', 'talker', 'main', 'four', t(4));
    fake.logs.finish('default', 'talker', 'main');
    expect(await exited).toBe(0);
    expect(follow.output()).toBe('three\nfour\n');

    fake.logs.restart('default', 'talker', 'main');
    fake.logs.append('default', 'talker', 'main', 'again', t(5));
    expect((await kubectl.run(['logs', 'talker', '-p'])).stdout).toBe('one\ntwo\nthree\nfour\n');
    expect((await kubectl.run(['logs', 'talker'])).stdout).toBe('again\n');
    const two = await kubectl.run(
      ['create', '-f', '-'],
      pod('pair', {}, [
        { name: 'a', image: 'busybox' },
        { name: 'b', image: 'busybox' },
      ]),
    );
    expect(two.code).toBe(0);
    const ambiguous = await call('GET', '/api/v1/namespaces/default/pods/pair/log');
    expect(ambiguous.json.message).toBe(
      'a container name must be specified for pod pair, choose one of: [a b]',
    );
  });

  it('stores events once and serves them as core/v1 and events.k8s.io/v1', async () => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const core = await call('POST', '/api/v1/namespaces/default/events', {
      metadata: { name: 'done.1' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'done', apiVersion: 'v1' },
      reason: 'Started',
      message: 'Started container main',
      source: { component: 'kubelet', host: FAKE_NODE_NAME },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: 'Normal',
    });
    expect(core.status).toBe(201);
    expect(core.json).toMatchObject({ eventTime: null, reportingComponent: '', reportingInstance: '' });
    const modern = await call('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'job.2' },
      eventTime: '2026-01-01T00:00:00.000000Z',
      reportingController: 'job-controller',
      reportingInstance: 'job-controller-fake',
      action: 'Create',
      reason: 'SuccessfulCreate',
      regarding: { kind: 'Job', namespace: 'default', name: 'sleep1', apiVersion: 'batch/v1' },
      note: 'Created pod: sleep1-abcde',
      type: 'Normal',
    });
    expect(modern.status).toBe(201);
    expect(modern.json).toMatchObject({
      regarding: { name: 'sleep1' },
      note: 'Created pod: sleep1-abcde',
      deprecatedSource: {},
    });
    const asCore = await call('GET', '/api/v1/namespaces/default/events/job.2');
    expect(asCore.json).toMatchObject({
      apiVersion: 'v1',
      involvedObject: { kind: 'Job', name: 'sleep1' },
      message: 'Created pod: sleep1-abcde',
      reportingComponent: 'job-controller',
      source: {},
      firstTimestamp: null,
    });
    expect((await call('GET', '/apis/events.k8s.io/v1/namespaces/default/events/done.1')).json).toMatchObject(
      {
        apiVersion: 'events.k8s.io/v1',
        regarding: { name: 'done' },
        note: 'Started container main',
        deprecatedSource: { component: 'kubelet', host: FAKE_NODE_NAME },
        deprecatedCount: 1,
      },
    );
    const missing = await call('POST', '/apis/events.k8s.io/v1/namespaces/default/events', {
      metadata: { name: 'bare' },
      regarding: { kind: 'Pod', name: 'x' },
    });
    expect(missing.status).toBe(422);
    expect(missing.json.message).toMatch(
      /^Event.events.k8s.io "bare" is invalid: \[eventTime: Required value/,
    );

    const table = rows((await kubectl.run(['get', 'events', '--sort-by=.metadata.name'])).stdout);
    expect(table[0]).toEqual(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    expect(table.slice(1).map((r) => r.slice(1))).toEqual([
      ['Normal', 'Started', 'pod/done', 'Started container main'],
      ['Normal', 'SuccessfulCreate', 'job/sleep1', 'Created pod: sleep1-abcde'],
    ]);
    const forJob = await kubectl.run([
      'get',
      'events',
      '--field-selector',
      'involvedObject.kind=Job,involvedObject.name=sleep1',
      '-o',
      'name',
    ]);
    expect(forJob.stdout).toBe('event/job.2\n');
  });

  it('has one Ready node that kubectl get nodes shows', async () => {
    const table = rows((await kubectl.run(['get', 'nodes'])).stdout);
    expect(table).toEqual([
      ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
      [FAKE_NODE_NAME, 'Ready', '<none>', expect.stringMatching(/^\d+s$/), 'v1.36.3'],
    ]);
    const wide = rows((await kubectl.run(['get', 'nodes', '-o', 'wide'])).stdout);
    expect(wide[0].slice(5)).toEqual([
      'INTERNAL-IP',
      'EXTERNAL-IP',
      'OS-IMAGE',
      'KERNEL-VERSION',
      'CONTAINER-RUNTIME',
    ]);
    expect(wide[1].slice(5, 7)).toEqual(['10.244.0.1', '<none>']);
  });
});
