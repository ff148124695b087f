// The one pipe of the application (APP_PIPE): path and query DTOs are converted and checked
// by the fields they declare (k8s-check.ts), and fail as a 400 Status whose causes name each
// parameter. Anything else (bodies, the caller, the reply) passes as it is.
import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { errors } from '../../k8s/status';
import { aggregate, FieldError, toCauses } from '../../k8s/validation/field';
import { DtoField, dtoFields } from './k8s-check';

@Injectable()
export class ParamsPipe implements PipeTransform {
  // A handler's DTO classes are few and fixed: their fields are collected once.
  private readonly fields = new Map<object, readonly DtoField[]>();

  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if ((meta.type !== 'param' && meta.type !== 'query') || meta.data !== undefined || !meta.metatype)
      return value;
    let fields = this.fields.get(meta.metatype);
    if (!fields) this.fields.set(meta.metatype, (fields = dtoFields(meta.metatype)));
    if (!fields.length) return value;
    // Every parameter that came, unknown ones too, as the handler's DTO.
    const dto = Object.assign(
      Object.create(meta.metatype.prototype as object) as Record<string, unknown>,
      value,
    );
    for (const f of fields)
      if (f.convert && dto[f.property] !== undefined) dto[f.property] = f.convert(dto[f.property]);
    const problems: FieldError[] = [];
    for (const f of fields)
      for (const check of f.checks) {
        const failure = check(dto[f.property], dto);
        if (failure) problems.push({ type: failure.type, field: f.property, body: failure.body });
      }
    if (problems.length)
      throw errors.badRequest(`invalid request: ${aggregate(problems)}`, toCauses(problems));
    return dto;
  }
}
