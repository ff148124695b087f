import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsName } from '../../common/validation/k8s-check';
import { isDNS1123Label } from '../../k8s/validation/names';
import { jobNameProblems } from '../job-rules';

// The apiserver's regular expressions (apimachinery validation), anchored for OpenAPI.
const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const DNS1123_SUBDOMAIN_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

const NamespaceParam = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      description: 'Namespace (a DNS-1123 label)',
      example: 'default',
      pattern: DNS1123_LABEL_PATTERN,
      maxLength: 63,
    }),
    IsName(isDNS1123Label),
  );

const JobNameParam = (): PropertyDecorator =>
  applyDecorators(
    ApiProperty({
      description: 'Job name (a DNS-1123 subdomain of at most 63 characters)',
      example: 'sleep1',
      pattern: DNS1123_SUBDOMAIN_PATTERN,
      maxLength: 63,
    }),
    IsName(jobNameProblems),
  );

export class NamespaceParamsDto {
  @NamespaceParam() namespace!: string;
}

// Declared in URL order, so errors list the namespace first.
export class JobParamsDto {
  @NamespaceParam() namespace!: string;
  @JobNameParam() name!: string;
}
