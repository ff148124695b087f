// The JobRepository adapter: the batch/v1 REST paths over a KubeConnection.
import { Injectable } from '@nestjs/common';
import { DeleteOptions, JobRepository, UpstreamProbe, WriteOptions } from './job.repository';
import { KubeConnection, UpstreamReply } from './kube-connection';

const jobsPath = (namespace: string): string =>
  `/apis/batch/v1/namespaces/${encodeURIComponent(namespace)}/jobs`;

@Injectable()
export class KubeJobRepository implements JobRepository, UpstreamProbe {
  constructor(private readonly connection: KubeConnection) {}

  private async ok(reply: Promise<UpstreamReply>): Promise<UpstreamReply> {
    const r = await reply;
    if (r.code >= 200 && r.code < 300) return r;
    throw KubeConnection.errorFor(r);
  }

  get(namespace: string, name: string): Promise<UpstreamReply> {
    return this.ok(
      this.connection.request({ method: 'GET', path: `${jobsPath(namespace)}/${encodeURIComponent(name)}` }),
    );
  }

  create(namespace: string, job: Record<string, unknown>, options: WriteOptions): Promise<UpstreamReply> {
    return this.ok(
      this.connection.request({
        method: 'POST',
        path: jobsPath(namespace),
        query: { ...options },
        body: JSON.stringify(job),
      }),
    );
  }

  delete(namespace: string, name: string, options: DeleteOptions): Promise<UpstreamReply> {
    return this.ok(
      this.connection.request({
        method: 'DELETE',
        path: `${jobsPath(namespace)}/${encodeURIComponent(name)}`,
        query: {
          propagationPolicy: options.propagationPolicy,
          gracePeriodSeconds:
            options.gracePeriodSeconds === undefined ? undefined : String(options.gracePeriodSeconds),
          dryRun: options.dryRun,
        },
      }),
    );
  }

  async ping(): Promise<void> {
    await this.ok(this.connection.request({ method: 'GET', path: '/version' }));
  }
}
