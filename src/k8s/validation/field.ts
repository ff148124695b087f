// Field errors as apimachinery's util/validation/field renders them: the same reasons,
// the same "<path>: <body>" text, and the same aggregate in an Invalid Status.
import { errors, StatusCause, StatusError } from '../status';

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  field: string;
  body: string;
}

/** A marker for Invalid errors whose value is left out of the message. */
export const OMIT_VALUE = Symbol('omit');

/** A value already printed as the apiserver prints it; errors show its text as it is. */
export class RenderedValue {
  constructor(readonly text: string) {}
}

/** Renders a value as Kubernetes ≥1.34 does: numbers and bools bare, strings Go-quoted, the rest as JSON. */
export function renderValue(value: unknown): string {
  if (value instanceof RenderedValue) return value.text;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value);
}

/** Go's %q for the strings we meet: JSON escaping minus the forms Go spells differently. */
export function goQuote(s: string): string {
  return JSON.stringify(s)
    .replace(/\\u007f/g, '\\x7f')
    .replace(/\\u00([0-1][0-9a-f])/g, (_, h: string) => `\\x${h}`);
}

export class Path {
  private constructor(private readonly text: string) {}
  static root(name: string): Path {
    return new Path(name);
  }
  child(name: string, ...more: string[]): Path {
    let t = this.text ? `${this.text}.${name}` : name;
    for (const m of more) t += `.${m}`;
    return new Path(t);
  }
  index(i: number): Path {
    return new Path(`${this.text}[${i}]`);
  }
  key(k: string): Path {
    return new Path(`${this.text}[${k}]`);
  }
  toString(): string {
    return this.text;
  }
}

const quoteList = (values: readonly string[]): string => values.map((v) => goQuote(v)).join(', ');

export const field = {
  required: (p: Path, detail = ''): FieldError => ({
    type: 'FieldValueRequired',
    field: String(p),
    body: detail ? `Required value: ${detail}` : 'Required value',
  }),
  invalid: (p: Path, value: unknown, detail: string): FieldError => ({
    type: 'FieldValueInvalid',
    field: String(p),
    body:
      value === OMIT_VALUE
        ? `Invalid value: ${detail}`
        : `Invalid value: ${renderValue(value)}${detail ? `: ${detail}` : ''}`,
  }),
  notSupported: (p: Path, value: unknown, valid: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field: String(p),
    body: `Unsupported value: ${renderValue(value)}${valid.length ? `: supported values: ${quoteList(valid)}` : ''}`,
  }),
  duplicate: (p: Path, value: unknown): FieldError => ({
    type: 'FieldValueDuplicate',
    field: String(p),
    body: `Duplicate value: ${renderValue(value)}`,
  }),
  forbidden: (p: Path, detail: string): FieldError => ({
    type: 'FieldValueForbidden',
    field: String(p),
    body: `Forbidden: ${detail}`,
  }),
  tooLong: (p: Path, max: number): FieldError => ({
    type: 'FieldValueTooLong',
    field: String(p),
    body: `Too long: may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}`,
  }),
  tooMany: (p: Path, actual: number, max: number): FieldError => ({
    type: 'FieldValueTooMany',
    field: String(p),
    body: `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}`,
  }),
  notFound: (p: Path, value: unknown): FieldError => ({
    type: 'FieldValueNotFound',
    field: String(p),
    body: `Not found: ${renderValue(value)}`,
  }),
};

export const errorText = (e: FieldError): string => (e.field ? `${e.field}: ${e.body}` : e.body);

/** "<e>" for one distinct message, "[e1, e2]" for more, as util/errors' aggregate prints it. */
export function aggregate(list: readonly FieldError[]): string {
  const distinct = [...new Set(list.map(errorText))];
  return distinct.length === 1 ? distinct[0] : `[${distinct.join(', ')}]`;
}

export function toCauses(list: readonly FieldError[]): StatusCause[] {
  return list.map((e) => ({ reason: e.type, message: e.body, field: e.field }));
}

/** The 422 the apiserver answers for a list of field errors on an object. */
export function invalidError(
  group: string,
  kind: string,
  name: string,
  list: readonly FieldError[],
): StatusError {
  return errors.invalid(group, kind, name, toCauses(list), aggregate(list));
}
