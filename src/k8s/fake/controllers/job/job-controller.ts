// The job controller (pkg/controller/job/job_controller.go, Kubernetes 1.36 with every Job
// feature gate on): Jobs and Pods arrive through shared informers, keys go through a
// de-duplicating work queue, and syncJob reads the cached state, creates or deletes pods and
// writes the Job's status through the in-process client, as the real one does through the API.
import { copyJson } from '../../copy';
import { FakeClient, JOBS, PODS } from '../../client/fake-client';
import { Json } from '../../../json';
import { StatusError } from '../../../status';
import { EventRecorder } from '../event-recorder';
import { Expectations, UidExpectations } from '../expectations';
import { Informer } from '../informer';
import { controllerRefOf, metaOf, objectKey, splitKey } from '../objects';
import { PreciseInstants, rfc3339, SimTime } from '../sim-time';
import { WorkQueue } from '../work-queue';
import { BackoffRecord, nextBackoffRecord, remainingBackoff } from './backoff';
import { Indexes } from './indexes';
import { podForJob } from './job-pod-template';
import { ensureCondition, JobStatus, newCondition, readStatus, writeStatus } from './job-status';
import { findCondition, isJobFinished, JobSpecView, onlyReplaceFailedPods, specOf } from './job-view';
import { matchPodFailurePolicy } from './pod-failure-policy';
import {
  completionIndex,
  finishedTime,
  hasTracking,
  indexFailureCount,
  indexIgnoredFailureCount,
  isActive,
  isDeleting,
  isReady,
  isTerminal,
  isTerminating,
  JOB_TRACKING_FINALIZER,
  phaseOf,
} from './pods';
import { PodClaims } from './pod-claims';
import { matchSuccessPolicy } from './success-policy';
import {
  activePodsForRemoval,
  canRemoveFinalizer,
  cleanUncounted,
  failJobMessage,
  firstPendingIndexes,
  isIndexFailed,
  isManagedByOther,
  isPodFailed,
  newIndexFailureCounts,
  pastBackoffLimitOnFailure,
  podsWithDelayedDeletionPerIndex,
  SyncCtx,
  validPods,
} from './sync-rules';

const FIELD_MANAGER = 'kube-controller-manager';
// syncJobBatchPeriod: pod events and status-only Job updates are batched for a second.
const SYNC_BATCH_MS = 1000;
const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const MAX_UNCOUNTED_PODS = 500;
const SLOW_START_INITIAL_BATCH = 1;

export interface JobControllerDeps {
  client: FakeClient;
  jobs: Informer;
  pods: Informer;
  time: SimTime;
  recorder: EventRecorder;
  log: (msg: string) => void;
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(errText(e)));
const isNotFound = (e: unknown): boolean => e instanceof StatusError && e.code === 404;

export class JobController {
  readonly queue: WorkQueue;
  private readonly orphanQueue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly finalizerExpectations = new UidExpectations();
  private readonly backoff = new Map<string, BackoffRecord>();
  // Exact instants behind second-precision stamps: Job start times and pod finish times.
  private readonly instants = new PreciseInstants();
  private readonly claims: PodClaims;

  constructor(private readonly d: JobControllerDeps) {
    this.claims = new PodClaims({
      client: d.client,
      jobs: d.jobs,
      pods: d.pods,
      fieldManager: FIELD_MANAGER,
    });
    const retry = { retryBaseMs: d.time.real(1000), retryMaxMs: d.time.real(60_000) };
    this.queue = new WorkQueue((k) => this.syncJob(k), {
      workers: 5,
      ...retry,
      onError: (k, e) => d.log(`syncing job ${k}: ${errText(e)}`),
    });
    this.orphanQueue = new WorkQueue((k) => this.syncOrphanPod(k), {
      workers: 1,
      ...retry,
      onError: (k, e) => d.log(`syncing orphan pod ${k}: ${errText(e)}`),
    });
    d.jobs.addHandler({
      add: (j) => this.queue.add(objectKey(j)),
      update: (o, c) => this.updateJob(o, c),
      delete: (j) => this.deleteJob(j),
    });
    d.pods.addHandler({
      add: (p) => this.addPod(p),
      update: (o, c) => this.updatePod(o, c),
      delete: (p) => this.deletePod(p, true),
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.queue.stop(), this.orphanQueue.stop()]);
  }

