// The JobDetailRepository adapter: core/v1 pods, events and pods/{name}/log over a KubeConnection.
import { Injectable } from '@nestjs/common';
import type { Caller } from '../auth/user-info';
import { JobDetailRepository, LogOptions, PodSelection } from './job-detail.repository';
import { callerHeaders } from './kube-job.repository';
import { KubeConnection, UpstreamReply, UpstreamStream } from './kube-connection';
import { checkUpstreamAnswer } from './status';

const base = (namespace: string): string => `/api/v1/namespaces/${encodeURIComponent(namespace)}`;

function logQuery(options: LogOptions, follow: boolean): Record<string, string | undefined> {
  const n = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));
  const b = (v: boolean | undefined): string | undefined => (v ? 'true' : undefined);
  return {
    container: options.container,
    tailLines: n(options.tailLines),
    sinceSeconds: n(options.sinceSeconds),
    limitBytes: n(options.limitBytes),
    timestamps: b(options.timestamps),
    previous: b(options.previous),
    follow: follow ? 'true' : undefined,
  };
}

const isStream = (r: UpstreamReply | UpstreamStream): r is UpstreamStream => 'close' in r;

@Injectable()
export class KubeJobDetailRepository implements JobDetailRepository {
  constructor(private readonly connection: KubeConnection) {}

  private async json(reply: Promise<UpstreamReply>, caller: Caller): Promise<UpstreamReply> {
    const r = await reply;
    // In passthrough the token is the caller's, and so is a 401 for it.
    checkUpstreamAnswer(r, !!caller.bearerToken);
    return r;
  }

  listPods(
    namespace: string,
    selection: PodSelection,
    caller: Caller,
    accept?: string,
  ): Promise<UpstreamReply> {
    return this.json(
      this.connection.request(
        { method: 'GET', path: `${base(namespace)}/pods`, query: { ...selection }, accept },
        callerHeaders(caller),
      ),
      caller,
    );
  }

  listEvents(namespace: string, fieldSelector: string, caller: Caller): Promise<UpstreamReply> {
    return this.json(
      this.connection.request(
        { method: 'GET', path: `${base(namespace)}/events`, query: { fieldSelector } },
        callerHeaders(caller),
      ),
      caller,
    );
  }

  async readLog(namespace: string, pod: string, options: LogOptions, caller: Caller): Promise<UpstreamReply> {
    const r = await this.connection.request(
      {
        method: 'GET',
        path: `${base(namespace)}/pods/${encodeURIComponent(pod)}/log`,
        query: logQuery(options, false),
        accept: '*/*',
      },
      callerHeaders(caller),
    );
    // A log is text, not JSON: only a failure goes through the Status mapping.
    if (r.code < 200 || r.code >= 300) checkUpstreamAnswer(r, !!caller.bearerToken);
    return r;
  }

  async followLog(
    namespace: string,
    pod: string,
    options: LogOptions,
    caller: Caller,
  ): Promise<UpstreamStream> {
    const r = await this.connection.stream(
      {
        method: 'GET',
        path: `${base(namespace)}/pods/${encodeURIComponent(pod)}/log`,
        query: logQuery(options, true),
        accept: '*/*',
      },
      callerHeaders(caller),
    );
    if (isStream(r)) return r;
    checkUpstreamAnswer(r, !!caller.bearerToken);
    // checkUpstreamAnswer throws for every non-2xx; a 2xx always comes as a stream.
    throw new Error(`unreachable: upstream log answer ${r.code} was neither a stream nor a failure`);
  }
}
