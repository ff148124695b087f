// One ValidationPipe for the whole app (registered as APP_PIPE): path and query DTOs
// fail as a 400 Status whose causes name each parameter.
import { ValidationPipe } from '@nestjs/common';
import { errors } from '../../k8s/status';
import { aggregate, toCauses } from '../../k8s/validation/field';
import { collectFieldErrors } from './field-errors';

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
    exceptionFactory: (errs) => {
      const list = collectFieldErrors(errs);
      return errors.badRequest(`invalid request: ${aggregate(list)}`, toCauses(list));
    },
  });
}
