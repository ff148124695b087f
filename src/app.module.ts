import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AuthConfig } from './auth/auth.config';
import { AppConfig } from './common/config/app.config';
import { ConfigModule } from './common/config/config.module';
import { HttpModule } from './common/http/http.module';
import { HealthModule } from './health/health.module';
import { StatusExceptionFilter } from './common/status/status-exception.filter';
import { ParamsPipe } from './common/validation/params.pipe';
import { AuthModule } from './auth/auth.module';
import { GatewayConfig } from './gateway.config';
import { JobModule } from './job/job.module';
import { K8sConfig } from './k8s/k8s.config';
import { WatchConfig } from './job/watch/watch.config';
import { MetricsModule } from './metrics/metrics.module';

@Module({
  imports: [HttpModule, MetricsModule, AuthModule, HealthModule, JobModule],
  providers: [
    { provide: APP_FILTER, useClass: StatusExceptionFilter },
    { provide: APP_PIPE, useClass: ParamsPipe },
  ],
})
export class AppModule {
  /** The application for a configuration loaded beforehand (loadConfig). */
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot([
          { provide: AppConfig, useValue: config.app },
          { provide: K8sConfig, useValue: config.k8s },
          { provide: AuthConfig, useValue: config.auth },
          { provide: WatchConfig, useValue: config.watch },
        ]),
      ],
    };
  }
}
