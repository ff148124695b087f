// Events expire as kube-apiserver's --event-ttl makes them (one hour by default): etcd keeps
// each Event under a lease renewed by every write, and when it runs out the Event is gone,
// with a DELETED watch event. Here an Event is deleted through the client an hour of
// simulated time after its last write, if nothing wrote it since.
import { StatusError } from '../../status';
import { Json, str } from '../../json';
import { EVENTS, FakeClient } from '../client/fake-client';
import { SharedInformers } from './informer';
import { metaOf } from './objects';
import { SimTime } from './sim-time';

export const EVENT_TTL_MS = 60 * 60 * 1000;

interface Lease {
  namespace: string;
  name: string;
  resourceVersion: string;
  expiresAt: number;
}

export function startEventTtl(
  client: FakeClient,
  informers: SharedInformers,
  time: SimTime,
  log: (msg: string) => void = () => undefined,
): { stop(): Promise<void> } {
  // Every lease has the same length, so they run out in the order they were taken: a FIFO
  // with one timer for its head is enough, however many Events there are.
  const leases: Lease[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running = Promise.resolve();

  const arm = (): void => {
    if (stopped || timer || head >= leases.length) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        running = running.then(expire);
      },
      Math.max(1, leases[head].expiresAt - Date.now()),
    );
    timer.unref();
  };

  const expire = async (): Promise<void> => {
    const now = Date.now();
    while (!stopped && head < leases.length && leases[head].expiresAt <= now) {
      const l = leases[head++];
      // A write since renewed the lease: a later entry stands for it.
      const cur = events.get(l.namespace, l.name);
      if (!cur || str(metaOf(cur).resourceVersion) !== l.resourceVersion) continue;
      await client
        .delete(EVENTS, l.namespace, l.name, { preconditions: { resourceVersion: l.resourceVersion } })
        .catch((e: unknown) => {
          // Gone already, or written again in between (its new lease is queued).
          if (!(e instanceof StatusError && (e.code === 404 || e.code === 409)))
            log(`event ttl: ${l.namespace}/${l.name}: ${e instanceof Error ? e.message : String(e)}`);
        });
    }
    if (head > 1024 && head * 2 > leases.length) {
      leases.splice(0, head);
      head = 0;
    }
    arm();
  };

  const lease = (obj: Json): void => {
    const m = metaOf(obj);
    leases.push({
      namespace: str(m.namespace),
      name: str(m.name),
      resourceVersion: str(m.resourceVersion),
      expiresAt: Date.now() + time.real(EVENT_TTL_MS),
    });
    arm();
  };

  const events = informers.for(EVENTS);
  events.addHandler({ add: lease, update: (_old, cur) => lease(cur) });
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
