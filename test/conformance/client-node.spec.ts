// Real: @kubernetes/client-node's typed BatchV1Api, CoreV1Api, KubernetesObjectApi and
// Watch, over loopback HTTP to the fake apiserver. Nothing is mocked.
import {
  ApiException,
  BatchV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  V1Job,
  Watch,
} from '@kubernetes/client-node';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { realInfo } from '../real/target';

const job = (name: string, extra: Partial<V1Job['spec']> = {}): V1Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, labels: { app: 'demo' } },
  spec: {
    ...extra,
    template: {
      spec: {
        containers: [{ name: 'main', image: 'busybox:1.36', command: ['true'] }],
        restartPolicy: 'Never',
      },
    },
  },
});

/** The Status body of a failed call, as the apiserver sent it. */
async function statusOf(call: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (e) {
    if (e instanceof ApiException) return { code: e.code, body: JSON.parse(e.body as string) };
    throw e;
  }
  throw new Error('expected the call to fail');
}

const onReal = process.env.E2E_UPSTREAM === 'real';

describe('@kubernetes/client-node against the fake apiserver', () => {
  let fake: FakeApiServer;
  let kc: KubeConfig;
  let batch: BatchV1Api;

  beforeAll(async () => {
    fake = await startFakeApiServer();
    kc = new KubeConfig();
    // Under npm run test:real the same scenarios run against the real apiserver.
    if (process.env.E2E_UPSTREAM === 'real') kc.loadFromFile(realInfo().kubeconfig);
    else
      kc.loadFromOptions({
        clusters: [{ name: 'fake', server: fake.url, skipTLSVerify: true }],
        users: [{ name: 'dev', token: 'dev-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'dev', namespace: 'default' }],
        currentContext: 'fake',
      });
    batch = kc.makeApiClient(BatchV1Api);
  });
  afterAll(() => fake.close());

  it('creates, reads and lists with selectors and paging', async () => {
    const created = await batch.createNamespacedJob({ namespace: 'default', body: job('one') });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.spec?.backoffLimit).toBe(6);
    expect(created.spec?.template.spec?.containers[0].imagePullPolicy).toBe('IfNotPresent');
    await batch.createNamespacedJob({ namespace: 'default', body: job('two') });
    await batch.createNamespacedJob({ namespace: 'kube-system', body: job('three') });

    const read = await batch.readNamespacedJob({ name: 'one', namespace: 'default' });
    // A real job controller writes status at once, and with it a new resourceVersion.
    if (!onReal) expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    expect(read.metadata?.uid).toBe(created.metadata?.uid);

    const page1 = await batch.listNamespacedJob({ namespace: 'default', limit: 1 });
    expect(page1.items.map((j) => j.metadata?.name)).toEqual(['one']);
    expect(page1.metadata?.remainingItemCount).toBe(1);
    const page2 = await batch.listNamespacedJob({
      namespace: 'default',
      limit: 1,
      _continue: page1.metadata?._continue,
    });
    expect(page2.items.map((j) => j.metadata?.name)).toEqual(['two']);
    expect(page2.metadata?._continue).toBeUndefined();

    const all = await batch.listJobForAllNamespaces({ labelSelector: 'app=demo' });
    expect(all.items.map((j) => `${j.metadata?.namespace}/${j.metadata?.name}`)).toEqual([
      'default/one',
      'default/two',
      'kube-system/three',
    ]);
    const byField = await batch.listJobForAllNamespaces({ fieldSelector: 'metadata.namespace=kube-system' });
    expect(byField.items.map((j) => j.metadata?.name)).toEqual(['three']);
  });

  it('updates with optimistic concurrency and patches', async () => {
    const current = await batch.readNamespacedJob({ name: 'one', namespace: 'default' });
    const stale = structuredClone(current);
    current.spec!.parallelism = 3;
    const updated = await batch.replaceNamespacedJob({ name: 'one', namespace: 'default', body: current });
    expect(updated.metadata?.generation).toBe(2);

    stale.spec!.parallelism = 4;
    const conflict = await statusOf(
      batch.replaceNamespacedJob({ name: 'one', namespace: 'default', body: stale }),
    );
    expect(conflict).toEqual({
      code: 409,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message:
          'Operation cannot be fulfilled on jobs.batch "one": the object has been modified; please apply your changes to the latest version and try again',
        reason: 'Conflict',
        details: { name: 'one', group: 'batch', kind: 'jobs' },
        code: 409,
      },
    });

    const patched = await batch.patchNamespacedJob(
      { name: 'one', namespace: 'default', body: { spec: { backoffLimit: 1 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.spec?.backoffLimit).toBe(1);
    const jsonPatched = await batch.patchNamespacedJob({
      name: 'one',
      namespace: 'default',
      body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }],
    });
    expect(jsonPatched.metadata?.annotations).toEqual({ note: 'x' });
  });

  it('answers invalid objects with the causes the apiserver gives', async () => {
    const bad = job('bad', { completions: -1 });
    bad.spec!.template.spec!.containers[0].image = '';
    const invalid = await statusOf(batch.createNamespacedJob({ namespace: 'default', body: bad }));
    expect(invalid.code).toBe(422);
    expect(invalid.body).toMatchObject({
      reason: 'Invalid',
      message:
        'Job.batch "bad" is invalid: [spec.completions: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]',
      details: {
        name: 'bad',
        group: 'batch',
        kind: 'Job',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: -1: must be greater than or equal to 0',
            field: 'spec.completions',
          },
          {
            reason: 'FieldValueRequired',
            message: 'Required value',
            field: 'spec.template.spec.containers[0].image',
          },
        ],
      },
    });
    const missing = await statusOf(batch.readNamespacedJob({ name: 'ghost', namespace: 'default' }));
    expect(missing).toEqual({
      code: 404,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'jobs.batch "ghost" not found',
        reason: 'NotFound',
        details: { name: 'ghost', group: 'batch', kind: 'jobs' },
        code: 404,
      },
    });
  });

  it('streams watch events and deletes with a propagation policy', async () => {
    const events: string[] = [];
    const watch = new Watch(kc);
    const req = await watch.watch(
      '/apis/batch/v1/namespaces/default/jobs',
      { fieldSelector: 'metadata.name=watched' },
      (type: string, obj: V1Job) =>
        events.push(
          `${type} ${obj.metadata?.name} ${obj.metadata?.deletionTimestamp ? 'deleting' : ''}`.trim(),
        ),
      () => undefined,
    );
    try {
      await batch.createNamespacedJob({ namespace: 'default', body: job('watched') });
      await batch.createNamespacedJob({ namespace: 'default', body: job('unwatched') });
      // The answer is the Job, marked for deletion; the typed client reads it as a V1Status.
      await batch.deleteNamespacedJob({
        name: 'watched',
        namespace: 'default',
        propagationPolicy: 'Foreground',
      });
      const end = Date.now() + 10000;
      while (!events.some((e) => e.startsWith('DELETED')) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
      // A real job controller (and, in the foreground, the garbage collector deleting pods)
      // writes the Job in between: its status updates and repeats of an event are set aside.
      const ours = events.filter((e) => !(onReal && e === 'MODIFIED watched'));
      const distinct = ours.filter((e, i) => e !== ours[i - 1]);
      expect(distinct).toEqual(['ADDED watched', 'MODIFIED watched deleting', 'DELETED watched deleting']);
    } finally {
      req.abort();
    }
    const gone = await statusOf(batch.readNamespacedJob({ name: 'watched', namespace: 'default' }));
    expect(gone.code).toBe(404);
  });

  it('applies server-side and dry-runs through KubernetesObjectApi and BatchV1Api', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec: V1Job = { ...job('applied'), metadata: { name: 'applied', namespace: 'default' } };
    const created = await objects.patch(
      spec,
      undefined,
      undefined,
      'conformance',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'conformance',
      operation: 'Apply',
    });
    const again = await objects.patch(
      { ...spec, metadata: { ...spec.metadata, labels: { app: 'demo', tier: 'batch' } } },
      undefined,
      undefined,
      'conformance',
      true,
      PatchStrategy.ServerSideApply,
    );
    // The live object also carries the labels defaulted from the template, as on a real apiserver.
    expect(again.metadata?.labels).toMatchObject({ app: 'demo', tier: 'batch', 'job-name': 'applied' });
    const dry = await batch.createNamespacedJob({ namespace: 'default', body: job('dry'), dryRun: 'All' });
    expect(dry.metadata?.uid).toBeTruthy();
    expect(dry.metadata?.resourceVersion).toBeUndefined();
    expect((await statusOf(batch.readNamespacedJob({ name: 'dry', namespace: 'default' }))).code).toBe(404);
  });

  it('finds jobs through discovery with KubernetesObjectApi, and namespaces through CoreV1Api', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const read = await objects.read({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'two', namespace: 'default' },
    });
    expect(read.metadata?.name).toBe('two');
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'extra' } } });
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(['default', 'extra', 'kube-node-lease', 'kube-public', 'kube-system']);
    const missingNs = await statusOf(batch.createNamespacedJob({ namespace: 'absent', body: job('x') }));
    expect(missingNs.body).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'namespaces "absent" not found',
    });
  });
});
