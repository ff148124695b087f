// Starts the fake's workload controllers over the in-process client: the job controller, the
// simulated kubelet of one node, and the TTL-after-finished controller, sharing one informer
// per resource. All their delays run `timeScale` times faster than wall-clock time.
import { FakeClient, JOBS, PODS } from '../client/fake-client';
import { PodLogs } from '../pod-logs';
import { EventRecorder } from './event-recorder';
import { SharedInformers } from './informer';
import { JobController } from './job/job-controller';
import { Kubelet } from './kubelet/kubelet';
import { SimTime } from './sim-time';
import { TtlAfterFinishedController } from './ttl-after-finished';

export interface ControllerOptions {
  timeScale: number;
  logs: PodLogs;
  nodeName: string;
  /** Where controllers report failed syncs; silent by default, as the fake's own log is. */
  log?: (msg: string) => void;
}

export interface RunningControllers {
  /** Resolves once every informer has listed and is watching. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** `informers` are shared with the process's other controllers; their owner stops them. */
export function startControllers(
  client: FakeClient,
  informers: SharedInformers,
  opts: ControllerOptions,
): RunningControllers {
  const log = opts.log ?? (() => undefined);
  const time = new SimTime(opts.timeScale);
  const jobs = informers.for(JOBS);
  const pods = informers.for(PODS);
  const recorder = new EventRecorder(client, 'job-controller', log);
  const jobController = new JobController({ client, jobs, pods, time, recorder, log });
  const kubelet = new Kubelet({ client, pods, time, logs: opts.logs, nodeName: opts.nodeName, log });
  const ttl = new TtlAfterFinishedController({ client, jobs, time, log });
  // Pods first: a Job's first sync then sees the pods that already exist.
  const ready = (async () => {
    await kubelet.start();
    await informers.start([PODS, JOBS]);
  })();
  ready.catch((e: unknown) =>
    log(`controllers did not start: ${e instanceof Error ? e.message : String(e)}`),
  );
  return {
    ready,
    async stop() {
      await ready.catch(() => undefined);
      await Promise.all([jobController.stop(), kubelet.stop(), ttl.stop()]);
      await recorder.flush();
    },
  };
}
