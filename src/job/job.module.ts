import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { K8sModule } from '../k8s/k8s.module';
import { k8sConfig } from '../k8s/k8s.config';
import { JobController } from './job.controller';
import { JobService } from './job.service';

@Module({
  imports: [K8sModule, ConfigModule.forFeature(k8sConfig)],
  controllers: [JobController],
  providers: [JobService],
})
export class JobModule {}
