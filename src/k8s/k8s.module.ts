import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { JobRepository, UpstreamProbe } from './job.repository';
import { k8sConfig, K8sConfig } from './k8s.config';
import { KubeConnection } from './kube-connection';
import { KubeJobRepository } from './kube-job.repository';
import { Upstream } from './upstream';

@Module({
  imports: [ConfigModule.forFeature(k8sConfig)],
  providers: [
    { provide: Upstream, useFactory: (cfg: K8sConfig) => Upstream.connect(cfg), inject: [k8sConfig.KEY] },
    { provide: KubeConnection, useFactory: (u: Upstream) => u.connection, inject: [Upstream] },
    KubeJobRepository,
    { provide: JobRepository, useExisting: KubeJobRepository },
    { provide: UpstreamProbe, useExisting: KubeJobRepository },
  ],
  exports: [JobRepository, UpstreamProbe, Upstream],
})
export class K8sModule {}
