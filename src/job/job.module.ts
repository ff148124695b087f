import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { K8sModule } from '../k8s/k8s.module';
import { k8sConfig } from '../k8s/k8s.config';
import { RouteMethods } from '../common/http/route-methods';
import { JobController } from './job.controller';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { JobService } from './job.service';

@Module({
  imports: [K8sModule, ConfigModule.forFeature(k8sConfig)],
  controllers: [JobController, MethodNotAllowedController],
  providers: [JobService, RouteMethods],
})
export class JobModule {}
