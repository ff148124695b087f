// The job controller's rules over what one sync knows (syncJobCtx): which pods count, which
// fail, which to delete, which indexes are pending, when a finalizer may go
// (job_controller.go, indexed_job_utils.go, pod_failure_policy.go). No I/O here.
import { Json } from '../../../json';
import { metaOf } from '../objects';
import { BackoffRecord } from './backoff';
import { Indexes } from './indexes';
import { JobStatus } from './job-status';
import { JobCondition, JobSpecView, onlyReplaceFailedPods } from './job-view';
import { matchPodFailurePolicy } from './pod-failure-policy';
import {
  completionIndex,
  deletionOrder,
  hasTracking,
  indexFailureCount,
  indexIgnoredFailureCount,
  isDeleting,
  isTerminating,
  phaseOf,
} from './pods';

const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

/** What one sync knows (syncJobCtx). */
export interface SyncCtx {
  key: string;
  job: Json;
  spec: JobSpecView;
  status: JobStatus;
  pods: Json[];
  activePods: Json[];
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
  expectedRmFinalizers: ReadonlySet<string>;
  finishedCondition?: JobCondition;
  newBackoff: BackoffRecord;
  prevSucceededIndexes: Indexes;
  succeededIndexes: Indexes;
  failedIndexes?: Indexes;
  podsWithDelayedDeletionPerIndex: Map<number, Json>;
}

/** A Job another controller manages (spec.managedBy) is left alone. */
export const isManagedByOther = (spec: JobSpecView): boolean =>
  spec.managedBy !== undefined && spec.managedBy !== JOB_CONTROLLER_NAME;

/** isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
export function isPodFailed(pod: Json, spec: JobSpecView): boolean {
  if (phaseOf(pod) === 'Failed') return true;
  if (onlyReplaceFailedPods(spec)) return false;
  return isDeleting(pod) && phaseOf(pod) !== 'Succeeded';
}

export function isIndexFailed(spec: JobSpecView, pod: Json): boolean {
  let counted = false;
  if (isPodFailed(pod, spec)) {
    if (spec.podFailurePolicy) {
      const m = matchPodFailurePolicy(spec.podFailurePolicy, pod);
      if (m.action === 'FailIndex') return true;
      counted = m.countFailed;
    } else counted = true;
  }
  return counted && indexFailureCount(pod) >= (spec.backoffLimitPerIndex ?? 0);
}

/** getValidPodsWithFilter: pods still to be counted (finalizer, not uncounted, valid index). */
export function validPods(
  ctx: SyncCtx,
  uncounted: Set<string> | undefined,
  keep: (p: Json) => boolean,
): Json[] {
  return ctx.pods.filter((p) => {
    const uid = String(metaOf(p).uid);
    if (!hasTracking(p) || uncounted?.has(uid) || ctx.expectedRmFinalizers.has(uid)) return false;
    if (ctx.spec.indexed) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= (ctx.spec.completions ?? 0)) return false;
    }
    return keep(p);
  });
}

export function failJobMessage(spec: JobSpecView, pods: Json[]): string | undefined {
  if (!spec.podFailurePolicy) return undefined;
  for (const p of pods)
    if (isPodFailed(p, spec)) {
      const m = matchPodFailurePolicy(spec.podFailurePolicy, p);
      if (m.failJobMessage !== undefined) return m.failJobMessage;
    }
  return undefined;
}

/** restartPolicy OnFailure: container restarts of pending and running pods count against the limit. */
export function pastBackoffLimitOnFailure(spec: JobSpecView, pods: Json[]): boolean {
  if (spec.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods)
    if (phaseOf(p) === 'Running' || phaseOf(p) === 'Pending')
      for (const key of ['initContainerStatuses', 'containerStatuses'])
        for (const s of ((p.status as Json | undefined)?.[key] as Json[] | undefined) ?? [])
          restarts += typeof s.restartCount === 'number' ? s.restartCount : 0;
  return spec.backoffLimit === 0 ? restarts > 0 : restarts >= spec.backoffLimit;
}

