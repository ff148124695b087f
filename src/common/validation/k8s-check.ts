// Rules that answer in the apiserver's words: each failure carries the cause reason and
// message body a Kubernetes client already knows. The path and query DTOs declare theirs with
// Check and From, read by ParamsPipe (params.pipe.ts): a table walked per request, without
// class-transformer and class-validator, which cost about a fifth of a proxied GET.
import { FieldErrorType, renderValue } from '../../k8s/validation/field';
import { isObject } from '../../k8s/json';

export interface CheckFailure {
  type: FieldErrorType;
  body: string;
}

/** A rule on one field's value; `parent` is the object that holds it (a DTO: the converted one). */
export type Rule = (value: unknown, parent: Record<string, unknown>) => CheckFailure | undefined;

/** What a DTO declares for one property, in declaration order. */
export interface DtoField {
  property: string;
  convert?: (value: unknown) => unknown;
  checks: Rule[];
}

const declared = new WeakMap<object, DtoField[]>();

function fieldOf(target: object, property: string | symbol): DtoField {
  const name = String(property);
  let fields = declared.get(target);
  if (!fields) declared.set(target, (fields = []));
  let f = fields.find((x) => x.property === name);
  if (!f) fields.push((f = { property: name, checks: [] }));
  return f;
}

/**
 * The fields a DTO class declares, its parents' first (URL order for the path DTOs); empty
 * for a class that declares none.
 */
export function dtoFields(cls: { prototype: unknown }): readonly DtoField[] {
  const chain: DtoField[][] = [];
  for (
    let proto: unknown = cls.prototype;
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const own = declared.get(proto);
    if (own) chain.unshift(own);
  }
  return chain.flat();
}

/** A rule on the property; the failure is a field error at the property's name. */
export function Check(fn: Rule): PropertyDecorator {
  return (target, property) => void fieldOf(target, property).checks.push(fn);
}

/** How the property's query text becomes its value (toBool, toInt), before any Check. */
export function From(convert: (value: unknown) => unknown): PropertyDecorator {
  return (target, property) => {
    fieldOf(target, property).convert = convert;
  };
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

export const IsName = (rule: (s: string) => string[]): PropertyDecorator => Check(named(rule));
