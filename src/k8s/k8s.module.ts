import { Module } from '@nestjs/common';
import { JobDetailRepository } from './job-detail.repository';
import { JobListRepository } from './job-list.repository';
import { JobRepository, UpstreamProbe } from './job.repository';
import { K8sConfig } from './k8s.config';
import { KubeConnection } from './kube-connection';
import { KubeJobDetailRepository } from './kube-job-detail.repository';
import { KubeJobListRepository } from './kube-job-list.repository';
import { KubeJobRepository } from './kube-job.repository';
import { Upstream } from './upstream';

@Module({
  providers: [
    { provide: Upstream, useFactory: (cfg: K8sConfig) => new Upstream(cfg), inject: [K8sConfig] },
    { provide: KubeConnection, useFactory: (u: Upstream) => u.connection, inject: [Upstream] },
    KubeJobRepository,
    { provide: JobRepository, useExisting: KubeJobRepository },
    { provide: UpstreamProbe, useExisting: KubeJobRepository },
    { provide: JobListRepository, useClass: KubeJobListRepository },
    { provide: JobDetailRepository, useClass: KubeJobDetailRepository },
  ],
  exports: [JobRepository, UpstreamProbe, Upstream, JobListRepository, JobDetailRepository],
})
export class K8sModule {}
