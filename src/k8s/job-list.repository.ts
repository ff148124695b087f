// The port for reading many Jobs: a list (one answer) and a watch (a stream of events), in
// one namespace or all of them. Bound to the apiserver adapter in k8s.module.ts.
import type { Caller } from '../auth/user-info';
import { UpstreamReply, UpstreamStream } from './kube-connection';

/** List options as the apiserver names them; each already checked by the caller. */
export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
}

/** `table`: the apiserver's meta.k8s.io/v1 Table instead of the JobList. */
export type ListFormat = 'json' | 'table';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export abstract class JobListRepository {
  /** `namespace` undefined: every namespace. Throws StatusError on any non-2xx answer. */
  abstract list(
    namespace: string | undefined,
    options: ListOptions,
    format: ListFormat,
    caller: Caller,
  ): Promise<UpstreamReply>;

  /** An open watch (JSON lines of events). Throws StatusError when the apiserver refuses it. */
  abstract watch(
    namespace: string | undefined,
    options: WatchOptions,
    caller: Caller,
  ): Promise<UpstreamStream>;
}
