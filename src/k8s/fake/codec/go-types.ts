// The Go shape of batch/v1 Job, generated from Kubernetes' own types (npm run gen:go-types):
// field order, json tags, omitempty/omitzero, for the external and the internal type.
// The apiserver json.Marshals internal values into validation messages, and internal types
// carry no json tags, so their fields print under their Go names.
import data from '../schema/go-types.json';
import { isObject, Json, own } from '../../json';
import { RenderedValue } from '../../validation/field';

interface GoField {
  go: string;
  json?: string;
  omitempty?: boolean;
  omitzero?: boolean;
  inline?: boolean;
  type: string;
}
interface GoShape {
  kind: string;
  elem?: string;
  fields?: GoField[];
}

const types = data.types as Record<string, GoShape>;
const ROOTS: { external: string; internal: string } = data.roots;

const shape = (t: string | undefined): GoShape =>
  t ? (types[t] ?? { kind: 'interface' }) : { kind: 'interface' };
const NUMBER = /^(u?int(8|16|32|64)?|float(32|64))$/;

/** The external field that has the same Go name, with its value. */
function externalField(
  ext: unknown,
  extType: string | undefined,
  goName: string,
): { value: unknown; type?: string } {
  const fields = shape(extType).fields ?? [];
  for (const f of fields) {
    if (f.go === goName) {
      if (f.inline) return { value: ext, type: f.type };
      return { value: isObject(ext) && f.json ? ext[f.json] : undefined, type: f.type };
    }
  }
  for (const f of fields)
    if (f.inline) {
      const found = externalField(ext, f.type, goName);
      if (found.type) return found;
    }
  return { value: undefined };
}

const deref = (t: string | undefined): string | undefined => {
  const s = shape(t);
  return s.kind === 'ptr' ? s.elem : t;
};

function isEmptyValue(value: unknown, t: string): boolean {
  const s = shape(t);
  if (value === undefined || value === null) return true;
  switch (s.kind) {
    case 'slice':
    case 'map':
      return Array.isArray(value) ? value.length === 0 : isObject(value) && Object.keys(value).length === 0;
    case 'string':
      return value === '';
    case 'bool':
      return value === false;
    default:
      return NUMBER.test(s.kind) ? value === 0 : false;
  }
}

function structFields(value: unknown, intType: string, extType: string | undefined, out: string[]): void {
  for (const f of shape(intType).fields ?? []) {
    const ext = externalField(value, extType, f.go);
    if (f.inline) {
      structFields(ext.value, deref(f.type) ?? f.type, deref(ext.type), out);
      continue;
    }
    const v = ext.value;
    if (f.omitempty && isEmptyValue(v, f.type)) continue;
    if (f.omitzero && (v === undefined || v === null)) continue;
    out.push(`${JSON.stringify(f.json ?? f.go)}:${marshal(v, f.type, ext.type)}`);
  }
}

/** Go's json.Marshal of the internal value that `value`, an external one, converts to. */
function marshal(value: unknown, intType: string, extType: string | undefined): string {
  const s = shape(intType);
  const absent = value === undefined || value === null;
  switch (s.kind) {
    case 'ptr':
      return absent ? 'null' : marshal(value, s.elem ?? '', deref(extType));
    case 'slice': {
      if (absent || !Array.isArray(value)) return 'null';
      const elemExt = shape(extType).kind === 'slice' ? shape(extType).elem : undefined;
      return `[${value.map((v) => marshal(v, s.elem ?? '', elemExt)).join(',')}]`;
    }
    case 'map': {
      if (absent || !isObject(value)) return 'null';
      const elemExt = shape(extType).kind === 'map' ? shape(extType).elem : undefined;
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${marshal(value[k], s.elem ?? '', elemExt)}`).join(',')}}`;
    }
    case 'struct': {
      const out: string[] = [];
      structFields(value, intType, deref(extType), out);
      return `{${out.join(',')}}`;
    }
    case 'string':
      return JSON.stringify(typeof value === 'string' ? value : '');
    case 'bool':
      return value === true ? 'true' : 'false';
    default:
      if (NUMBER.test(s.kind)) return typeof value === 'number' ? String(value) : '0';
      return absent ? 'null' : JSON.stringify(value);
  }
}

/** The internal and external types of the field at a JSON path of a Job (e.g. spec.template). */
function typesAt(path: string[]): { intType?: string; extType?: string } {
  let intType: string | undefined = ROOTS.internal;
  let extType: string | undefined = ROOTS.external;
  for (const key of path) {
    const ext: GoField | undefined = (shape(deref(extType)).fields ?? []).find((f) => f.json === key);
    if (!ext) return {};
    const goName = ext.go;
    extType = ext.type;
    const find = (t: string | undefined): GoField | undefined => {
      for (const f of shape(deref(t)).fields ?? []) {
        if (f.go === goName) return f;
        if (f.inline) {
          const inner = find(f.type);
          if (inner) return inner;
        }
      }
      return undefined;
    };
    intType = find(intType)?.type;
    if (!intType) return {};
  }
  return { intType, extType };
}

/** A Job field's value as the apiserver prints it in a validation message. */
export function internalValue(path: string, value: unknown): unknown {
  if (!isObject(value) && !Array.isArray(value)) return value;
  const { intType, extType } = typesAt(path.split('.'));
  return intType ? new RenderedValue(marshal(value, intType, extType)) : value;
}

/** The Go type behind a schema type, where the generated shapes have it (Job, for now). */
const GO_TYPE_OF: Record<string, string> = { V1Job: ROOTS.external };

/**
 * Removes from a decoded object what Go's encoder would leave out (omitempty fields at their zero
 * value, null optionals); objects of types without a generated Go shape are left as they are.
 */
export function dropEmptyFields(value: Json, schemaType: string): void {
  const type = own(GO_TYPE_OF, schemaType);
  if (type) dropEmpty(value, type);
}

function dropEmpty(value: Json, type: string): void {
  for (const f of shape(deref(type)).fields ?? []) {
    if (f.inline) {
      dropEmpty(value, f.type);
      continue;
    }
    if (!f.json || !(f.json in value)) continue;
    const v = value[f.json];
    const optional = f.omitempty || f.omitzero || shape(f.type).kind === 'ptr';
    if ((f.omitempty && isEmptyValue(v, f.type)) || (v === null && optional)) {
      delete value[f.json];
      continue;
    }
    const inner = shape(deref(f.type));
    if (inner.kind === 'struct' && isObject(v)) dropEmpty(v, deref(f.type) ?? f.type);
    if (inner.kind === 'slice' && Array.isArray(v) && shape(inner.elem).kind === 'struct')
      for (const el of v) if (isObject(el)) dropEmpty(el, inner.elem ?? '');
  }
}
