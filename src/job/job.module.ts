import { Module } from '@nestjs/common';
import { K8sModule } from '../k8s/k8s.module';
import { JobController } from './job.controller';
import { JobService } from './job.service';

@Module({
  imports: [K8sModule],
  controllers: [JobController],
  providers: [JobService],
})
export class JobModule {}
