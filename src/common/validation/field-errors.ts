// Reads class-validator results made by Check rules back into Kubernetes field errors.
import { ValidationError } from 'class-validator';
import { FieldError } from '../../k8s/validation/field';
import { CheckFailure } from './k8s-check';

function childPath(parent: string, parentValue: unknown, property: string): string {
  if (Array.isArray(parentValue) && /^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** Field errors at Kubernetes paths (`a.b[0].c`), in declaration order. */
export function collectFieldErrors(
  errors: ValidationError[],
  parent = '',
  parentValue?: unknown,
): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const path = childPath(parent, parentValue, e.property);
    for (const message of Object.values(e.constraints ?? {})) {
      let failure: CheckFailure | undefined;
      try {
        failure = JSON.parse(message) as CheckFailure;
      } catch {
        // class-validator's own messages (e.g. nestedValidation) repeat what a Check rule said.
        failure = undefined;
      }
      if (failure?.type) out.push({ type: failure.type, field: path, body: failure.body });
    }
    if (e.children?.length) out.push(...collectFieldErrors(e.children, path, e.value));
  }
  return out;
}
