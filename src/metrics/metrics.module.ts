// Prometheus metrics: the counters every module may increment (global, so the auth guard and
// the rate limiter need no import), and their own listener on METRICS_PORT.
import { Global, Module } from '@nestjs/common';
import { K8sModule } from '../k8s/k8s.module';
import { GatewayMetrics } from './gateway-metrics';
import { MetricsServer } from './metrics.server';

@Global()
@Module({
  imports: [K8sModule],
  providers: [{ provide: GatewayMetrics, useFactory: () => new GatewayMetrics() }, MetricsServer],
  exports: [GatewayMetrics, MetricsServer],
})
export class MetricsModule {}
