// The Status object as Swagger shows it.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
