// The port through which the facade reads what belongs to a Job: its pods, the events about
// them and a container's log. Bound to the apiserver adapter in k8s.module.ts; answers are
// the apiserver's bytes, untouched.
import type { Caller } from '../auth/user-info';
import { UpstreamReply, UpstreamStream } from './kube-connection';

export interface PodSelection {
  labelSelector: string;
  fieldSelector?: string;
}

/** The apiserver's PodLogOptions that the facade passes on. */
export interface LogOptions {
  container?: string;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
  timestamps?: boolean;
  previous?: boolean;
}

export abstract class JobDetailRepository {
  /** A PodList (or, with a Table Accept, the apiserver's Table); throws StatusError on non-2xx. */
  abstract listPods(
    namespace: string,
    selection: PodSelection,
    caller: Caller,
    accept?: string,
  ): Promise<UpstreamReply>;
  /** A core/v1 EventList matching `fieldSelector`. */
  abstract listEvents(namespace: string, fieldSelector: string, caller: Caller): Promise<UpstreamReply>;
  /** The whole log as text. */
  abstract readLog(
    namespace: string,
    pod: string,
    options: LogOptions,
    caller: Caller,
  ): Promise<UpstreamReply>;
  /** The log as it is written, until the container stops or `close` is called. */
  abstract followLog(
    namespace: string,
    pod: string,
    options: LogOptions,
    caller: Caller,
  ): Promise<UpstreamStream>;
}
