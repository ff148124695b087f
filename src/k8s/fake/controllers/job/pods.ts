// How the job controller reads a pod (pkg/controller/controller_utils.go, pkg/api/v1/pod,
// the job controller's own helpers): phases, readiness, terminating, finish time, index.
import { Json, str } from '../../../json';
import { asArray, field, hasFinalizer, metaOf } from '../objects';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

export const phaseOf = (pod: Json): string => str(field(pod, 'status', 'phase'));
export const isTerminal = (pod: Json): boolean => ['Succeeded', 'Failed'].includes(phaseOf(pod));
export const isDeleting = (pod: Json): boolean => metaOf(pod).deletionTimestamp !== undefined;
/** controller.FilterActivePods: not terminal and not being deleted. */
export const isActive = (pod: Json): boolean => !isTerminal(pod) && !isDeleting(pod);
/** controller.FilterTerminatingPods. */
export const isTerminating = (pod: Json): boolean => !isTerminal(pod) && isDeleting(pod);
export const hasTracking = (pod: Json): boolean => hasFinalizer(pod, JOB_TRACKING_FINALIZER);

export const conditionOf = (pod: Json, type: string): Json | undefined =>
  asArray(field(pod, 'status', 'conditions')).find((c) => c.type === type);

export const isReady = (pod: Json): boolean => conditionOf(pod, 'Ready')?.status === 'True';

export const containerStatuses = (pod: Json): Json[] => asArray(field(pod, 'status', 'containerStatuses'));
export const initContainerStatuses = (pod: Json): Json[] =>
  asArray(field(pod, 'status', 'initContainerStatuses'));

/** The completion index annotation, or -1 when missing or not a non-negative integer. */
export function completionIndex(pod: Json): number {
  const v = metaOf(pod).annotations?.[COMPLETION_INDEX];
  if (v === undefined || !/^\+?\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

const int32Annotation = (pod: Json, key: string): number => {
  const v = metaOf(pod).annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return 0;
  const n = Number(v);
  return n < 0 || n > 2147483647 ? 0 : n;
};
export const indexFailureCount = (pod: Json): number => int32Annotation(pod, INDEX_FAILURE_COUNT);
export const indexIgnoredFailureCount = (pod: Json): number =>
  int32Annotation(pod, INDEX_IGNORED_FAILURE_COUNT);

/**
 * backoff_utils.go getFinishedTime: the latest container finish when all finished, else the
 * Ready=False transition, else deletionTimestamp minus grace, else creation.
 */
export function finishedTime(pod: Json): number {
  const statuses = containerStatuses(pod);
  let latest: number | undefined;
  let all = statuses.length > 0;
  for (const s of statuses) {
    const at = field(s, 'state', 'terminated', 'finishedAt');
    if (typeof at !== 'string') {
      all = false;
      break;
    }
    const t = Date.parse(at);
    if (latest === undefined || t > latest) latest = t;
  }
  if (all && latest !== undefined) return latest;
  const ready = conditionOf(pod, 'Ready');
  if (ready?.status === 'False' && typeof ready.lastTransitionTime === 'string')
    return Date.parse(ready.lastTransitionTime);
  const m = metaOf(pod);
  if (m.deletionTimestamp)
    return Date.parse(m.deletionTimestamp) - (m.deletionGracePeriodSeconds ?? 0) * 1000;
  return Date.parse(m.creationTimestamp ?? '') || 0;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const restarts = (pod: Json): number =>
  containerStatuses(pod).reduce((n, s) => n + (typeof s.restartCount === 'number' ? s.restartCount : 0), 0);
const readySince = (pod: Json): number => Date.parse(str(conditionOf(pod, 'Ready')?.lastTransitionTime));

/**
 * controller.ActivePods ordering, the pods to delete first: unscheduled before scheduled,
 * pending before running, not ready before ready, ready for less time, more restarts, newer.
 */
export function deletionOrder(a: Json, b: Json): number {
  const nodeA = field(a, 'spec', 'nodeName') ? 1 : 0;
  const nodeB = field(b, 'spec', 'nodeName') ? 1 : 0;
  if (nodeA !== nodeB) return nodeA - nodeB;
  const pa = PHASE_RANK[phaseOf(a)] ?? 1;
  const pb = PHASE_RANK[phaseOf(b)] ?? 1;
  if (pa !== pb) return pa - pb;
  const ra = isReady(a) ? 1 : 0;
  const rb = isReady(b) ? 1 : 0;
  if (ra !== rb) return ra - rb;
  if (ra && rb) {
    const ta = readySince(a);
    const tb = readySince(b);
    if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return tb - ta;
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ca = Date.parse(metaOf(a).creationTimestamp ?? '') || 0;
  const cb = Date.parse(metaOf(b).creationTimestamp ?? '') || 0;
  return cb - ca;
}
