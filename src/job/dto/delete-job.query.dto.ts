import { ApiPropertyOptional } from '@nestjs/swagger';
import { Check, isAbsent, notSupported, wrongType, invalid, From } from '../../common/validation/k8s-check';
import { PropagationPolicy } from '../../k8s/job.repository';
import { toInt } from '../../common/validation/query-values';
import { DryRunCheck } from './create-job.query.dto';

const POLICIES: PropagationPolicy[] = ['Background', 'Foreground', 'Orphan'];

export class DeleteJobQueryDto {
  @ApiPropertyOptional({
    enum: POLICIES,
    default: 'Background',
    description:
      'Background (default here) deletes the pods too; Orphan leaves them running; Foreground deletes them first',
  })
  @Check((v) =>
    isAbsent(v) || POLICIES.includes(v as PropagationPolicy) ? undefined : notSupported(v, POLICIES),
  )
  propagationPolicy?: PropagationPolicy;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, description: 'Grace period for the pods, in seconds' })
  @From(toInt)
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return wrongType(v, 'a whole number of seconds');
    return v < 0 ? invalid(v, 'must be greater than or equal to 0') : undefined;
  })
  gracePeriodSeconds?: number;

  @ApiPropertyOptional({ enum: ['All'], description: 'Check the delete upstream, change nothing' })
  @DryRunCheck()
  dryRun?: 'All';
}
