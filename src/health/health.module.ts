// Probes use the k8s and auth modules, so they sit beside them rather than under common.
import { Module } from '@nestjs/common';
import { K8sModule } from '../k8s/k8s.module';
import { HealthController } from './health.controller';

@Module({ imports: [K8sModule], controllers: [HealthController] })
export class HealthModule {}
