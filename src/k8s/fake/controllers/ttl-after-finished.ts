// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job with
// spec.ttlSecondsAfterFinished is deleted that long after its Complete or Failed condition,
// in the foreground and only if it is still the same Job, so its pods go before it does.
import { FakeClient, JOBS } from '../client/fake-client';
import { Json } from '../../json';
import { StatusError } from '../../status';
import { Informer } from './informer';
import { metaOf, objectKey, splitKey } from './objects';
import { conditionsOf, isJobFinished, specOf } from './job/job-view';
import { PreciseInstants, SimTime } from './sim-time';
import { WorkQueue } from './work-queue';

export interface TtlDeps {
  client: FakeClient;
  jobs: Informer;
  time: SimTime;
  log: (msg: string) => void;
}

const needsCleanup = (job: Json): boolean =>
  specOf(job).ttlSecondsAfterFinished !== undefined && !metaOf(job).deletionTimestamp && isJobFinished(job);

/** jobFinishTime: when the Complete or Failed condition became True. */
const finishStamp = (job: Json): string | undefined =>
  conditionsOf(job).find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')
    ?.lastTransitionTime ?? undefined;

export class TtlAfterFinishedController {
  private readonly queue: WorkQueue;
  private readonly finished = new PreciseInstants();

  constructor(private readonly d: TtlDeps) {
    this.queue = new WorkQueue((k) => this.process(k), {
      workers: 2,
      retryBaseMs: d.time.real(1000),
      retryMaxMs: d.time.real(60_000),
      onError: (k, e) => d.log(`ttl-after-finished: ${k}: ${e instanceof Error ? e.message : String(e)}`),
    });
    const seen = (job: Json): void => {
      if (!needsCleanup(job)) return;
      const stamp = finishStamp(job);
      // Seen within the second it was stamped: now is the closer instant.
      if (stamp) {
        const now = Date.now();
        const at = Date.parse(stamp);
        this.finished.note(String(metaOf(job).uid), stamp, now - at < 1500 ? now : at);
      }
      this.queue.add(objectKey(job));
    };
    d.jobs.addHandler({
      add: seen,
      update: (_o, c) => seen(c),
      delete: (j) => this.finished.forget(String(metaOf(j).uid)),
    });
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  /** Simulated milliseconds until the Job expires (≤ 0: expired). */
  private timeLeft(job: Json): number | undefined {
    const ttl = specOf(job).ttlSecondsAfterFinished;
    const stamp = finishStamp(job);
    if (ttl === undefined || !stamp) return undefined;
    const at = this.finished.get(String(metaOf(job).uid), stamp);
    return ttl * 1000 - this.d.time.since(at);
  }

  private async process(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const cached = this.d.jobs.get(namespace, name);
    if (!cached || !needsCleanup(cached)) return;
    const left = this.timeLeft(cached);
    if (left === undefined) return;
    if (left > 0) {
      this.queue.add(key, Math.max(1, this.d.time.real(left)));
      return;
    }
    // The cache may be behind: read the Job again and check once more before deleting.
    let fresh: Json;
    try {
      fresh = await this.d.client.get(JOBS, namespace, name);
    } catch (e) {
      if (e instanceof StatusError && e.code === 404) return;
      throw e;
    }
    if (!needsCleanup(fresh) || (this.timeLeft(fresh) ?? 1) > 0) {
      if (needsCleanup(fresh)) this.queue.add(key, Math.max(1, this.d.time.real(this.timeLeft(fresh) ?? 0)));
      return;
    }
    try {
      await this.d.client.delete(JOBS, namespace, name, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: String(metaOf(fresh).uid) },
      });
    } catch (e) {
      if (e instanceof StatusError && (e.code === 404 || e.code === 409)) return;
      throw e;
    }
  }
}
