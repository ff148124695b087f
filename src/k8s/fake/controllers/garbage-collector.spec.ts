// The garbage collector on a real fake apiserver (workload controllers off, so only the GC
// acts on ownerReferences): dangling owners, several owners, orphan and foreground deletion.
import { Json } from '../../json';
import { FakeClient, JOBS, NAMESPACES, PODS, WatchEvent } from '../client/fake-client';
import { FakeApiServer, startFakeApiServer } from '../server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, probe: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
const meta = (o: Json) => o.metadata as Record<string, any>;

describe('garbage collector', () => {
  let fake: FakeApiServer;
  let c: FakeClient;
  let n = 0;
  let ns: string;
  beforeAll(async () => {
    fake = await startFakeApiServer();
    c = fake.client;
  });
  afterAll(() => fake.close());
  beforeEach(async () => {
    ns = `gc-${++n}`;
    await c.create(NAMESPACES, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  const job = (name: string) =>
    c.create(JOBS, ns, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: {
        suspend: true,
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } },
      },
    });
  const ref = (owner: Json, block = true) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    name: meta(owner).name,
    uid: meta(owner).uid,
    controller: false,
    blockOwnerDeletion: block,
  });
  const pod = (name: string, owners: Json[]) =>
    c.create(PODS, ns, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, ownerReferences: owners },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
  const podNames = async () => (await c.list(PODS, ns)).items.map((p) => meta(p).name as string).sort();
  const jobGone = (name: string) => async () =>
    !(await c.list(JOBS, ns)).items.some((j) => meta(j).name === name);

  it('deletes a dependent whose owner does not exist', async () => {
    await pod('stray', [
      { apiVersion: 'batch/v1', kind: 'Job', name: 'ghost', uid: '00000000-0000-0000-0000-000000000001' },
    ]);
    await until('the stray pod to go', async () => (await podNames()).length === 0);
  });

  it('Background: dependents go after the owner; one with another owner only loses the reference', async () => {
    const a = await job('a');
    const b = await job('b');
    await pod('only-a', [ref(a)]);
    await pod('a-and-b', [ref(a), ref(b)]);
    await c.delete(JOBS, ns, 'a', { propagationPolicy: 'Background' });
    await until('only-a to go', async () => (await podNames()).join() === 'a-and-b');
    await until('the reference to a to go', async () => {
      const p = await c.get(PODS, ns, 'a-and-b');
      return (meta(p).ownerReferences as Json[]).map((o) => o.name).join() === 'b';
    });
  });

  it('Orphan: dependents lose the reference and stay, then the owner goes', async () => {
    const o = await job('o');
    await pod('kept-1', [ref(o)]);
    await pod('kept-2', [ref(o)]);
    await c.delete(JOBS, ns, 'o', { propagationPolicy: 'Orphan' });
    await until('the Job to go', jobGone('o'));
    const pods = (await c.list(PODS, ns)).items;
    expect(pods.map((p) => [meta(p).name, meta(p).ownerReferences])).toEqual([
      ['kept-1', undefined],
      ['kept-2', undefined],
    ]);
  });

  it('Foreground: blocking dependents are deleted first, without a finalizer of their own', async () => {
    const f = await job('f');
    await pod('dep', [ref(f)]);
    const seen: WatchEvent[] = [];
    const kinds: string[] = [];
    const rv = String(fake.store.currentRevision);
    const stops = [
      c.watch(JOBS, ns, rv, (e) => (seen.push(e), kinds.push('Job'))),
      c.watch(PODS, ns, rv, (e) => (seen.push(e), kinds.push('Pod'))),
    ];
    const deleting = await c.delete(JOBS, ns, 'f', { propagationPolicy: 'Foreground' });
    expect(meta(deleting as Json).finalizers).toEqual(['foregroundDeletion']);
    await until('the Job to go', jobGone('f'));
    for (const s of stops) s();
    const deleted = seen.map((e, i) => `${e.type} ${kinds[i]}`).filter((x) => x.startsWith('DELETED'));
    expect(deleted).toEqual(['DELETED Pod', 'DELETED Job']);
    expect(
      seen.filter((e, i) => kinds[i] === 'Pod').some((e) => (meta(e.object).finalizers ?? []).length),
    ).toBe(false);
  });
});
