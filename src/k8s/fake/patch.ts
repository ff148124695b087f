// The three patch formats of the apiserver: RFC 6902 JSON patch, RFC 7386 merge patch,
// and strategic merge patch with the merge keys of the served types' struct tags.
import { arrayItem, schemaTypes } from './codec/schema';
import { patchMerge } from './codec/struct-tags';
import { deepEqual, isObject, Json, str, own } from '../json';
import { copyJson } from './copy';
import { defineKey } from '../../common/body/json-parse';

export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 422 = 422,
  ) {
    super(message);
  }
}

export const MAX_JSON_PATCH_OPERATIONS = 10000;

const unescapePointer = (s: string): string => s.replace(/~1/g, '/').replace(/~0/g, '~');

function resolveParent(doc: unknown, pointer: string): { parent: unknown; key: string } {
  if (pointer === '') throw new PatchError('jsonpatch: root replacement is not supported');
  if (!pointer.startsWith('/')) throw new PatchError(`jsonpatch: invalid path "${pointer}"`);
  const parts = pointer.slice(1).split('/').map(unescapePointer);
  let cur: unknown = doc;
  for (const p of parts.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObject(cur) && Object.prototype.hasOwnProperty.call(cur, p)) cur = cur[p];
    else throw new PatchError(`doc is missing path: "${pointer}": missing value`);
    if (cur === undefined) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  }
  return { parent: cur, key: parts[parts.length - 1] };
}

function getAt(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  const { parent, key } = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length)
      throw new PatchError(`doc is missing path: "${pointer}": missing value`);
    return parent[i];
  }
  if (isObject(parent) && Object.prototype.hasOwnProperty.call(parent, key)) return parent[key];
  throw new PatchError(`doc is missing path: "${pointer}": missing value`);
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): void {
  const { parent, key } = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length))
      throw new PatchError(
        `jsonpatch ${replace ? 'replace' : 'add'} operation does not apply: doc is missing path: "${pointer}"`,
      );
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
    return;
  }
  if (!isObject(parent)) throw new PatchError(`doc is missing path: "${pointer}": missing value`);
  if (replace && !Object.prototype.hasOwnProperty.call(parent, key))
    throw new PatchError(
      `jsonpatch replace operation does not apply: doc is missing key: ${pointer}: missing value`,
    );
  defineKey(parent, key, value);
}

function removeAt(doc: unknown, pointer: string): unknown {
  const { parent, key } = resolveParent(doc, pointer);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length)
      throw new PatchError(`jsonpatch remove operation does not apply: doc is missing path: "${pointer}"`);
    return parent.splice(i, 1)[0];
  }
  if (!isObject(parent) || !Object.prototype.hasOwnProperty.call(parent, key))
    throw new PatchError(`jsonpatch remove operation does not apply: doc is missing path: "${pointer}"`);
  const v = parent[key];
  delete parent[key];
  return v;
}

export function applyJsonPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops))
    throw new PatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', 400);
  if (ops.length > MAX_JSON_PATCH_OPERATIONS)
    throw new PatchError(
      `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
      422,
    );
  const out = copyJson(doc);
  for (const raw of ops) {
    if (!isObject(raw))
      throw new PatchError('json: cannot unmarshal into Go value of type jsonpatch.Operation', 400);
    const op = str(raw.op);
    const path = str(raw.path);
    switch (op) {
      case 'add':
        addAt(out, path, copyJson(raw.value), false);
        break;
      case 'replace':
        addAt(out, path, copyJson(raw.value), true);
        break;
      case 'remove':
        removeAt(out, path);
        break;
      case 'move': {
        const v = removeAt(out, str(raw.from));
        addAt(out, path, v, false);
        break;
      }
      case 'copy':
        addAt(out, path, copyJson(getAt(out, str(raw.from))), false);
        break;
      case 'test':
        if (!deepEqual(getAt(out, path), raw.value))
          throw new PatchError(`testing value ${path} failed: test failed`);
        break;
      default:
        throw new PatchError(`Unexpected kind: ${op}`);
    }
  }
  return out;
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return copyJson(patch);
  const out: Json = isObject(target) ? copyJson(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else defineKey(out, k, applyMergePatch(out[k], v));
  }
  return out;
}

const typeOf = (typeName: string | undefined, key: string): string | undefined =>
  typeName && schemaTypes[typeName] ? own(schemaTypes[typeName].properties, key)?.type : undefined;

/** Applies a strategic merge patch to `original`, `typeName` being the schema type at this level. */
export function applyStrategicMergePatch(original: unknown, patch: unknown, typeName?: string): unknown {
  if (!isObject(patch)) return copyJson(patch);
  if (patch.$patch === 'replace') {
    const rest = { ...patch };
    delete rest.$patch;
    return stripDirectives(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Json = isObject(original) ? copyJson(original) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set((Array.isArray(v) ? v : []).map((x) => JSON.stringify(x)));
      if (Array.isArray(out[field])) {
        out[field] = (out[field] as unknown[]).filter((x) => !drop.has(JSON.stringify(x)));
        if (!(out[field] as unknown[]).length) delete out[field];
      }
      continue;
    }
    if (v === null) {
      delete out[k];
      continue;
    }
    const fieldType = typeOf(typeName, k);
    const itemType = fieldType && arrayItem(fieldType);
    // The field's patchStrategy and patchMergeKey, from kubernetes/api's struct tags.
    const merge = patchMerge(typeName, k);
    if (Array.isArray(v) && merge && merge !== 'primitive') {
      out[k] = mergeKeyedList(out[k], v, merge, itemType);
    } else if (Array.isArray(v) && merge === 'primitive') {
      const current = Array.isArray(out[k]) ? (out[k] as unknown[]) : [];
      const seen = new Set(current.map((x) => JSON.stringify(x)));
      out[k] = [...current, ...(v as unknown[]).filter((x) => !seen.has(JSON.stringify(x)))];
    } else if (isObject(v)) {
      const merged = applyStrategicMergePatch(
        out[k],
        v,
        fieldType && /^[A-Z]/.test(fieldType) ? fieldType : undefined,
      );
      if (merged === undefined) delete out[k];
      else defineKey(out, k, merged);
    } else {
      defineKey(out, k, copyJson(v));
    }
  }
  return out;
}

function mergeKeyedList(current: unknown, patch: unknown[], key: string, itemType?: string): unknown[] {
  if (patch.some((p) => isObject(p) && p.$patch === 'replace' && Object.keys(p).length === 1))
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(stripDirectives);
  const out = Array.isArray(current) ? copyJson(current) : [];
  for (const item of patch) {
    if (!isObject(item)) {
      out.push(copyJson(item));
      continue;
    }
    const idx = out.findIndex((o) => isObject(o) && deepEqual(o[key], item[key]));
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1);
      continue;
    }
    if (idx >= 0) out[idx] = applyStrategicMergePatch(out[idx], item, itemType);
    else out.push(stripDirectives(item));
  }
  return out;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) if (!k.startsWith('$')) defineKey(out, k, stripDirectives(x));
  return out;
}
