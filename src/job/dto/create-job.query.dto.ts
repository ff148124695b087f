import { ApiPropertyOptional } from '@nestjs/swagger';
import { Check, isAbsent, notSupported } from '../../common/validation/k8s-check';
import { FieldValidation } from '../../k8s/job.repository';

const FIELD_VALIDATIONS: FieldValidation[] = ['Strict', 'Warn', 'Ignore'];

export const DryRunCheck = (): PropertyDecorator =>
  Check((v) => (isAbsent(v) || v === 'All' ? undefined : notSupported(v, ['All'])));

export class CreateJobQueryDto {
  @ApiPropertyOptional({ enum: ['All'], description: 'Validate and default the Job upstream, store nothing' })
  @DryRunCheck()
  dryRun?: 'All';

  @ApiPropertyOptional({
    enum: FIELD_VALIDATIONS,
    default: 'Strict',
    description: 'What the apiserver does with unknown or duplicate fields',
  })
  @Check((v) =>
    isAbsent(v) || FIELD_VALIDATIONS.includes(v as FieldValidation)
      ? undefined
      : notSupported(v, FIELD_VALIDATIONS),
  )
  fieldValidation?: FieldValidation;

  @ApiPropertyOptional({ description: 'Field manager recorded in managedFields', maxLength: 128 })
  @Check((v) => {
    if (isAbsent(v)) return undefined;
    if (typeof v !== 'string' || !/^[\x20-\x7e]{1,128}$/.test(v))
      return {
        type: 'FieldValueInvalid',
        body: `Invalid value: ${JSON.stringify(v)}: must be 1 to 128 printable ASCII characters`,
      };
    return undefined;
  })
  fieldManager?: string;
}
