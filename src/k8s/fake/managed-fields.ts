// A best-effort metadata.managedFields: which fields a manager set, in the FieldsV1
// notation (f:<field>, k:{<merge key>}, v:<value>, "." for the node itself).
import { arrayItem, schemaTypes } from './codec/schema';
import { isObject, Json, own } from '../json';

const LIST_KEYS: Record<string, string[]> = {
  'V1PodSpec.containers': ['name'],
  'V1PodSpec.initContainers': ['name'],
  'V1PodSpec.volumes': ['name'],
  'V1PodSpec.imagePullSecrets': ['name'],
  'V1Container.env': ['name'],
  'V1Container.ports': ['containerPort', 'protocol'],
  'V1Container.volumeMounts': ['mountPath'],
  'V1ObjectMeta.ownerReferences': ['uid'],
  'V1JobStatus.conditions': ['type'],
};
const SET_LISTS = new Set(['V1ObjectMeta.finalizers']);
const IGNORED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'generateName',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

function fieldsOf(value: unknown, typeName: string | undefined, top: boolean): Json {
  const out: Json = {};
  if (!isObject(value)) return out;
  const schema = typeName ? schemaTypes[typeName] : undefined;
  for (const [k, v] of Object.entries(value)) {
    if (top && (k === 'kind' || k === 'apiVersion' || k === 'status')) continue;
    if (typeName === 'V1ObjectMeta' && IGNORED_META.has(k)) continue;
    const t = schema ? own(schema.properties, k)?.type : undefined;
    const listKey = `${typeName}.${k}`;
    const item = t ? arrayItem(t) : undefined;
    const listKeys = own(LIST_KEYS, listKey);
    if (Array.isArray(v) && listKeys) {
      const entries: Json = {};
      for (const el of v) {
        if (!isObject(el)) continue;
        const key: Json = {};
        for (const kk of listKeys) if (el[kk] !== undefined) key[kk] = el[kk];
        entries[`k:${JSON.stringify(key)}`] = { '.': {}, ...fieldsOf(el, item, false) };
      }
      out[`f:${k}`] = entries;
    } else if (Array.isArray(v) && SET_LISTS.has(listKey)) {
      const entries: Json = { '.': {} };
      for (const el of v) entries[`v:${JSON.stringify(el)}`] = {};
      out[`f:${k}`] = entries;
    } else if (isObject(v) && t && /^[A-Z]/.test(t)) {
      out[`f:${k}`] = fieldsOf(v, t, false);
    } else if (isObject(v) && t && t.startsWith('{ [key: string]')) {
      const entries: Json = { '.': {} };
      for (const mk of Object.keys(v)) entries[`f:${mk}`] = {};
      out[`f:${k}`] = entries;
    } else {
      out[`f:${k}`] = {};
    }
  }
  return out;
}

export interface ManagerEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

export function managedFieldsEntry(
  obj: Json,
  typeName: string,
  manager: string,
  operation: 'Update' | 'Apply',
  apiVersion: string,
  time: string,
  subresource?: string,
): ManagerEntry {
  const fields =
    subresource === 'status'
      ? { 'f:status': fieldsOf(obj.status, `${typeName}Status`, false) }
      : fieldsOf(obj, typeName, true);
  const entry: ManagerEntry = {
    manager,
    operation,
    apiVersion,
    time,
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
  };
  if (subresource) entry.subresource = subresource;
  return entry;
}

/** Records a write by `entry.manager`: its entry is replaced, others kept. */
export function recordManager(existing: unknown, entry: ManagerEntry): ManagerEntry[] {
  const list = Array.isArray(existing) ? (existing as ManagerEntry[]) : [];
  const kept = list.filter(
    (e) =>
      !(
        e.manager === entry.manager &&
        e.operation === entry.operation &&
        e.subresource === entry.subresource
      ),
  );
  return [...kept, entry];
}
