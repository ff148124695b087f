// The Status object as Swagger shows it.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { APISERVER_MAX_REQUEST_BYTES } from '../../k8s/limits';
import { failureStatus, Status, StatusDetails, StatusReason } from '../../k8s/status';
import { MAX_PARAM_LENGTH } from '../http/protocol-errors';

export class StatusCauseDto {
  @ApiPropertyOptional({ example: 'FieldValueTypeInvalid' }) reason?: string;
  @ApiPropertyOptional({ example: 'Invalid value: "3     //对应实例数": must be an integer, not a string' })
  message?: string;
  @ApiPropertyOptional({ example: 'spec.completions', description: 'Kubernetes field path' }) field?: string;
  @ApiPropertyOptional({ example: 6, description: '1-based line of the field in the submitted YAML/JSON' })
  line?: number;
  @ApiPropertyOptional({ example: 3, description: '1-based column of the field in the submitted YAML/JSON' })
  column?: number;
}

export class StatusDetailsDto {
  @ApiPropertyOptional({ example: 'sleep1' }) name?: string;
  @ApiPropertyOptional({ example: 'batch' }) group?: string;
  @ApiPropertyOptional({ example: 'Job' }) kind?: string;
  @ApiPropertyOptional() uid?: string;
  @ApiPropertyOptional({ type: [StatusCauseDto] }) causes?: StatusCauseDto[];
  @ApiPropertyOptional() retryAfterSeconds?: number;
}

export class StatusDto {
  @ApiProperty({ example: 'Status' }) kind!: string;
  @ApiProperty({ example: 'v1' }) apiVersion!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: {} }) metadata!: Record<
    string,
    unknown
  >;
  @ApiProperty({ enum: ['Failure', 'Success'], example: 'Failure' }) status!: string;
  @ApiPropertyOptional({ example: 'Job.batch "sleep1" is invalid: spec.completions: Invalid value: ...' })
  message?: string;
  @ApiPropertyOptional({ example: 'Invalid' }) reason?: string;
  @ApiPropertyOptional({ type: StatusDetailsDto }) details?: StatusDetailsDto;
  @ApiPropertyOptional({ example: 422 }) code?: number;
}

const JOB = { name: 'sleep1', group: 'batch', kind: 'jobs' };

// What each code looks like, so Swagger UI shows a 404 as a 404 rather than the 422 example.
const EXAMPLES: Record<number, [StatusReason, string, StatusDetails?]> = {
  400: [
    'BadRequest',
    'the body is not valid YAML: did not find expected key at line 4, column 3',
    { causes: [{ reason: 'FieldValueInvalid', message: 'did not find expected key', line: 4, column: 3 }] },
  ],
  401: ['Unauthorized', 'Unauthorized'],
  403: [
    'Forbidden',
    'jobs.batch "sleep1" is forbidden: User "alice" cannot delete resource "jobs" in API group "batch" in the namespace "default"',
    JOB,
  ],
  404: ['NotFound', 'jobs.batch "sleep1" not found', JOB],
  409: ['AlreadyExists', 'jobs.batch "sleep1" already exists', JOB],
  413: ['RequestEntityTooLarge', `the body is larger than the limit of ${APISERVER_MAX_REQUEST_BYTES} bytes`],
  // The router's own words (src/common/http/protocol-errors.ts); the apiserver has no reason for it.
  414: ['', `the request path is too long: a path segment has at most ${MAX_PARAM_LENGTH} characters`],
  415: [
    'UnsupportedMediaType',
    'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/x-yaml, text/yaml, text/plain',
  ],
  422: [
    'Invalid',
    'Job.batch "sleep1" is invalid: spec.completions: Invalid value: "3     //对应实例数": must be an integer, not a string',
    {
      name: 'sleep1',
      group: 'batch',
      kind: 'Job',
      causes: [
        {
          reason: 'FieldValueTypeInvalid',
          message: 'Invalid value: "3     //对应实例数": must be an integer, not a string',
          field: 'spec.completions',
          line: 6,
          column: 3,
        },
      ],
    },
  ],
  429: ['TooManyRequests', 'too many requests, please try again later', { retryAfterSeconds: 12 }],
  502: ['InternalError', 'the apiserver answered with something that is not a Kubernetes object'],
  503: ['ServiceUnavailable', 'the apiserver is unreachable'],
  504: ['Timeout', 'the apiserver did not answer in time'],
};

export function statusExample(code: number): Status {
  const [reason, message, details] = EXAMPLES[code] ?? ['', 'error'];
  return failureStatus(code, reason, message, details);
}
