// Real: the fake apiserver over loopback HTTP with its garbage collector and namespace
// controller (the workload controllers are off, so the pods here are the test's own, owned by
// a Job through ownerReferences as the job controller would write them).
import { Json } from '../../src/k8s/json';
import { FakeApiServer, startFakeApiServer } from '../../src/k8s/fake/server';
import { eventually } from '../support/kubectl';

describe('garbage collection and namespace deletion on the fake', () => {
  let fake: FakeApiServer;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${fake.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const job = (ns: string, name: string) =>
    call('POST', `/apis/batch/v1/namespaces/${ns}/jobs`, {
      metadata: { name },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
  const ownedPod = (ns: string, name: string, owner: Json, block = true) =>
    call('POST', `/api/v1/namespaces/${ns}/pods`, {
      metadata: {
        name,
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: (owner.metadata as Json).name,
            uid: (owner.metadata as Json).uid,
            controller: true,
            blockOwnerDeletion: block,
          },
        ],
      },
      spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
    });
  const exists = (path: string) => fake.store.has(path.split('/')[0], path.split('/')[1], path.split('/')[2]);

  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: false });
  });
  afterAll(() => fake.close());

  it('Orphan lets the pods go free: their ownerReferences are removed, then the Job goes', async () => {
    const owner = (await job('default', 'orphaner')).json;
    await ownedPod('default', 'orphan-a', owner);
    const del = await call(
      'DELETE',
      '/apis/batch/v1/namespaces/default/jobs/orphaner?propagationPolicy=Orphan',
    );
    expect(del.json.metadata.finalizers).toEqual(['orphan']);
    await eventually(() => !exists('jobs/default/orphaner'));
    const pod = (await call('GET', '/api/v1/namespaces/default/pods/orphan-a')).json;
    expect(pod.metadata.ownerReferences).toBeUndefined();
    // The collector only took something away: no field is its own, and nobody owns the references.
    expect(pod.metadata.managedFields.map((m: Json) => m.manager)).toEqual(['node']);
    expect(JSON.stringify(pod.metadata.managedFields)).not.toMatch(/ownerReferences/);
  });

  it('Foreground holds the Job until its blocking pods are gone; Background deletes them after it', async () => {
    const fg = (await job('default', 'fore')).json;
    await ownedPod('default', 'fore-a', fg);
    await ownedPod('default', 'fore-b', fg, false);
    const del = await call(
      'DELETE',
      '/apis/batch/v1/namespaces/default/jobs/fore?propagationPolicy=Foreground',
    );
    expect(del.json.metadata).toMatchObject({ finalizers: ['foregroundDeletion'] });
    await eventually(() => !exists('jobs/default/fore'));
    expect(exists('pods/default/fore-a')).toBe(false);
    expect(exists('pods/default/fore-b')).toBe(false);

    const bg = (await job('default', 'back')).json;
    await ownedPod('default', 'back-a', bg);
    const gone = await call(
      'DELETE',
      '/apis/batch/v1/namespaces/default/jobs/back?propagationPolicy=Background',
    );
    expect(gone.json).toMatchObject({ kind: 'Status', status: 'Success' });
    await eventually(() => !exists('pods/default/back-a'));
  });

  it('a deleted namespace is Terminating until its contents are gone, then goes itself', async () => {
    expect((await call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } })).status).toBe(201);
    const owner = (await job('doomed', 'j')).json;
    await ownedPod('doomed', 'p', owner);
    const del = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(del.json.status.phase).toBe('Terminating');
    const refused = await job('doomed', 'late');
    expect(refused.status).toBe(403);
    await eventually(() => !exists('namespaces//doomed'));
    expect(fake.store.list('jobs', 'doomed')).toEqual([]);
    expect(fake.store.list('pods', 'doomed')).toEqual([]);
  });
});
