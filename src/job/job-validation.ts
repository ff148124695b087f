// Runs the CreateJobDto rules on a parsed body.
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { FieldError } from '../k8s/validation/field';
import { collectFieldErrors } from '../common/validation/field-errors';
import { CreateJobDto } from './dto/create-job.dto';

export function validateJobBody(body: Record<string, unknown>): FieldError[] {
  const dto = plainToInstance(CreateJobDto, body, {
    excludeExtraneousValues: true,
    exposeUnsetFields: false,
  });
  return collectFieldErrors(
    validateSync(dto, { forbidUnknownValues: false, validationError: { value: true } }),
    '',
    dto,
  );
}
