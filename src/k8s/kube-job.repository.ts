// The JobRepository adapter: the batch/v1 REST paths over a KubeConnection.
import { Injectable } from '@nestjs/common';
import { AUTHENTICATED_GROUP, Caller } from '../auth/user-info';
import { DeleteOptions, JobRepository, UpstreamProbe, WriteOptions } from './job.repository';
import { KubeConnection, UpstreamReply } from './kube-connection';
import { checkUpstreamAnswer } from './status';

const jobsPath = (namespace: string): string =>
  `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;
const jobPath = (namespace: string, name: string): string =>
  `${jobsPath(namespace)}/${encodeURIComponent(name)}`;

/** Who the apiserver should see: the caller's own token, the caller impersonated, or the gateway itself. */
export function callerHeaders(caller: Caller): Record<string, string | string[]> {
  if (caller.bearerToken) return { Authorization: `Bearer ${caller.bearerToken}` };
  if (!caller.impersonate || !caller.user) return {};
  // The apiserver adds system:authenticated to every impersonated user itself.
  const groups = caller.user.groups.filter((g) => g !== AUTHENTICATED_GROUP);
  return {
    'Impersonate-User': caller.user.name,
    ...(groups.length ? { 'Impersonate-Group': groups } : {}),
    ...(caller.user.uid ? { 'Impersonate-Uid': caller.user.uid } : {}),
  };
}

@Injectable()
export class KubeJobRepository implements JobRepository, UpstreamProbe {
  constructor(private readonly connection: KubeConnection) {}

  private async ok(reply: Promise<UpstreamReply>, caller?: Caller): Promise<UpstreamReply> {
    const r = await reply;
    // In passthrough the token is the caller's, and so is a 401 for it.
    checkUpstreamAnswer(r, !!caller?.bearerToken);
    return r;
  }

  get(namespace: string, name: string, caller: Caller): Promise<UpstreamReply> {
    return this.ok(
      this.connection.request({ method: 'GET', path: jobPath(namespace, name) }, callerHeaders(caller)),
      caller,
    );
  }

  create(
    namespace: string,
    job: Record<string, unknown>,
    options: WriteOptions,
    caller: Caller,
  ): Promise<UpstreamReply> {
    return this.ok(
      this.connection.request(
        { method: 'POST', path: jobsPath(namespace), query: { ...options }, body: JSON.stringify(job) },
        callerHeaders(caller),
      ),
      caller,
    );
  }

  delete(namespace: string, name: string, options: DeleteOptions, caller: Caller): Promise<UpstreamReply> {
    const query = {
      propagationPolicy: options.propagationPolicy,
      gracePeriodSeconds:
        options.gracePeriodSeconds === undefined ? undefined : String(options.gracePeriodSeconds),
      dryRun: options.dryRun,
    };
    return this.ok(
      this.connection.request(
        { method: 'DELETE', path: jobPath(namespace, name), query },
        callerHeaders(caller),
      ),
      caller,
    );
  }

  async ping(): Promise<void> {
    await this.ok(this.connection.request({ method: 'GET', path: '/version' }));
  }
}
