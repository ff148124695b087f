// Event TTL on a real fake apiserver (no workload controllers): time runs 3,600 times faster,
// so the apiserver's one-hour --event-ttl is one second of wall-clock time. Real: the registry, the
// shared informers and the in-process client; nothing is mocked.
import { Json } from '../../json';
import { EVENTS, FakeClient, WatchEvent } from '../client/fake-client';
import { FakeApiServer, startFakeApiServer } from '../server';

const TIME_SCALE = 3_600;
const HOUR_MS = 3_600_000 / TIME_SCALE;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('event TTL', () => {
  let fake: FakeApiServer;
  let c: FakeClient;
  beforeAll(async () => {
    fake = await startFakeApiServer({ timeScale: TIME_SCALE });
    c = fake.client;
  });
  afterAll(() => fake.close());

  const event = (name: string, count: number): Json => ({
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'p', apiVersion: 'v1' },
    reason: 'Tested',
    message: `seen ${count} times`,
    source: { component: 'event-ttl-spec' },
    count,
    type: 'Normal',
  });
  const exists = (name: string) =>
    c.get(EVENTS, 'default', name).then(
      () => true,
      () => false,
    );

  it('deletes an Event an hour after its last write, with a DELETED watch event', async () => {
    const seen: WatchEvent[] = [];
    const stop = c.watch(EVENTS, 'default', String(fake.store.currentRevision), (e) => seen.push(e));
    await c.create(EVENTS, 'default', event('short-lived', 1));
    await sleep(HOUR_MS / 4);
    expect(await exists('short-lived')).toBe(true);
    await sleep(HOUR_MS * 3);
    stop();
    expect(await exists('short-lived')).toBe(false);
    expect(seen.map((e) => `${e.type} ${(e.object.metadata as Json).name as string}`)).toEqual([
      'ADDED short-lived',
      'DELETED short-lived',
    ]);
  });

  it('an update renews the lease: the Event lives an hour from its last write', async () => {
    const created = await c.create(EVENTS, 'default', event('renewed', 1));
    await sleep(HOUR_MS * 0.6);
    await c.update(EVENTS, 'default', { ...created, count: 2, message: 'seen 2 times' });
    await sleep(HOUR_MS * 0.6);
    // 1.2 hours after the create, 0.6 after the update.
    expect(await exists('renewed')).toBe(true);
    await sleep(HOUR_MS * 3);
    expect(await exists('renewed')).toBe(false);
  });
});
