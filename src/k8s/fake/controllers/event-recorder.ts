// Events as the controller-manager's recorder writes them (client-go tools/record): a core/v1
// Event named <object>.<hex nanoseconds>, with the involved object's reference, the source
// component, count 1 and equal first/last timestamps; the same event again for the same object
// bumps count and lastTimestamp of the one already written.
import { EVENTS, FakeClient } from '../client/fake-client';
import { Json } from '../../json';
import { metaOf } from './objects';
import { rfc3339 } from './sim-time';

export type EventType = 'Normal' | 'Warning';

interface Written {
  name: string;
  namespace: string;
  count: number;
}

const EVENTS_V1 = { group: 'events.k8s.io', version: 'v1', resource: 'events' };

// The correlator's cache is bounded in client-go too (an LRU of 4096 entries).
const CACHE_LIMIT = 4096;

export class EventRecorder {
  private readonly written = new Map<string, Written>();
  // Writes go one after another, so a repeated event finds the one written before it.
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: FakeClient,
    private readonly component: string,
    private readonly log: (msg: string) => void,
  ) {}

  /** Records an event for `obj`; failures are logged, never thrown, as the broadcaster does. */
  event(obj: Json, type: EventType, reason: string, message: string): void {
    this.chain = this.chain
      .then(() => this.write(obj, type, reason, message))
      .catch((e: unknown) =>
        this.log(
          `event ${reason} for ${String(metaOf(obj).name)}: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
  }

  /** Resolves once the events recorded so far are written (or failed). */
  flush(): Promise<void> {
    return this.chain;
  }

  private async write(obj: Json, type: EventType, reason: string, message: string): Promise<void> {
    const m = metaOf(obj);
    const involvedObject: Json = {
      kind: obj.kind,
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: obj.apiVersion,
      resourceVersion: m.resourceVersion,
    };
    const namespace = m.namespace || 'default';
    const now = Date.now();
    const key = [this.component, obj.kind, namespace, m.name, m.uid, type, reason, message].join('\u0000');
    const seen = this.written.get(key);
    if (seen) {
      seen.count++;
      try {
        await this.client.patch(EVENTS, seen.namespace, seen.name, 'merge', {
          count: seen.count,
          lastTimestamp: rfc3339(now),
        });
        return;
      } catch {
        // The event is gone (deleted with its namespace, or expired): write a new one.
        this.written.delete(key);
      }
    }
    const name = `${m.name}.${unixNanos().toString(16)}`;
    await this.client.create(EVENTS, namespace, {
      kind: 'Event',
      apiVersion: 'v1',
      metadata: { name, namespace },
      involvedObject,
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: '',
    });
    if (this.written.size >= CACHE_LIMIT) this.written.delete(this.written.keys().next().value as string);
    this.written.set(key, { name, namespace, count: 1 });
  }
}

// Unix nanoseconds from one monotonic clock for every recorder, as client-go names events from
// time.Now(): an event made after another always gets the larger name, even in one millisecond.
const EPOCH_NANOS = BigInt(Date.now()) * 1000000n - process.hrtime.bigint();
let lastNanos = 0n;
function unixNanos(): bigint {
  let n = EPOCH_NANOS + process.hrtime.bigint();
  if (n <= lastNanos) n = lastNanos + 1n;
  lastNanos = n;
  return n;
}

/** MicroTime: RFC 3339 with microseconds, as eventTime is written. */
const microTime = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

/**
 * An event of the newer events.k8s.io/v1 API, the one kube-scheduler records with
 * (client-go tools/events): eventTime, reportingController/Instance and an action, no count,
 * no legacy timestamps; named <object>.<hex nanoseconds> as well.
 */
export async function recordEventV1(
  client: FakeClient,
  regarding: Json,
  e: { type: EventType; reason: string; action: string; note: string; controller: string; instance: string },
): Promise<void> {
  const m = metaOf(regarding);
  const now = Date.now();
  const nanos = unixNanos();
  const namespace = m.namespace || 'default';
  await client.create(EVENTS_V1, namespace, {
    kind: 'Event',
    apiVersion: 'events.k8s.io/v1',
    metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace },
    eventTime: microTime(now),
    reportingController: e.controller,
    reportingInstance: e.instance,
    action: e.action,
    reason: e.reason,
    regarding: {
      kind: regarding.kind,
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: regarding.apiVersion,
      resourceVersion: m.resourceVersion,
    },
    note: e.note,
    type: e.type,
  });
}
