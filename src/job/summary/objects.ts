// Read-only views of the Job, Pod and Event objects the summary is computed from. The
// apiserver's JSON is read field by field with its type checked, so an odd or missing
// field reads as absent instead of failing the request.
import { isObject, Json, str } from '../../k8s/json';

const obj = (v: unknown): Json => (isObject(v) ? v : {});
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;
const opt = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface ConditionView {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}

export interface JobView {
  name: string;
  namespace: string;
  uid: string;
  suspend: boolean;
  /** null: no fixed count, the Job is done when any pod succeeds. */
  completions: number | null;
  parallelism: number;
  conditions: ConditionView[];
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  terminating: number;
  startTime?: string;
  completionTime?: string;
}

export interface TerminatedView {
  exitCode?: number;
  signal?: number;
  reason: string;
  message: string;
  finishedAt?: string;
}

export interface ContainerStateView {
  waiting?: { reason: string; message: string };
  running?: { startedAt?: string };
  terminated?: TerminatedView;
}

export interface ContainerView {
  name: string;
  init: boolean;
  state: ContainerStateView;
  lastState: ContainerStateView;
  restartCount: number;
  ready: boolean;
}

export interface PodView {
  name: string;
  uid: string;
  phase: string;
  reason: string;
  message: string;
  node: string;
  created?: string;
  startTime?: string;
  deleting: boolean;
  completionIndex?: string;
  conditions: ConditionView[];
  /** Statuses of init containers first, then of the containers, as the kubelet reports them. */
  containers: ContainerView[];
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  kind: string;
  name: string;
  uid: string;
  count: number;
  source: string;
  /** When it last happened, as the ordering reads it (see eventTime). */
  time?: string;
}

function conditions(v: unknown): ConditionView[] {
  return list(v).map((c) => ({
    type: str(c.type),
    status: str(c.status),
    reason: str(c.reason),
    message: str(c.message),
    lastTransitionTime: opt(c.lastTransitionTime),
  }));
}

export function readJob(job: unknown): JobView {
  const j = obj(job);
  const meta = obj(j.metadata);
  const spec = obj(j.spec);
  const status = obj(j.status);
  // Pods the controller saw finish but has not added to the counts yet (it does so in a later
  // status write); a console counts them now, so a Failed Job never shows "0 failed".
  const uncounted = obj(status.uncountedTerminatedPods);
  const pending = (key: string): number => (Array.isArray(uncounted[key]) ? uncounted[key].length : 0);
  return {
    name: str(meta.name),
    namespace: str(meta.namespace),
    uid: str(meta.uid),
    suspend: spec.suspend === true,
    completions: int(spec.completions) ?? null,
    parallelism: int(spec.parallelism) ?? 1,
    conditions: conditions(status.conditions),
    active: int(status.active) ?? 0,
    ready: int(status.ready) ?? 0,
    succeeded: (int(status.succeeded) ?? 0) + pending('succeeded'),
    failed: (int(status.failed) ?? 0) + pending('failed'),
    terminating: int(status.terminating) ?? 0,
    startTime: opt(status.startTime),
    completionTime: opt(status.completionTime),
  };
}

function state(v: unknown): ContainerStateView {
  const s = obj(v);
  const out: ContainerStateView = {};
  if (isObject(s.waiting)) out.waiting = { reason: str(s.waiting.reason), message: str(s.waiting.message) };
  if (isObject(s.running)) out.running = { startedAt: opt(s.running.startedAt) };
  if (isObject(s.terminated))
    out.terminated = {
      exitCode: int(s.terminated.exitCode),
      signal: int(s.terminated.signal),
      reason: str(s.terminated.reason),
      message: str(s.terminated.message),
      finishedAt: opt(s.terminated.finishedAt),
    };
  return out;
}

const container =
  (init: boolean) =>
  (c: Json): ContainerView => ({
    name: str(c.name),
    init,
    state: state(c.state),
    lastState: state(c.lastState),
    restartCount: int(c.restartCount) ?? 0,
    ready: c.ready === true,
  });

export function readPod(pod: unknown): PodView {
  const p = obj(pod);
  const meta = obj(p.metadata);
  const spec = obj(p.spec);
  const status = obj(p.status);
  const annotations = obj(meta.annotations);
  return {
    name: str(meta.name),
    uid: str(meta.uid),
    phase: str(status.phase) || 'Pending',
    reason: str(status.reason),
    message: str(status.message),
    node: str(spec.nodeName),
    created: opt(meta.creationTimestamp),
    startTime: opt(status.startTime),
    deleting: opt(meta.deletionTimestamp) !== undefined,
    completionIndex: opt(annotations['batch.kubernetes.io/job-completion-index']),
    conditions: conditions(status.conditions),
    containers: [
      ...list(status.initContainerStatuses).map(container(true)),
      ...list(status.containerStatuses).map(container(false)),
    ],
  };
}

/**
 * When an event last happened: lastTimestamp (core/v1 events from a recorder), else the
 * series' last observation or eventTime (events.k8s.io events), else firstTimestamp, else
 * when the object was stored.
 */
export function eventTime(event: unknown): string | undefined {
  const e = obj(event);
  return (
    opt(e.lastTimestamp) ??
    opt(obj(e.series).lastObservedTime) ??
    opt(e.eventTime) ??
    opt(e.firstTimestamp) ??
    opt(obj(e.metadata).creationTimestamp)
  );
}

export function readEvent(event: unknown): EventView {
  const e = obj(event);
  const involved = obj(e.involvedObject);
  const source = obj(e.source);
  return {
    type: str(e.type),
    reason: str(e.reason),
    message: str(e.message),
    kind: str(involved.kind),
    name: str(involved.name),
    uid: str(involved.uid),
    count: int(obj(e.series).count) ?? int(e.count) ?? 1,
    source: str(e.reportingComponent) || str(source.component) || str(e.reportingController),
    time: eventTime(e),
  };
}

/** Milliseconds since the epoch, or undefined for a missing or unreadable time. */
export function millis(time: string | undefined): number | undefined {
  if (time === undefined) return undefined;
  const t = Date.parse(time);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * When an event was first made, to the nanosecond, from its name: client-go's recorders name
 * an event `<object>.<UnixNano in hex>`. Only used between events of the same second.
 */
function madeAt(event: unknown): bigint | undefined {
  const m = /\.([0-9a-f]{16})$/.exec(str(obj(obj(event).metadata).name));
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/**
 * Events oldest first. Events without a readable time go first, as the oldest could be.
 * Times are compared to the second, the precision of lastTimestamp; within a second the
 * recorder's name says which was made first (events named otherwise come after those),
 * then the finer time, then the order given.
 */
export function oldestFirst<T>(events: T[]): T[] {
  const keyed = events.map((e, i) => {
    const t = millis(eventTime(e)) ?? -Infinity;
    return { e, i, t, second: Math.floor(t / 1000), made: madeAt(e) };
  });
  keyed.sort((a, b) => {
    if (a.second !== b.second) return a.second - b.second;
    if (a.made !== b.made) {
      if (a.made === undefined) return 1;
      if (b.made === undefined) return -1;
      return a.made < b.made ? -1 : 1;
    }
    return a.t - b.t || a.i - b.i;
  });
  return keyed.map((k) => k.e);
}
