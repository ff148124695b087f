// backoff_utils.go: per Job, the failures since the last success and when the last one
// happened; a replacement pod waits 10 s doubled per consecutive failure, capped.
import { Json } from '../../../json';
import { finishedTime } from './pods';

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
// job_controller.go MaxJobPodFailureBackOff is 10 minutes (the docs still say six).
export const MAX_POD_FAILURE_BACKOFF_MS = 600_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** The record after this sync's newly finished pods; `finish` gives a pod's finish instant. */
export function nextBackoffRecord(
  old: BackoffRecord | undefined,
  newSucceeded: Json[],
  newFailed: Json[],
  finish: (pod: Json) => number = finishedTime,
): BackoffRecord {
  const rec: BackoffRecord = old ? { ...old } : { failuresAfterLastSuccess: 0 };
  const failedTimes = newFailed.map(finish).sort((a, b) => a - b);
  if (!newSucceeded.length) {
    if (!failedTimes.length) return rec;
    return {
      failuresAfterLastSuccess: rec.failuresAfterLastSuccess + failedTimes.length,
      lastFailureTime: failedTimes[failedTimes.length - 1],
    };
  }
  const lastSuccess = Math.max(...newSucceeded.map(finish));
  const out: BackoffRecord = { failuresAfterLastSuccess: 0 };
  for (let i = failedTimes.length - 1; i >= 0 && failedTimes[i] > lastSuccess; i--) {
    out.lastFailureTime ??= failedTimes[i];
    out.failuresAfterLastSuccess++;
  }
  return out;
}

/** Simulated milliseconds still to wait, given simulated milliseconds since the last failure. */
export function remainingBackoff(failures: number, elapsedSinceLastFailure: number): number {
  if (failures === 0) return 0;
  let d = DEFAULT_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < failures; i++) {
    d *= 2;
    if (d >= MAX_POD_FAILURE_BACKOFF_MS) {
      d = MAX_POD_FAILURE_BACKOFF_MS;
      break;
    }
  }
  return d < elapsedSinceLastFailure ? 0 : d - elapsedSinceLastFailure;
}
