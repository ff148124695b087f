import { ApiPropertyOptional } from '@nestjs/swagger';
import { Check, CheckFailure, invalid, isAbsent, wrongType, From } from '../../common/validation/k8s-check';
import { isDNS1123Label } from '../../k8s/validation/names';
import { toBool, toInt } from '../../common/validation/query-values';

const bool = (v: unknown): CheckFailure | undefined =>
  isAbsent(v) || typeof v === 'boolean' ? undefined : wrongType(v, 'true or false');

/** A whole number of at least `min` (PodLogOptions' own bounds). */
const atLeast =
  (min: number, detail: string) =>
  (v: unknown): CheckFailure | undefined => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return wrongType(v, 'a whole number');
    return v < min ? invalid(v, detail) : undefined;
  };

/** PodLogOptions the facade passes on, checked here so a bad value is a 400 before any read. */
export class ReadPodLogQueryDto {
  @ApiPropertyOptional({
    description: 'Container name; needed when the pod has more than one',
    example: 'sleep1',
  })
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const problems = isDNS1123Label(v);
    return problems.length ? invalid(v, problems[0]) : undefined;
  })
  container?: string;

  @ApiPropertyOptional({
    type: 'boolean',
    description: 'Keep the answer open and stream new lines (chunked text/plain) until the container stops',
  })
  @From(toBool)
  @Check(bool)
  follow?: boolean;

  @ApiPropertyOptional({
    type: 'boolean',
    description: 'The log of the previous run of a restarted container',
  })
  @From(toBool)
  @Check(bool)
  previous?: boolean;

  @ApiPropertyOptional({ type: 'boolean', description: 'Prefix each line with its RFC 3339 time' })
  @From(toBool)
  @Check(bool)
  timestamps?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Only the last N lines', example: 100 })
  @From(toInt)
  @Check(atLeast(0, 'must be greater than or equal to 0'))
  tailLines?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'Only lines of the last N seconds' })
  @From(toInt)
  @Check(atLeast(1, 'must be greater than 0'))
  sinceSeconds?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'At most N bytes of log' })
  @From(toInt)
  @Check(atLeast(1, 'must be greater than 0'))
  limitBytes?: number;
}
