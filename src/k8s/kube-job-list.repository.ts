// The JobListRepository adapter: batch/v1 list and watch over a KubeConnection.
import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/user-info';
import {
  ListFormat,
  ListOptions,
  JobListRepository,
  TABLE_ACCEPT,
  WatchOptions,
} from './job-list.repository';
import { KubeConnection, UpstreamReply, UpstreamStream } from './kube-connection';
import { callerHeaders } from './kube-job.repository';
import { checkUpstreamAnswer, failureStatus, StatusError } from './status';

const jobsPath = (namespace: string | undefined): string =>
  namespace === undefined
    ? '/apis/batch/v1/jobs'
    : `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;

const str = (v: number | boolean | undefined): string | undefined =>
  v === undefined ? undefined : String(v);

@Injectable()
export class KubeJobListRepository implements JobListRepository {
  constructor(private readonly connection: KubeConnection) {}

  async list(
    namespace: string | undefined,
    options: ListOptions,
    format: ListFormat,
    caller: Caller,
  ): Promise<UpstreamReply> {
    const { limit, ...rest } = options;
    const reply = await this.connection.request(
      {
        method: 'GET',
        path: jobsPath(namespace),
        query: { ...rest, limit: str(limit) },
        accept: format === 'table' ? `${TABLE_ACCEPT}, application/json` : 'application/json',
      },
      callerHeaders(caller),
    );
    // In passthrough the token is the caller's, and so is a 401 for it.
    checkUpstreamAnswer(reply, !!caller.bearerToken);
    return reply;
  }

  async watch(namespace: string | undefined, options: WatchOptions, caller: Caller): Promise<UpstreamStream> {
    const answer = await this.connection.stream(
      {
        method: 'GET',
        path: jobsPath(namespace),
        query: {
          watch: 'true',
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          resourceVersion: options.resourceVersion,
          allowWatchBookmarks: str(options.allowWatchBookmarks),
          timeoutSeconds: str(options.timeoutSeconds),
        },
      },
      callerHeaders(caller),
    );
    if ('close' in answer) return answer;
    checkUpstreamAnswer(answer, !!caller.bearerToken);
    // checkUpstreamAnswer throws for every non-2xx answer, the only kind stream() reads whole.
    throw new StatusError(
      failureStatus(
        502,
        'InternalError',
        `the Kubernetes apiserver answered the watch with HTTP ${answer.code}`,
      ),
    );
  }
}
