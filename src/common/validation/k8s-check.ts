// class-validator rules that answer in the apiserver's words: each failure carries the
// cause reason and message body a Kubernetes client already knows.
import { ValidateBy, ValidationArguments } from 'class-validator';
import { FieldErrorType, renderValue } from '../../k8s/validation/field';
import { isObject } from '../../k8s/json';

export interface CheckFailure {
  type: FieldErrorType;
  body: string;
}

type CheckFn = (value: unknown, args: ValidationArguments) => CheckFailure | undefined;

/** A rule whose message is the serialised failure, read back by job-validation.ts. */
export function Check(name: string, fn: CheckFn): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        fn(value, args as ValidationArguments) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        JSON.stringify(fn((args as ValidationArguments).value, args as ValidationArguments)),
    },
  });
}

export const isAbsent = (v: unknown): boolean => v === undefined || v === null;

const article = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;

export const required = (detail = ''): CheckFailure => ({
  type: 'FieldValueRequired',
  body: detail ? `Required value: ${detail}` : 'Required value',
});

export const invalid = (value: unknown, detail: string): CheckFailure => ({
  type: 'FieldValueInvalid',
  body: `Invalid value: ${renderValue(value)}: ${detail}`,
});

export const wrongType = (value: unknown, expected: string): CheckFailure => {
  let hint = '';
  if (typeof value === 'string' && /\s(\/\/|#)/.test(value))
    hint = '; a comment was read as part of the value: YAML comments start with " #", not "//"';
  return {
    type: 'FieldValueTypeInvalid',
    body: `Invalid value: ${renderValue(value)}: must be ${expected}, not ${article(value)}${hint}`,
  };
};

export const notSupported = (value: unknown, valid: readonly string[]): CheckFailure => ({
  type: 'FieldValueNotSupported',
  body: `Unsupported value: ${renderValue(value)}: supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}`,
});

/** A rule on one field's value; `parent` is the object that holds it. */
export type Rule = (value: unknown, parent: Record<string, unknown>) => CheckFailure | undefined;

/** Present and an object (a mapping). */
export const requiredObject: Rule = (v) =>
  isAbsent(v) ? required() : isObject(v) ? undefined : wrongType(v, 'an object');

export const optionalObject: Rule = (v) =>
  isAbsent(v) || isObject(v) ? undefined : wrongType(v, 'an object');

/** An optional int32 ≥ 0: the counts and durations of a Job spec. */
export const nonNegativeInt32: Rule = (v) => {
  if (isAbsent(v)) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v > 2147483647 || v < -2147483648)
    return wrongType(v, 'an integer');
  return v < 0 ? invalid(v, 'must be greater than or equal to 0') : undefined;
};

export const optionalBoolean: Rule = (v) =>
  isAbsent(v) || typeof v === 'boolean' ? undefined : wrongType(v, 'true or false');

export const optionalString: Rule = (v) =>
  isAbsent(v) || typeof v === 'string' ? undefined : wrongType(v, 'a string');

/** Required, one of `valid`. */
export const oneOf =
  (valid: readonly string[], requiredDetail = ''): Rule =>
  (v) => {
    if (isAbsent(v) || v === '') return required(requiredDetail);
    if (typeof v !== 'string') return wrongType(v, 'a string');
    return valid.includes(v) ? undefined : notSupported(v, valid);
  };

/** A required string checked by a Kubernetes name rule (one message per failure). */
export const named =
  (rule: (s: string) => string[]): Rule =>
  (v) => {
    if (isAbsent(v) || v === '') return required();
    if (typeof v !== 'string') return wrongType(v, 'a string');
    const msgs = rule(v);
    return msgs.length ? invalid(v, msgs[0]) : undefined;
  };

/** A Rule as a class-validator rule, for the query and path DTOs. */
const CheckRule = (name: string, rule: Rule): PropertyDecorator =>
  Check(name, (v, args) => rule(v, args.object as Record<string, unknown>));

export const IsRequiredObject = (): PropertyDecorator => CheckRule('requiredObject', requiredObject);
export const IsOptionalObject = (): PropertyDecorator => CheckRule('optionalObject', optionalObject);
export const IsNonNegativeInt32 = (): PropertyDecorator => CheckRule('nonNegativeInt32', nonNegativeInt32);
export const IsOptionalBoolean = (): PropertyDecorator => CheckRule('optionalBoolean', optionalBoolean);
export const IsOptionalString = (): PropertyDecorator => CheckRule('optionalString', optionalString);
export const IsOneOf = (valid: readonly string[], requiredDetail = ''): PropertyDecorator =>
  CheckRule('oneOf', oneOf(valid, requiredDetail));
export const IsName = (rule: (s: string) => string[]): PropertyDecorator => CheckRule('name', named(rule));