  // ---- event handlers -------------------------------------------------------------------

  private enqueueBatched(job: Json): void {
    this.queue.add(objectKey(job), this.d.time.real(SYNC_BATCH_MS));
  }

  private jobOfPod(pod: Json): Json | undefined {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return undefined;
    const job = this.d.jobs.get(String(metaOf(pod).namespace), ref.name);
    return job && metaOf(job).uid === ref.uid ? job : undefined;
  }

  private noteFinish(pod: Json): void {
    if (isTerminal(pod) || isDeleting(pod)) {
      // Seen within the second it was stamped: now is closer to the real instant than the stamp.
      const stamped = finishedTime(pod);
      const now = Date.now();
      this.instants.note(String(metaOf(pod).uid), String(stamped), now - stamped < 1500 ? now : stamped);
    }
  }

  /** A pod's finish instant, exact when this controller saw it finish. */
  private finishOf = (pod: Json): number =>
    this.instants.get(String(metaOf(pod).uid), String(finishedTime(pod)));

  private addPod(pod: Json): void {
    this.noteFinish(pod);
    if (isDeleting(pod)) {
      this.deletePod(pod, false);
      return;
    }
    if (!controllerRefOf(pod)) {
      if (hasTracking(pod)) this.orphanQueue.add(objectKey(pod));
      // An orphan: the Jobs that would adopt it take a look.
      for (const j of this.claims.jobsSelecting(pod)) this.enqueueBatched(j);
      return;
    }
    const job = this.jobOfPod(pod);
    if (!job) return;
    this.expectations.creationObserved(objectKey(job));
    this.enqueueBatched(job);
  }

  private updatePod(old: Json, cur: Json): void {
    if (metaOf(old).resourceVersion === metaOf(cur).resourceVersion) return;
    this.noteFinish(cur);
    if (isDeleting(cur)) {
      this.deletePod(cur, false);
      return;
    }
    const job = this.jobOfPod(cur);
    if (!job) {
      if (!controllerRefOf(cur)) {
        if (hasTracking(cur)) this.orphanQueue.add(objectKey(cur));
        for (const j of this.claims.jobsSelecting(cur)) this.enqueueBatched(j);
      }
      const oldJob = this.jobOfPod(old);
      if (oldJob) this.enqueueBatched(oldJob);
      return;
    }
    if (!hasTracking(cur)) this.finalizerExpectations.observed(objectKey(job), String(metaOf(cur).uid));
    this.enqueueBatched(job);
  }

