import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { appConfig } from './common/config/app.config';
import { HealthModule } from './common/health/health.module';
import { StatusExceptionFilter } from './common/status/status-exception.filter';
import { createValidationPipe } from './common/validation/validation.pipe';
import { AuthModule } from './auth/auth.module';
import { JobModule } from './job/job.module';
import { k8sConfig } from './k8s/k8s.config';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [appConfig, k8sConfig] }),
    AuthModule,
    HealthModule,
    JobModule,
  ],
  providers: [
    { provide: APP_FILTER, useClass: StatusExceptionFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
})
export class AppModule {}
