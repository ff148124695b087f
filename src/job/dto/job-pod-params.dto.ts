import { ApiProperty } from '@nestjs/swagger';
import { IsName } from '../../common/validation/k8s-check';
import { isDNS1123Subdomain } from '../../k8s/validation/names';
import { JobParamsDto } from './job-params.dto';

const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

// Declared in URL order, so errors list the namespace, the Job, then the pod.
export class JobPodParamsDto extends JobParamsDto {
  @ApiProperty({
    description: "Pod name (one of the Job's pods)",
    example: 'sleep1-7xk2p',
    pattern: DNS1123_SUBDOMAIN_PATTERN,
    maxLength: 253,
  })
  @IsName((s) => isDNS1123Subdomain(s))
  pod!: string;
}