  private deletePod(pod: Json, final: boolean): void {
    if (final) this.instants.forget(String(metaOf(pod).uid));
    const ref = controllerRefOf(pod);
    if (!ref) {
      if (hasTracking(pod) && !final) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const job = this.jobOfPod(pod);
    if (!job || isJobFinished(job)) {
      if (hasTracking(pod) && !final) this.orphanQueue.add(objectKey(pod));
      return;
    }
    const key = objectKey(job);
    this.expectations.deletionObserved(key);
    if (final || !hasTracking(pod)) this.finalizerExpectations.observed(key, String(metaOf(pod).uid));
    this.enqueueBatched(job);
  }

  private updateJob(old: Json, cur: Json): void {
    const key = objectKey(cur);
    if (metaOf(old).generation === metaOf(cur).generation)
      this.queue.add(key, this.d.time.real(SYNC_BATCH_MS));
    else this.queue.add(key);
    if (isJobFinished(cur)) this.cleanupPodFinalizers(cur);
    const start = (cur.status as Json | undefined)?.startTime;
    const ads = specOf(cur).activeDeadlineSeconds;
    if (typeof start === 'string' && ads !== undefined && specOf(old).activeDeadlineSeconds !== ads) {
      const passed = this.d.time.since(this.instants.get(`${String(metaOf(cur).uid)}:start`, start));
      this.queue.add(key, this.d.time.real(ads * 1000 - passed));
    }
  }

  private deleteJob(job: Json): void {
    this.instants.forget(`${String(metaOf(job).uid)}:start`);
    this.queue.add(objectKey(job));
    this.cleanupPodFinalizers(job);
  }

  /** Pods of a finished or deleted Job that still hold the tracking finalizer go to the orphan queue. */
  private cleanupPodFinalizers(job: Json): void {
    for (const p of this.claims.controlledBy(String(metaOf(job).uid)))
      if (hasTracking(p)) this.orphanQueue.add(objectKey(p));
  }

  // ---- orphan pods ----------------------------------------------------------------------

  private async syncOrphanPod(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const pod = this.d.pods.get(namespace, name);
    if (!pod) return;
    const ref = controllerRefOf(pod);
    if (ref) {
      if (ref.kind !== 'Job' || ref.apiVersion !== 'batch/v1') return;
      const job = this.jobOfPod(pod);
      if (job && isManagedByOther(specOf(job))) return;
      if (job && !isJobFinished(job)) return;
    }
    await this.removeTrackingFinalizer(pod);
  }

  private async removeTrackingFinalizer(pod: Json): Promise<void> {
    if (!hasTracking(pod)) return;
    const m = metaOf(pod);
    try {
      const out = await this.d.client.patch(
        PODS,
        String(m.namespace),
        String(m.name),
        'strategic',
        { metadata: { [`$deleteFromPrimitiveList/finalizers`]: [JOB_TRACKING_FINALIZER] } },
        { fieldManager: FIELD_MANAGER },
      );
      this.d.pods.observe(out);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  // ---- syncJob --------------------------------------------------------------------------

  private async syncJob(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const shared = this.d.jobs.get(namespace, name);
    if (!shared) {
      this.expectations.delete(key);
      this.finalizerExpectations.delete(key);
      this.backoff.delete(key);
      return;
    }
    const spec = specOf(shared);
    if (isManagedByOther(spec)) return;
    if (isJobFinished(shared)) {
      this.backoff.delete(key);
      return;
    }
    const job = copyJson(shared);
    const status = readStatus(job);
    const satisfied = this.expectations.satisfied(key);
    const uid = String(metaOf(job).uid);
    const pods = await this.claims.podsForJob(job);
    const activePods = pods.filter(isActive);
    const ctx: SyncCtx = {
      key,
      job,
      spec,
      status,
      pods,
      activePods,
      ready: activePods.filter(isReady).length,
      terminating: pods.filter(isTerminating).length,
      succeeded: 0,
      failed: 0,
      uncountedSucceeded: new Set(status.uncounted.succeeded),
      uncountedFailed: new Set(status.uncounted.failed),
      expectedRmFinalizers: this.finalizerExpectations.get(key),
      newBackoff: { failuresAfterLastSuccess: 0 },
      prevSucceededIndexes: Indexes.empty(),
      succeededIndexes: Indexes.empty(),
      podsWithDelayedDeletionPerIndex: new Map(),
    };
    let active = activePods.length;
    const newSucceeded = validPods(ctx, ctx.uncountedSucceeded, (p) => phaseOf(p) === 'Succeeded');
    const newFailed = validPods(ctx, ctx.uncountedFailed, (p) => isPodFailed(p, spec));
    const nonIgnored = spec.podFailurePolicy
      ? newFailed.filter((p) => matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed).length
      : newFailed.length;
    ctx.succeeded = status.succeeded + newSucceeded.length + ctx.uncountedSucceeded.size;
    ctx.failed = status.failed + nonIgnored + ctx.uncountedFailed.size;

    const now = Date.now();
    if (!status.startTime && !spec.suspended) {
      status.startTime = rfc3339(now);
      this.instants.note(`${uid}:start`, status.startTime, now);
    }
    ctx.newBackoff = nextBackoffRecord(this.backoff.get(key), newSucceeded, newFailed, this.finishOf);

    const scm = findCondition(status.conditions, 'SuccessCriteriaMet');
    if (scm?.status === 'True') ctx.finishedCondition = scm;
    if (!ctx.finishedCondition) {
      const target = findCondition(status.conditions, 'FailureTarget');
      if (target?.status === 'True')
        ctx.finishedCondition = newCondition(
          'Failed',
          'True',
          target.reason ?? '',
          target.message ?? '',
          now,
        );
      else {
        const msg = failJobMessage(spec, pods);
        if (msg !== undefined)
          ctx.finishedCondition = newCondition('FailureTarget', 'True', 'PodFailurePolicy', msg, now);
      }
    }
    if (!ctx.finishedCondition) {
      if (ctx.failed > spec.backoffLimit || pastBackoffLimitOnFailure(spec, pods)) {
        ctx.finishedCondition = newCondition(
          'FailureTarget',
          'True',
          'BackoffLimitExceeded',
          'Job has reached the specified backoff limit',
          now,
        );
      } else if (this.pastActiveDeadline(job, spec, status)) {
        ctx.finishedCondition = newCondition(
          'FailureTarget',
          'True',
          'DeadlineExceeded',
          'Job was active longer than specified deadline',
          now,
        );
      } else if (spec.activeDeadlineSeconds !== undefined && !spec.suspended && status.startTime) {
        const left = spec.activeDeadlineSeconds * 1000 - this.d.time.since(this.startOf(job, status));
        this.queue.add(key, Math.max(1, this.d.time.real(left)));
      }
    }

    if (spec.indexed) {
      const completions = spec.completions ?? 0;
      ctx.prevSucceededIndexes = Indexes.parse(status.completedIndexes, completions);
      ctx.succeededIndexes = ctx.prevSucceededIndexes.with(
        pods
          .filter((p) => phaseOf(p) === 'Succeeded' && hasTracking(p))
          .map(completionIndex)
          .filter((ix) => ix >= 0 && ix < completions),
      );
      ctx.succeeded = ctx.succeededIndexes.total();
      if (spec.backoffLimitPerIndex !== undefined) {
        const prevFailed =
          status.failedIndexes !== undefined
            ? Indexes.parse(status.failedIndexes, completions)
            : Indexes.empty();
        ctx.failedIndexes = prevFailed.with(
          pods
            .filter((p) => {
              const ix = completionIndex(p);
              return ix >= 0 && ix < completions && hasTracking(p) && isIndexFailed(spec, p);
            })
            .map(completionIndex),
        );
        if (!ctx.finishedCondition) {
          if (spec.maxFailedIndexes !== undefined && ctx.failedIndexes.total() > spec.maxFailedIndexes)
            ctx.finishedCondition = newCondition(
              'FailureTarget',
              'True',
              'MaxFailedIndexesExceeded',
              'Job has exceeded the specified maximal number of failed indexes',
              now,
            );
          else if (
            ctx.failedIndexes.total() > 0 &&
            ctx.failedIndexes.total() + ctx.succeededIndexes.total() >= completions
          )
            ctx.finishedCondition = newCondition(
              'FailureTarget',
              'True',
              'FailedIndexes',
              'Job has failed indexes',
              now,
            );
        }
        ctx.podsWithDelayedDeletionPerIndex = podsWithDelayedDeletionPerIndex(ctx, this.finishOf);
      }
      if (!ctx.finishedCondition) {
        const msg = matchSuccessPolicy(spec.successPolicy, completions, ctx.succeededIndexes);
        if (msg !== undefined)
          ctx.finishedCondition = newCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', msg, now);
      }
    }

    let suspendCondChanged = false;
    let manageErr: unknown;
    if (ctx.finishedCondition) {
      const { deleted, deletedReady, err } = await this.deleteActivePods(job, activePods);
      if (deleted !== active || !satisfied) ctx.finishedCondition = undefined;
      active -= deleted;
      ctx.terminating += deleted;
      ctx.ready -= deletedReady;
      manageErr = err;
    } else {
      let manageCalled = false;
      if (satisfied && !metaOf(job).deletionTimestamp) {
        const r = await this.manageJob(ctx, active);
        active = r.active;
        manageErr = r.err;
        manageCalled = true;
      }
      const complete =
        spec.completions === undefined
          ? ctx.succeeded > 0 && active === 0
          : ctx.succeeded >= spec.completions && active === 0;
      if (complete) {
        ctx.finishedCondition = newCondition(
          'SuccessCriteriaMet',
          'True',
          'CompletionsReached',
          'Reached expected number of succeeded pods',
          now,
        );
      } else if (manageCalled) {
        if (spec.suspended) {
          if (ensureCondition(status.conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
            suspendCondChanged = true;
            this.d.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
          }
          // MutableSchedulingDirectivesForSuspendedJobs (beta, on in 1.36): a suspended Job has
          // not started, so its template may change and its deadline counts again on resume.
          if (status.startTime) {
            delete status.startTime;
            this.instants.forget(`${uid}:start`);
            suspendCondChanged = true;
          }
        } else if (
          ensureCondition(status.conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)
        ) {
          suspendCondChanged = true;
          this.d.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
          // A resumed Job's deadline counts from now, as one created suspended.
          status.startTime = rfc3339(now);
          this.instants.note(`${uid}:start`, status.startTime, now);
        }
      }
    }

    const needsStatusUpdate =
      suspendCondChanged ||
      active !== status.active ||
      ctx.ready !== status.ready ||
      ctx.terminating !== status.terminating;
    status.active = active;
    status.ready = ctx.ready;
    status.terminating = ctx.terminating;
    await this.trackJobStatusAndRemoveFinalizers(ctx, needsStatusUpdate);
    if (manageErr) throw asError(manageErr);
  }

  private startOf(job: Json, status: JobStatus): number {
    return this.instants.get(`${String(metaOf(job).uid)}:start`, status.startTime ?? '');
  }

  private pastActiveDeadline(job: Json, spec: JobSpecView, status: JobStatus): boolean {
    if (spec.activeDeadlineSeconds === undefined || !status.startTime || spec.suspended) return false;
    return this.d.time.since(this.startOf(job, status)) >= spec.activeDeadlineSeconds * 1000;
  }

  // ---- pods -----------------------------------------------------------------------------

  /** deleteActivePods: plain DELETE, finalizers kept so the pods are counted as failed. */
  private async deleteActivePods(
    job: Json,
    pods: Json[],
  ): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    let deleted = 0;
    let deletedReady = 0;
    let err: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.deletePodOf(job, p);
          deleted++;
        } catch (e) {
          if (isNotFound(e)) deleted++;
          else err = e;
        }
        if (isReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  /** deleteJobPods: the tracking finalizer goes first, so these pods are not counted as failed. */
  private async deleteJobPods(
    ctx: SyncCtx,
    pods: Json[],
  ): Promise<{ deleted: number; deletedReady: number; err?: unknown }> {
    let deleted = pods.length;
    let deletedReady = 0;
    let err: unknown;
    const fail = (e: unknown): void => {
      this.expectations.deletionObserved(ctx.key);
      if (!isNotFound(e)) {
        deleted--;
        err = e;
      }
    };
    await Promise.all(
      pods.map(async (p) => {
        try {
          await this.removeTrackingFinalizer(p);
        } catch (e) {
          fail(e);
          return;
        }
        try {
          await this.deletePodOf(ctx.job, p);
        } catch (e) {
          fail(e);
        }
        if (isReady(p)) deletedReady++;
      }),
    );
    return { deleted, deletedReady, err };
  }

  /** RealPodControl.DeletePod: empty DeleteOptions, and an event either way. */
  private async deletePodOf(job: Json, pod: Json): Promise<void> {
    const m = metaOf(pod);
    try {
      const out = await this.d.client.delete(PODS, String(m.namespace), String(m.name));
      if (out) this.d.pods.observe(out);
    } catch (e) {
      if (!isNotFound(e))
        this.d.recorder.event(job, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
      throw e;
    }
    this.d.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${String(m.name)}`);
  }

  private async manageJob(ctx: SyncCtx, activeIn: number): Promise<{ active: number; err?: unknown }> {
    const { spec, job, key } = ctx;
    let active = activeIn;
    if (spec.suspended) {
      const rm = activePodsForRemoval(ctx, active);
      this.expectations.expectDeletions(key, rm.length);
      const r = await this.deleteJobPods(ctx, rm);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      return { active: active - r.deleted, err: r.err };
    }
    let wantActive: number;
    if (spec.completions === undefined) wantActive = ctx.succeeded > 0 ? active : spec.parallelism;
    else wantActive = Math.max(0, Math.min(spec.completions - ctx.succeeded, spec.parallelism));

    const rm = activePodsForRemoval(ctx, Math.max(0, active - wantActive)).slice(
      0,
      MAX_POD_CREATE_DELETE_PER_SYNC,
    );
    if (rm.length) {
      this.expectations.expectDeletions(key, rm.length);
      const r = await this.deleteJobPods(ctx, rm);
      ctx.terminating += r.deleted;
      ctx.ready -= r.deletedReady;
      // A sync either deletes or creates, deletion first.
      return { active: active - r.deleted, err: r.err };
    }

    const terminating = onlyReplaceFailedPods(spec) ? ctx.terminating : 0;
    let diff = wantActive - terminating - active;
    if (diff <= 0) return { active };
    if (spec.backoffLimitPerIndex === undefined) {
      const rec = ctx.newBackoff;
      const left =
        rec.lastFailureTime === undefined
          ? 0
          : remainingBackoff(rec.failuresAfterLastSuccess, this.d.time.since(rec.lastFailureTime));
      if (left > 0) {
        this.queue.add(key, this.d.time.real(Math.max(left, SYNC_BATCH_MS)));
        return { active: 0 };
      }
    }
    diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
    let indexes: number[] = [];
    if (spec.indexed) {
      indexes = firstPendingIndexes(ctx, diff);
      if (spec.backoffLimitPerIndex !== undefined) {
        let minLeft: number | undefined;
        const now: number[] = [];
        for (const ix of indexes) {
          const left = this.remainingForIndex(ctx.podsWithDelayedDeletionPerIndex.get(ix));
          if (left === 0) now.push(ix);
          else if (minLeft === undefined || left < minLeft) minLeft = left;
        }
        if (!now.length && minLeft !== undefined) {
          this.queue.add(key, this.d.time.real(Math.max(minLeft, SYNC_BATCH_MS)));
          return { active: 0 };
        }
        indexes = now;
      }
      diff = indexes.length;
    }
    if (diff <= 0) return { active };

    this.expectations.expectCreations(key, diff);
    active += diff;
    let err: unknown;
    // Slow start: batches of 1, 2, 4, ... stopping after the first batch with an error.
    for (let batch = Math.min(diff, SLOW_START_INITIAL_BATCH); diff > 0; batch = Math.min(2 * batch, diff)) {
      let failed = false;
      const todo = Array.from({ length: batch }, () => (spec.indexed ? indexes.shift() : undefined));
      await Promise.all(
        todo.map(async (ix) => {
          const counts =
            ix !== undefined && spec.backoffLimitPerIndex !== undefined
              ? newIndexFailureCounts(spec, ctx.podsWithDelayedDeletionPerIndex.get(ix))
              : undefined;
          try {
            await this.createPod(job, ix, counts);
          } catch (e) {
            this.expectations.creationObserved(key);
            active--;
            // A namespace being torn down takes no new pods; that is not an error (NamespaceTerminatingCause).
            if (!this.isNamespaceTerminating(e)) {
              failed = true;
              err = e;
            }
          }
        }),
      );
      const skipped = diff - batch;
      if (failed && skipped > 0) {
        active -= skipped;
        for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
        break;
      }
      diff -= batch;
    }
    return { active, err };
  }

  private isNamespaceTerminating(e: unknown): boolean {
    return (
      e instanceof StatusError &&
      (e.status.details?.causes ?? []).some((c) => c.reason === 'NamespaceTerminating')
    );
  }

  private async createPod(
    job: Json,
    index: number | undefined,
    counts?: { failed: number; ignored: number },
  ) {
    const pod = podForJob(job, index, counts);
    try {
      const created = await this.d.client.create(PODS, String(metaOf(job).namespace), pod, {
        fieldManager: FIELD_MANAGER,
      });
      this.d.recorder.event(
        job,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${String(metaOf(created).name)}`,
      );
    } catch (e) {
      if (!this.isNamespaceTerminating(e))
        this.d.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${errText(e)}`);
      throw e;
    }
  }

  private remainingForIndex(lastFailed: Json | undefined): number {
    if (!lastFailed) return 0;
    const failures = indexFailureCount(lastFailed) + indexIgnoredFailureCount(lastFailed) + 1;
    return remainingBackoff(failures, this.d.time.since(this.finishOf(lastFailed)));
  }

  // ---- status ---------------------------------------------------------------------------

  private async updateStatus(ctx: SyncCtx): Promise<void> {
    const body = { ...ctx.job, status: writeStatus(ctx.status) };
    const out = await this.d.client.update(JOBS, String(metaOf(ctx.job).namespace), body, {
      subresource: 'status',
      fieldManager: FIELD_MANAGER,
    });
    this.d.jobs.observe(out);
    ctx.job = out;
  }

  private async trackJobStatusAndRemoveFinalizers(ctx: SyncCtx, needsFlushIn: boolean): Promise<void> {
    let needsFlush = needsFlushIn;
    const { spec, status } = ctx;
    const completions = spec.completions ?? 0;
    const toRemove: Json[] = [];
    const newSucceededIndexes: number[] = [];
    const pods = spec.indexed
      ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b))
      : ctx.pods;
    const withFinalizer = new Set(
      pods
        .filter((p) => hasTracking(p) && !ctx.expectedRmFinalizers.has(String(metaOf(p).uid)))
        .map((p) => String(metaOf(p).uid)),
    );
    if (cleanUncounted(status, withFinalizer)) needsFlush = true;
    let reachedMax = false;
    const failureTarget = ctx.finishedCondition && ctx.finishedCondition.type !== 'SuccessCriteriaMet';
    for (const pod of pods) {
      const uid = String(metaOf(pod).uid);
      if (!hasTracking(pod) || ctx.expectedRmFinalizers.has(uid)) continue;
      const failed = isPodFailed(pod, spec);
      if (!canRemoveFinalizer(ctx, pod, failed)) continue;
      toRemove.push(pod);
      if (phaseOf(pod) === 'Succeeded' && !ctx.uncountedFailed.has(uid)) {
        if (spec.indexed) {
          const ix = completionIndex(pod);
          if (ix >= 0 && ix < completions && !ctx.prevSucceededIndexes.has(ix)) {
            newSucceededIndexes.push(ix);
            needsFlush = true;
          }
        } else if (!ctx.uncountedSucceeded.has(uid)) {
          needsFlush = true;
          status.uncounted.succeeded.push(uid);
        }
      } else if (failed || failureTarget) {
        // When the Job is finishing with a failure, every pod not terminated counts as failed.
        const ix = completionIndex(pod);
        if (!ctx.uncountedFailed.has(uid) && (!spec.indexed || (ix >= 0 && ix < completions))) {
          if (!spec.podFailurePolicy || matchPodFailurePolicy(spec.podFailurePolicy, pod).countFailed) {
            needsFlush = true;
            status.uncounted.failed.push(uid);
          }
        }
      }
      if (
        newSucceededIndexes.length + status.uncounted.succeeded.length + status.uncounted.failed.length >=
        MAX_UNCOUNTED_PODS
      ) {
        reachedMax = true;
        break;
      }
    }
    if (spec.indexed) {
      ctx.succeededIndexes = ctx.succeededIndexes.with(newSucceededIndexes);
      const text = ctx.succeededIndexes.toString();
      if (text !== status.completedIndexes) needsFlush = true;
      status.succeeded = ctx.succeededIndexes.total();
      status.completedIndexes = text;
      const failedText = ctx.failedIndexes?.toString();
      if (failedText !== status.failedIndexes) {
        status.failedIndexes = failedText;
        needsFlush = true;
      }
    }
    if (ctx.finishedCondition?.type === 'FailureTarget') {
      status.conditions.push(ctx.finishedCondition);
      needsFlush = true;
      const c = ctx.finishedCondition;
      ctx.finishedCondition = newCondition('Failed', 'True', c.reason ?? '', c.message ?? '', Date.now());
    }
    if (ctx.finishedCondition?.type === 'SuccessCriteriaMet' && ctx.finishedCondition.status === 'True') {
      const c = ctx.finishedCondition;
      if (findCondition(status.conditions, 'SuccessCriteriaMet')?.status !== 'True') {
        status.conditions.push(c);
        needsFlush = true;
      }
      ctx.finishedCondition = newCondition('Complete', 'True', c.reason ?? '', c.message ?? '', Date.now());
    }

    // flushUncountedAndRemoveFinalizers
    if (needsFlush) {
      await this.updateStatus(ctx);
      this.backoff.set(ctx.key, ctx.newBackoff);
      needsFlush = false;
    }
    let rmErr: unknown;
    if (toRemove.length) {
      const uids = toRemove.map((p) => String(metaOf(p).uid));
      this.finalizerExpectations.expect(ctx.key, uids);
      await Promise.all(
        toRemove.map(async (p) => {
          const uid = String(metaOf(p).uid);
          try {
            await this.removeTrackingFinalizer(p);
            withFinalizer.delete(uid);
          } catch (e) {
            this.finalizerExpectations.observed(ctx.key, uid);
            rmErr = e;
          }
        }),
      );
    }
    if (cleanUncounted(status, withFinalizer)) needsFlush = true;
    if (rmErr) {
      if (needsFlush) await this.updateStatus(ctx);
      throw asError(rmErr);
    }
    const finished = !reachedMax && this.enactJobFinished(ctx);
    if (finished) needsFlush = true;
    if (needsFlush) {
      await this.updateStatus(ctx);
      if (finished) this.recordJobFinished(ctx);
    }
  }

  /** enactJobFinished: the terminal condition once nothing is uncounted and no pod is terminating. */
  private enactJobFinished(ctx: SyncCtx): boolean {
    const c = ctx.finishedCondition;
    if (!c) return false;
    const { status } = ctx;
    if (status.uncounted.succeeded.length + status.uncounted.failed.length > 0) return false;
    if ((status.terminating ?? 0) > 0) return false;
    const now = Date.now();
    ensureCondition(status.conditions, c.type, c.status, c.reason ?? '', c.message ?? '', now);
    if (c.type === 'Complete')
      status.completionTime =
        findCondition(status.conditions, 'Complete')?.lastTransitionTime ?? rfc3339(now);
    return true;
  }

  private recordJobFinished(ctx: SyncCtx): void {
    const c = ctx.finishedCondition;
    if (!c) return;
    if (c.type === 'Complete') {
      if (ctx.spec.completions !== undefined && ctx.status.succeeded > ctx.spec.completions)
        this.d.recorder.event(
          ctx.job,
          'Warning',
          'TooManySucceededPods',
          'Too many succeeded pods running after completion count reached',
        );
      this.d.recorder.event(ctx.job, 'Normal', 'Completed', 'Job completed');
    } else this.d.recorder.event(ctx.job, 'Warning', c.reason ?? '', c.message ?? '');
  }
}