export function podsWithDelayedDeletionPerIndex(
  ctx: SyncCtx,
  finishOf: (p: Json) => number,
): Map<number, Json> {
  const activeIndexes = new Set(ctx.activePods.map(completionIndex).filter((i) => i >= 0));
  const out = new Map<number, Json>();
  const absolute = (p: Json): number => indexFailureCount(p) + indexIgnoredFailureCount(p);
  for (const p of validPods(ctx, undefined, (x) => isPodFailed(x, ctx.spec))) {
    const ix = completionIndex(p);
    if (ctx.succeededIndexes.has(ix) || ctx.failedIndexes?.has(ix) || activeIndexes.has(ix)) continue;
    const last = out.get(ix);
    if (!last || (absolute(last) <= absolute(p) && finishOf(p) >= finishOf(last))) out.set(ix, p);
  }
  return out;
}

export function newIndexFailureCounts(
  spec: JobSpecView,
  replaced: Json | undefined,
): { failed: number; ignored: number } {
  if (!replaced) return { failed: 0, ignored: 0 };
  let failed = indexFailureCount(replaced);
  let ignored = indexIgnoredFailureCount(replaced);
  if (spec.podFailurePolicy && !matchPodFailurePolicy(spec.podFailurePolicy, replaced).countFailed) ignored++;
  else failed++;
  return { failed, ignored };
}

export function firstPendingIndexes(ctx: SyncCtx, count: number): number[] {
  if (count === 0) return [];
  let nonPending = ctx.succeededIndexes.with(ctx.activePods.map(completionIndex).filter((i) => i >= 0));
  if (onlyReplaceFailedPods(ctx.spec))
    nonPending = nonPending.with(
      ctx.pods
        .filter(isTerminating)
        .map(completionIndex)
        .filter((i) => i >= 0),
    );
  if (ctx.failedIndexes) nonPending = nonPending.merge(ctx.failedIndexes);
  return nonPending.firstMissing(count, ctx.spec.completions ?? 0);
}

/** activePodsForRemoval: for Indexed Jobs duplicates and out-of-range indexes first, then by deletion order. */
export function activePodsForRemoval(ctx: SyncCtx, rmAtLeast: number): Json[] {
  let rm: Json[] = [];
  let left: Json[] = ctx.activePods;
  if (ctx.spec.indexed) {
    rm = [];
    left = [];
    const completions = ctx.spec.completions ?? 0;
    const byIndex = new Map<number, Json[]>();
    for (const p of ctx.activePods) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= completions) rm.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
      const same = [...(byIndex.get(ix) ?? [])].sort(deletionOrder);
      rm.push(...same.slice(0, -1));
      left.push(same[same.length - 1]);
    }
  }
  if (rm.length < rmAtLeast) rm.push(...[...left].sort(deletionOrder).slice(0, rmAtLeast - rm.length));
  return rm;
}

export function canRemoveFinalizer(ctx: SyncCtx, pod: Json, failed: boolean): boolean {
  if (metaOf(ctx.job).deletionTimestamp || ctx.finishedCondition || phaseOf(pod) === 'Succeeded') return true;
  if (!failed) return false;
  if (ctx.spec.backoffLimitPerIndex !== undefined) {
    const ix = completionIndex(pod);
    if (ix >= 0 && metaOf(ctx.podsWithDelayedDeletionPerIndex.get(ix) ?? {}).uid === metaOf(pod).uid)
      return false;
  }
  return true;
}

/** cleanUncountedPodsWithoutFinalizers: uids whose finalizer is gone move into the counters. */
export function cleanUncounted(status: JobStatus, withFinalizer: Set<string>): boolean {
  let changed = false;
  const keepS = status.uncounted.succeeded.filter((u) => withFinalizer.has(u));
  if (keepS.length !== status.uncounted.succeeded.length) {
    status.succeeded += status.uncounted.succeeded.length - keepS.length;
    status.uncounted.succeeded = keepS;
    changed = true;
  }
  const keepF = status.uncounted.failed.filter((u) => withFinalizer.has(u));
  if (keepF.length !== status.uncounted.failed.length) {
    status.failed += status.uncounted.failed.length - keepF.length;
    status.uncounted.failed = keepF;
    changed = true;
  }
  return changed;
}
