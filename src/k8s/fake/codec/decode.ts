// Decodes a parsed body into a served type the way the apiserver's JSON decoder does:
// unknown fields are dropped (and reported for strict validation), a value of the wrong
// JSON type is a decode error naming the Go struct field, null means "not set".
import { own } from '../../json';
import {
  arrayItem,
  goStructName,
  goTypeName,
  isQuantityField,
  mapValue,
  PropertySchema,
  schemaTypes,
} from './schema';
import { defineKey } from '../../../common/body/json-parse';

export interface DecodeResult {
  object: Record<string, unknown>;
  unknownFields: string[];
  /** The first type error, in encoding/json's words. */
  typeError?: string;
}

const jsonTypeOf = (v: unknown): string => {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
};

interface Ctx {
  unknown: string[];
  typeError?: string;
}

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2147483648, 2147483647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

function typeMismatch(ctx: Ctx, value: string, struct: string, fieldPath: string, goType: string): undefined {
  ctx.typeError ??= `json: cannot unmarshal ${value} into Go struct field ${struct}.${fieldPath} of type ${goType}`;
  return undefined;
}

/**
 * `struct` and `fieldPath` name the innermost Go struct and the dotted field path from
 * the root (encoding/json leaves array indexes out of it); `path` is the Kubernetes
 * field path with indexes, used for unknown-field reports.
 */
function decodeValue(
  v: unknown,
  prop: PropertySchema,
  owner: string,
  field: string,
  fieldPath: string,
  path: string,
  ctx: Ctx,
): unknown {
  if (v === null || v === undefined) return undefined;
  const t = prop.type;
  const struct = goStructName(owner);
  const mismatch = (value = jsonTypeOf(v)): undefined =>
    typeMismatch(ctx, value, struct, fieldPath, goTypeName(t, prop.format));
  if (isQuantityField(owner, field)) {
    const check = (q: unknown): boolean => typeof q === 'string' || typeof q === 'number';
    if (mapValue(t)) {
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch();
      const out: Record<string, unknown> = {};
      for (const [k, q] of Object.entries(v)) {
        if (q === null) continue;
        if (!check(q)) return typeMismatch(ctx, jsonTypeOf(q), struct, fieldPath, 'resource.Quantity');
        defineKey(out, k, q);
      }
      return out;
    }
    return check(v) ? v : typeMismatch(ctx, jsonTypeOf(v), struct, fieldPath, 'resource.Quantity');
  }
  const item = arrayItem(t);
  if (item) {
    if (!Array.isArray(v)) return mismatch();
    const out: unknown[] = [];
    v.forEach((el, i) => {
      const d = decodeValue(
        el,
        { type: item, description: '' },
        owner,
        field,
        fieldPath,
        `${path}[${i}]`,
        ctx,
      );
      // Go keeps null elements as zero values.
      out.push(d === undefined ? zeroOf(item) : d);
    });
    return out;
  }
  const value = mapValue(t);
  if (value) {
    if (typeof v !== 'object' || Array.isArray(v)) return mismatch();
    const out: Record<string, unknown> = {};
    for (const [k, el] of Object.entries(v)) {
      const d = decodeValue(
        el,
        { type: value, description: '' },
        owner,
        field,
        fieldPath,
        `${path}.${k}`,
        ctx,
      );
      defineKey(out, k, d === undefined ? zeroOf(value) : d);
    }
    return out;
  }
  switch (t) {
    case 'string':
      return typeof v === 'string' ? v : mismatch();
    case 'boolean':
      return typeof v === 'boolean' ? v : mismatch();
    case 'number': {
      if (typeof v !== 'number') return mismatch();
      const range = INT_RANGES[prop.format ?? ''];
      if (range && (!Number.isInteger(v) || v < range[0] || v > range[1]))
        return mismatch(`number ${String(v)}`);
      return v;
    }
    case 'Date':
      return typeof v === 'string' ? v : mismatch();
    case 'IntOrString':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      return mismatch(typeof v === 'number' ? `number ${v}` : undefined);
    case 'any':
      return v;
    default:
      if (typeof v !== 'object' || Array.isArray(v)) return mismatch();
      return decodeStruct(v as Record<string, unknown>, t, fieldPath, path, ctx);
  }
}

function zeroOf(t: string): unknown {
  if (t === 'string') return '';
  if (t === 'number') return 0;
  if (t === 'boolean') return false;
  if (arrayItem(t)) return null;
  return {};
}

/**
 * Fields of Kubernetes 1.36's Go types that client-node's models (our schema) do not have yet:
 * alpha fields the apiserver decodes and then drops while their feature gate is off. Found by
 * comparing the schema with src/k8s/fake/schema/go-types.json.
 */
const GATED_FIELDS = new Set(['V1PodSpec.schedulingGroup', 'V1PodCertificateProjection.userAnnotations']);

function decodeStruct(
  obj: Record<string, unknown>,
  typeName: string,
  fieldPath: string,
  path: string,
  ctx: Ctx,
): Record<string, unknown> {
  const schema = schemaTypes[typeName];
  const out: Record<string, unknown> = {};
  if (!schema) return obj;
  for (const [key, v] of Object.entries(obj)) {
    const prop = own(schema.properties, key);
    const childPath = path ? `${path}.${key}` : key;
    if (!prop) {
      // A gated field is kept as sent; the strategy drops it after the field manager saw it.
      if (GATED_FIELDS.has(`${typeName}.${key}`)) defineKey(out, key, v);
      else ctx.unknown.push(childPath);
      continue;
    }
    const d = decodeValue(v, prop, typeName, key, fieldPath ? `${fieldPath}.${key}` : key, childPath, ctx);
    if (d !== undefined) defineKey(out, key, d);
  }
  return out;
}

export function decodeAs(value: Record<string, unknown>, typeName: string): DecodeResult {
  const ctx: Ctx = { unknown: [] };
  const object = decodeStruct(value, typeName, '', '', ctx);
  return { object, unknownFields: ctx.unknown, typeError: ctx.typeError };
}
