// batch/v1 JobStatus as the controller holds it while syncing, and back to JSON the way Go
// serialises it: Go field order, int32 counters omitted when zero, the pointer fields (ready,
// terminating, failedIndexes, uncountedTerminatedPods) kept when set, even to 0 or "".
import { isObject, Json } from '../../../json';
import { asArray, field } from '../objects';
import { JobCondition } from './job-view';
import { rfc3339 } from '../sim-time';

export interface JobStatus {
  conditions: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active: number;
  succeeded: number;
  failed: number;
  terminating?: number;
  completedIndexes: string;
  failedIndexes?: string;
  uncounted: { succeeded: string[]; failed: string[] };
  ready?: number;
}

const int = (v: unknown): number => (typeof v === 'number' ? v : 0);
const strings = (v: unknown): string[] =>
  asArray<unknown>(v).filter((x): x is string => typeof x === 'string');

export function readStatus(job: Json): JobStatus {
  const s = isObject(job.status) ? job.status : {};
  return {
    conditions: asArray<JobCondition>(s.conditions).map((c) => ({ ...c })),
    startTime: typeof s.startTime === 'string' ? s.startTime : undefined,
    completionTime: typeof s.completionTime === 'string' ? s.completionTime : undefined,
    active: int(s.active),
    succeeded: int(s.succeeded),
    failed: int(s.failed),
    terminating: typeof s.terminating === 'number' ? s.terminating : undefined,
    completedIndexes: typeof s.completedIndexes === 'string' ? s.completedIndexes : '',
    failedIndexes: typeof s.failedIndexes === 'string' ? s.failedIndexes : undefined,
    uncounted: {
      succeeded: strings(field(s, 'uncountedTerminatedPods', 'succeeded')),
      failed: strings(field(s, 'uncountedTerminatedPods', 'failed')),
    },
    ready: typeof s.ready === 'number' ? s.ready : undefined,
  };
}

export function writeStatus(s: JobStatus): Json {
  const out: Json = {};
  if (s.conditions.length) out.conditions = s.conditions;
  if (s.startTime) out.startTime = s.startTime;
  if (s.completionTime) out.completionTime = s.completionTime;
  if (s.active) out.active = s.active;
  if (s.succeeded) out.succeeded = s.succeeded;
  if (s.failed) out.failed = s.failed;
  if (s.terminating !== undefined) out.terminating = s.terminating;
  if (s.completedIndexes) out.completedIndexes = s.completedIndexes;
  if (s.failedIndexes !== undefined) out.failedIndexes = s.failedIndexes;
  const u: Json = {};
  if (s.uncounted.succeeded.length) u.succeeded = s.uncounted.succeeded;
  if (s.uncounted.failed.length) u.failed = s.uncounted.failed;
  out.uncountedTerminatedPods = u;
  if (s.ready !== undefined) out.ready = s.ready;
  return out;
}

export const newCondition = (
  type: string,
  status: string,
  reason: string,
  message: string,
  nowMs: number,
): JobCondition => ({
  type,
  status,
  lastProbeTime: rfc3339(nowMs),
  lastTransitionTime: rfc3339(nowMs),
  reason,
  message,
});

/**
 * ensureJobConditionStatus: replaces a condition of that type when status, reason or message
 * differ; appends a new one unless its status is False. Returns whether anything changed.
 */
export function ensureCondition(
  list: JobCondition[],
  type: string,
  status: string,
  reason: string,
  message: string,
  nowMs: number,
): boolean {
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    list[i] = newCondition(type, status, reason, message, nowMs);
    return true;
  }
  if (status === 'False') return false;
  list.push(newCondition(type, status, reason, message, nowMs));
  return true;
}
