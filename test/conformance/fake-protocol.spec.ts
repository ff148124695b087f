// Real: the fake apiserver over loopback HTTP, spoken to with plain fetch as any client
// would. Expected bodies are the apiserver's (apimachinery errors.go, handlers/*.go).
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';

const JOBS = '/apis/batch/v1/namespaces/default/jobs';
const job = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, labels: { app: 'proto' }, ...extra },
  spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
});

describe('the fake apiserver protocol', () => {
  let fake: FakeApiServer;
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
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

  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: false });
  });
  afterAll(() => fake.close());

  it('serves discovery with jobs before jobs/status', async () => {
    const { json } = await call('GET', '/apis/batch/v1');
    expect(json.resources.map((r: { name: string }) => r.name)).toEqual(['jobs', 'jobs/status']);
    expect(json.resources[0]).toMatchObject({
      kind: 'Job',
      namespaced: true,
      categories: ['all'],
      singularName: 'job',
    });
    expect((await call('GET', '/apis')).json.groups[0].preferredVersion).toEqual({
      groupVersion: 'batch/v1',
      version: 'v1',
    });
    expect((await call('GET', '/version')).json).toMatchObject({
      major: '1',
      minor: '36',
      gitVersion: 'v1.36.3',
    });
  });

  it('generates names from generateName', async () => {
    const { status, json } = await call('POST', JOBS, { ...job(''), metadata: { generateName: 'gen-' } });
    expect(status).toBe(201);
    expect(json.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(json.spec.template.metadata.labels['job-name']).toBe(json.metadata.name);
  });

  it('answers errors with the apiserver Status bodies', async () => {
    expect((await call('POST', JOBS, '{oops')).json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        "the object provided is unrecognized (must be of type Job): couldn't get version/kind; json parse error: invalid character 'o' looking for beginning of object key string ({oops)",
      reason: 'BadRequest',
      code: 400,
    });
    expect((await call('POST', JOBS, job('x'), { 'Content-Type': 'text/xml' })).json).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf',
      code: 415,
    });
    expect(
      (await call('POST', JOBS, { ...job('x'), metadata: { name: 'x', namespace: 'other' } })).json.message,
    ).toBe('the namespace of the provided object does not match the namespace sent on the request');
    expect((await call('POST', JOBS, { ...job('x'), apiVersion: 'batch/v2' })).json.message).toBe(
      'the API version in the data (batch/v2) does not match the expected API version (batch/v1)',
    );
    const big = await call('POST', JOBS, JSON.stringify({ ...job('big'), pad: 'x'.repeat(3 * 1024 * 1024) }));
    expect(big.json).toMatchObject({ reason: 'RequestEntityTooLarge', code: 413 });
    expect((await call('PATCH', JOBS, {})).json).toMatchObject({ reason: 'MethodNotAllowed', code: 405 });
    expect((await call('GET', '/apis/batch/v1/cronjobs')).json).toMatchObject({
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      code: 404,
    });
    expect((await call('POST', `${JOBS}?dryRun=Yes`, job('x'))).json).toMatchObject({
      message:
        'CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Yes"]: supported values: "All"',
      reason: 'Invalid',
      code: 422,
    });
    expect((await call('POST', `${JOBS}?fieldValidation=Loose`, job('x'))).json.message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "", "Ignore", "Strict", "Warn"',
    );
    expect((await call('GET', `${JOBS}?fieldSelector=spec.parallelism=1`)).json.message).toBe(
      'field label "spec.parallelism" not supported for Job',
    );
  });

  it('warns about unknown fields by default and ignores them on request', async () => {
    const warned = await call('POST', JOBS, { ...job('warned'), spec: { ...job('warned').spec, foo: 1 } });
    expect(warned.status).toBe(201);
    expect(warned.headers.get('warning')).toBe('299 - "unknown field \\"spec.foo\\""');
    const ignored = await call('POST', `${JOBS}?fieldValidation=Ignore`, {
      ...job('ignored'),
      spec: { ...job('ignored').spec, foo: 1 },
    });
    expect(ignored.headers.get('warning')).toBeNull();
    const dup = await call(
      'POST',
      `${JOBS}?fieldValidation=Strict`,
      '{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"d","name":"d"}}',
    );
    expect(dup.json.message).toBe(
      'Job in version "v1" cannot be handled as a Job: strict decoding error: duplicate field "metadata.name"',
    );
  });

  it('updates status only through /status, and conflicts on a stale resourceVersion', async () => {
    const created = (await call('POST', JOBS, job('st'))).json;
    const withStatus = { ...created, status: { active: 1 }, spec: { ...created.spec, parallelism: 5 } };
    const main = (await call('PUT', `${JOBS}/st`, withStatus)).json;
    expect(main.status).toEqual({});
    expect(main.spec.parallelism).toBe(5);
    const status = await call('PUT', `${JOBS}/st/status`, {
      ...main,
      status: { active: 2 },
      spec: { ...main.spec, parallelism: 9 },
    });
    expect(status.json.status).toEqual({ active: 2 });
    expect(status.json.spec.parallelism).toBe(5);
    expect(status.json.metadata.generation).toBe(main.metadata.generation);
    const stale = await call('PUT', `${JOBS}/st`, main);
    expect(stale.json).toMatchObject({ reason: 'Conflict', code: 409 });
    const merge = await call(
      'PATCH',
      `${JOBS}/st/status`,
      { status: { ready: 1 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(merge.json.status).toEqual({ active: 2, ready: 1 });
    const badStatus = await call(
      'PATCH',
      `${JOBS}/st/status`,
      { status: { failed: -1 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(badStatus.json.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: must be greater than or equal to 0',
        field: 'status.failed',
      },
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: -1: cannot decrease the failed counter',
        field: 'status.failed',
      },
    ]);
  });

  it('checks delete preconditions and deletes collections by selector', async () => {
    await call('POST', JOBS, job('pre'));
    const wrong = await call('DELETE', `${JOBS}/pre`, {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid: 'nope' },
    });
    expect(wrong.json).toMatchObject({
      reason: 'Conflict',
      details: { name: 'pre', group: 'batch', kind: 'Job' },
    });
    expect(wrong.json.message).toMatch(
      /^Operation cannot be fulfilled on Job.batch "pre": the UID in the precondition \(nope\) does not match the UID in record/,
    );
    const plain = await call('DELETE', `${JOBS}/pre`);
    expect(plain.headers.get('warning')).toContain(
      'child pods are preserved by default when jobs are deleted',
    );
    expect(plain.json.metadata.finalizers).toEqual(['orphan']);
    await call('POST', JOBS, job('c1'));
    await call('POST', JOBS, { ...job('c2'), metadata: { name: 'c2', labels: { app: 'other' } } });
    const coll = await call('DELETE', `${JOBS}?labelSelector=app%3Dproto&propagationPolicy=Background`);
    expect(coll.json.kind).toBe('JobList');
    const left = (await call('GET', JOBS)).json.items.map(
      (i: { metadata: { name: string } }) => i.metadata.name,
    );
    expect(left).toContain('c2');
    expect(left).not.toContain('c1');
  });

  it('streams watches from a resourceVersion, with bookmarks and watch-list', async () => {
    const rv = (await call('GET', JOBS)).json.metadata.resourceVersion;
    const controller = new AbortController();
    const res = await fetch(`${fake.url}${JOBS}?watch=1&resourceVersion=${rv}&allowWatchBookmarks=true`, {
      signal: controller.signal,
    });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const reader = res.body!.getReader();
    await call('POST', JOBS, job('w1'));
    await call('DELETE', `${JOBS}/w1?propagationPolicy=Background`);
    let text = '';
    while (text.split('\n').length < 3) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'DELETED w1']);
    expect(Number(events[1].object.metadata.resourceVersion)).toBeGreaterThan(
      Number(events[0].object.metadata.resourceVersion),
    );

    const list = new AbortController();
    const wl = await fetch(
      `${fake.url}${JOBS}?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=app%3Dother`,
      { signal: list.signal },
    );
    const r2 = wl.body!.getReader();
    let t2 = '';
    while (t2.split('\n').length < 3) t2 += new TextDecoder().decode((await r2.read()).value);
    list.abort();
    const initial = t2
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(initial[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c2' } } });
    expect(initial[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Job', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });

    const bad = await call('GET', `${JOBS}?watch=1&sendInitialEvents=true`);
    expect(bad.json.message).toBe(
      'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan, allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true]',
    );
  });

  it('tracks lists in managedFields as the Go markers say: Job conditions atomic, pod conditions by type', async () => {
    // As the fixtures recorded on a real cluster show (test/fixtures/real-cluster/succeeded.json).
    await call('POST', JOBS, job('mf'));
    const condition = {
      type: 'Complete',
      status: 'True',
      lastProbeTime: null,
      lastTransitionTime: '2026-01-01T00:00:00Z',
    };
    const jobStatus = await call(
      'PATCH',
      `${JOBS}/mf/status?fieldManager=job-controller`,
      {
        status: {
          conditions: [{ ...condition, type: 'SuccessCriteriaMet' }, condition],
          startTime: '2026-01-01T00:00:00Z',
          completionTime: '2026-01-01T00:00:01Z',
          succeeded: 1,
        },
      },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    expect(jobStatus.json.message).toBeUndefined();
    const jobEntry = jobStatus.json.metadata.managedFields.find((m: any) => m.manager === 'job-controller');
    expect(jobEntry.fieldsV1['f:status']['f:conditions']).toEqual({});

    const pods = '/api/v1/namespaces/default/pods';
    await call('POST', pods, {
      metadata: { name: 'mf' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    const podStatus = await call(
      'PATCH',
      `${pods}/mf/status?fieldManager=kubelet`,
      {
        status: {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              lastProbeTime: null,
              lastTransitionTime: '2026-01-01T00:00:00Z',
            },
          ],
          podIPs: [{ ip: '10.244.0.9' }],
          containerStatuses: [
            { name: 'c', ready: true, restartCount: 0, image: 'busybox', imageID: '', state: {} },
          ],
        },
      },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    const podEntry = podStatus.json.metadata.managedFields.find((m: any) => m.manager === 'kubelet');
    expect(Object.keys(podEntry.fieldsV1['f:status']['f:conditions'])).toEqual(['.', 'k:{"type":"Ready"}']);
    expect(Object.keys(podEntry.fieldsV1['f:status']['f:podIPs'])).toEqual(['.', 'k:{"ip":"10.244.0.9"}']);
    expect(podEntry.fieldsV1['f:status']['f:containerStatuses']).toEqual({});
    // A strategic merge patch merges pod conditions by type: Ready stays when another arrives.
    const merged = await call(
      'PATCH',
      `${pods}/mf/status`,
      { status: { conditions: [{ type: 'Initialized', status: 'True' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    expect(merged.json.status.conditions.map((c: any) => c.type)).toEqual(['Ready', 'Initialized']);
  });

  it('answers a watch from a version it no longer has with 410 Expired', async () => {
    for (let i = 0; i < 10001; i++)
      fake.store.update('namespaces', '', 'default', fake.store.get('namespaces', '', 'default')!);
    const res = await call('GET', `${JOBS}?watch=1&resourceVersion=1`);
    expect(JSON.parse(res.text.trim())).toMatchObject({
      type: 'ERROR',
      object: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Expired',
        code: 410,
        message: expect.stringMatching(/^too old resource version: 1 \(\d+\)$/),
      },
    });
  });
});
