import { ApiProperty } from '@nestjs/swagger';
import { Expose } from 'class-transformer';
import { IsName } from '../../common/validation/k8s-check';
import { isDNS1123Label } from '../../k8s/validation/names';
import { jobNameProblems } from './create-job.dto';

export class NamespaceParamsDto {
  @ApiProperty({ description: 'Namespace (a DNS-1123 label)', example: 'default' })
  @Expose()
  @IsName(isDNS1123Label)
  namespace!: string;
}

export class JobParamsDto extends NamespaceParamsDto {
  @ApiProperty({ description: 'Job name (a DNS-1123 subdomain of at most 63 characters)', example: 'sleep1' })
  @Expose()
  @IsName(jobNameProblems)
  name!: string;
}
