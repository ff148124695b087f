// Real: a started fake apiserver; the in-process client and plain HTTP reach the same registry.
import { StatusError } from '../../status';
import { Json } from '../../json';
import { FakeApiServer, startFakeApiServer } from '../server';
import { JOBS, NAMESPACES, WatchEvent } from './fake-client';

const job = (name: string): Json => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, labels: { app: 'client' } },
  spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' } } },
});
const meta = (o: Json): Json => o.metadata as Json;
const waitFor = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};

describe('the in-process client of the fake registry', () => {
  let fake: FakeApiServer;
  beforeAll(async () => {
    fake = await startFakeApiServer({ workloads: false });
  });
  afterAll(() => fake.close());

  it('creates with defaulting and managedFields, reads back over HTTP, watches, deletes', async () => {
    const seen: WatchEvent[] = [];
    const stop = fake.client.watch(JOBS, 'default', String(fake.store.currentRevision), (e) => seen.push(e));
    const created = await fake.client.create(JOBS, 'default', job('one'), { fieldManager: 'job-controller' });
    expect(meta(created).uid).toMatch(/^[0-9a-f-]{36}$/);
    expect((created.spec as Json).backoffLimit).toBe(6);
    expect(meta(created).managedFields).toEqual([
      expect.objectContaining({ manager: 'job-controller', operation: 'Update' }),
    ]);
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'one' } } });

    const overHttp = (await (
      await fetch(`${fake.url}/apis/batch/v1/namespaces/default/jobs/one`)
    ).json()) as Json;
    expect(overHttp).toEqual(await fake.client.get(JOBS, 'default', 'one'));

    const listed = await fake.client.list(JOBS, 'default', { labelSelector: 'app=client' });
    expect(listed.items.map((o) => meta(o).name)).toEqual(['one']);
    expect(Number(listed.resourceVersion)).toBeGreaterThanOrEqual(Number(meta(created).resourceVersion));
    expect((await fake.client.list(JOBS, 'default', { labelSelector: 'app=other' })).items).toEqual([]);

    const gone = await fake.client.delete(JOBS, 'default', 'one', { propagationPolicy: 'Background' });
    expect(gone).toBeUndefined();
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'one' } } });
    stop();
    await expect(fake.client.get(JOBS, 'default', 'one')).rejects.toMatchObject({
      code: 404,
      status: { reason: 'NotFound', message: 'jobs.batch "one" not found' },
    });
  });

  it('answers a stale update with 409 Conflict and validates like the HTTP path', async () => {
    const created = await fake.client.create(JOBS, 'default', job('two'));
    const first = structuredClone(created);
    (meta(first).labels as Json).step = '1';
    await fake.client.update(JOBS, 'default', first);
    const stale = structuredClone(created);
    (meta(stale).labels as Json).step = '2';
    const err = await fake.client.update(JOBS, 'default', stale).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).status).toMatchObject({ code: 409, reason: 'Conflict' });

    const bad = job('three');
    (bad.spec as Json).completions = -1;
    await expect(fake.client.create(JOBS, 'default', bad)).rejects.toMatchObject({
      code: 422,
      status: { reason: 'Invalid' },
    });
    await expect(fake.client.create(JOBS, 'missing', job('four'))).rejects.toMatchObject({
      code: 404,
      status: { message: 'namespaces "missing" not found' },
    });
  });

  it('patches spec and status, and starts a watch from the beginning with ADDED events', async () => {
    await fake.client.create(JOBS, 'default', job('five'));
    const patched = await fake.client.patch(JOBS, 'default', 'five', 'merge', {
      metadata: { labels: { patched: 'yes' } },
    });
    expect((meta(patched).labels as Json).patched).toBe('yes');
    const status = await fake.client.patch(
      JOBS,
      'default',
      'five',
      'merge',
      { status: { active: 1, startTime: '2026-01-01T00:00:00Z' } },
      { subresource: 'status', fieldManager: 'job-controller' },
    );
    expect(status.status).toMatchObject({ active: 1 });
    const names: string[] = [];
    const stop = fake.client.watch(NAMESPACES, undefined, '', (e) => names.push(String(meta(e.object).name)));
    await waitFor(() => names.length >= 4);
    stop();
    expect(names).toEqual(expect.arrayContaining(['default', 'kube-system', 'kube-public']));
    expect(() => fake.client.watch(JOBS, 'default', '1', () => undefined)).toThrow(
      expect.objectContaining({ code: 410 }),
    );
  });
});
