// Probes: /healthz says the process serves, /readyz that the apiserver answers.
import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { UpstreamProbe } from '../k8s/job.repository';
import { StatusDto } from '../common/status/status.dto';
import { failureStatus, StatusError } from '../k8s/status';

@ApiTags('health')
@Public()
@Controller()
export class HealthController {
  constructor(private readonly upstream: UpstreamProbe) {}

  @Get('healthz')
  @HttpCode(200)
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  @Get('readyz')
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  @ApiServiceUnavailableResponse({ type: StatusDto })
  async readyz(): Promise<{ status: string }> {
    try {
      await this.upstream.ping();
    } catch (e) {
      const why = e instanceof StatusError ? (e.status.message ?? e.reason) : String(e);
      throw new StatusError(failureStatus(503, 'ServiceUnavailable', `not ready: ${why}`), {
        'Retry-After': '1',
      });
    }
    return { status: 'ok' };
  }
}
