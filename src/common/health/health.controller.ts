// Probes: /healthz says the process serves, /readyz that the apiserver answers.
import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { UpstreamProbe } from '../../k8s/job.repository';
import { StatusDto } from '../status/status.dto';

@ApiTags('health')
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
    await this.upstream.ping();
    return { status: 'ok' };
  }
}
