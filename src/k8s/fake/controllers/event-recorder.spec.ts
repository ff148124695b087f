// The recorder against a real fake apiserver (no controllers): names, fields and the count of
// a repeated event, as client-go's recorder and correlator write them.
import { EVENTS, JOBS } from '../client/fake-client';
import { FakeApiServer, startFakeApiServer } from '../server';
import { EventRecorder } from './event-recorder';

describe('event recorder', () => {
  let fake: FakeApiServer;
  beforeAll(async () => {
    fake = await startFakeApiServer();
  });
  afterAll(() => fake.close());

  it('writes a core/v1 Event, then counts the same one again', async () => {
    const job = await fake.client.create(JOBS, 'default', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'rec' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
    });
    const logged: string[] = [];
    const r = new EventRecorder(fake.client, 'job-controller', (m) => logged.push(m));
    r.event(job, 'Normal', 'Suspended', 'Job suspended');
    r.event(job, 'Normal', 'Suspended', 'Job suspended');
    r.event(job, 'Warning', 'DeadlineExceeded', 'Job was active longer than specified deadline');
    await r.flush();
    expect(logged).toEqual([]);
    const items = (await fake.client.list(EVENTS, 'default')).items.sort((a, b) =>
      String(a.reason).localeCompare(String(b.reason)),
    );
    const meta = job.metadata as Record<string, unknown>;
    expect(items).toEqual([
      expect.objectContaining({
        reason: 'DeadlineExceeded',
        type: 'Warning',
        count: 1,
      }),
      expect.objectContaining({
        kind: 'Event',
        apiVersion: 'v1',
        metadata: expect.objectContaining({
          name: expect.stringMatching(/^rec\.[0-9a-f]{16,}$/),
          namespace: 'default',
        }),
        involvedObject: {
          kind: 'Job',
          namespace: 'default',
          name: 'rec',
          uid: meta.uid,
          apiVersion: 'batch/v1',
          resourceVersion: meta.resourceVersion,
        },
        reason: 'Suspended',
        message: 'Job suspended',
        source: { component: 'job-controller' },
        firstTimestamp: expect.stringMatching(/Z$/),
        lastTimestamp: expect.stringMatching(/Z$/),
        count: 2,
        type: 'Normal',
        reportingComponent: 'job-controller',
        reportingInstance: '',
      }),
    ]);
  });
});
