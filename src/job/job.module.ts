import { Module } from '@nestjs/common';
import { K8sModule } from '../k8s/k8s.module';
import { RouteMethods } from '../common/http/route-methods';
import { JobController } from './job.controller';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { JobService } from './job.service';

@Module({
  imports: [K8sModule],
  controllers: [JobController, MethodNotAllowedController],
  providers: [JobService, RouteMethods],
})
export class JobModule {}
