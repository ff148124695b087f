import { Module } from '@nestjs/common';
import { K8sModule } from '../k8s/k8s.module';
import { JobDetailController } from './job-detail.controller';
import { JobDetailService } from './job-detail.service';
import { JobListController } from './job-list.controller';
import { JobListService } from './job-list.service';
import { JobController } from './job.controller';
import { MethodNotAllowedController } from './method-not-allowed.controller';
import { JobService } from './job.service';
import { JobWatchService } from './watch/job-watch.service';
import { WatchRouteConstraint } from './watch/watch-constraint';

@Module({
  imports: [K8sModule],
  controllers: [JobController, JobListController, JobDetailController, MethodNotAllowedController],
  providers: [JobService, WatchRouteConstraint, JobListService, JobWatchService, JobDetailService],
})
export class JobModule {}
