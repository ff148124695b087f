// What kubernetes/api's struct tags and markers say about each field of the served types
// (schema/struct-tags.json, scripts/gen-struct-tags.mjs): how Go's JSON encoder drops zero
// values, how strategic merge patch merges a list (patchStrategy, patchMergeKey), and how the
// field manager tracks it (+listType, +listMapKey, +mapType).
import data from '../schema/struct-tags.json';
import { isObject, Json, own } from '../../json';

export interface Tag {
  json: string;
  type: string;
  omitempty?: boolean;
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
}

const TYPES = data.types as Record<string, Tag[]>;

/** The Go types whose zero values are dropped here (Job's are dropped by go-types.ts). */
const GO_TYPE_OF: Record<string, string> = {
  V1Pod: 'k8s.io/api/core/v1.Pod',
  V1Namespace: 'k8s.io/api/core/v1.Namespace',
  V1Node: 'k8s.io/api/core/v1.Node',
  CoreV1Event: 'k8s.io/api/core/v1.Event',
  EventsV1Event: 'k8s.io/api/events/v1.Event',
};

// The generated client's names for Go types: V1PodSpec, CoreV1Event, EventsV1Event.
const PREFIXES: [string, string[]][] = [
  ['k8s.io/api/batch/v1.', ['V1']],
  ['k8s.io/api/core/v1.', ['V1', 'CoreV1']],
  ['k8s.io/apimachinery/pkg/apis/meta/v1.', ['V1']],
  ['k8s.io/api/events/v1.', ['EventsV1']],
];
const BY_SCHEMA_NAME = (() => {
  const out = new Map<string, Record<string, Tag>>();
  for (const [pkg, prefixes] of PREFIXES)
    for (const [goType, tags] of Object.entries(TYPES)) {
      if (!goType.startsWith(pkg)) continue;
      const byJson = Object.fromEntries(tags.filter((t) => t.json).map((t) => [t.json, t]));
      for (const p of prefixes) {
        const name = `${p}${goType.slice(pkg.length)}`;
        if (!out.has(name)) out.set(name, byJson);
      }
    }
  return out;
})();

/** The tags of a field of a schema type (`V1PodSpec`, `containers`), if the table has it. */
export function fieldTag(schemaType: string | undefined, field: string): Tag | undefined {
  const fields = schemaType ? BY_SCHEMA_NAME.get(schemaType) : undefined;
  return fields ? own(fields, field) : undefined;
}

/** A list's merge key under strategic merge patch, or 'primitive' for a merged list of scalars. */
export function patchMerge(schemaType: string | undefined, field: string): string | undefined {
  const tag = fieldTag(schemaType, field);
  if (!tag?.patchStrategy?.split(',').includes('merge')) return undefined;
  return tag.patchMergeKey ?? 'primitive';
}

const ZERO: Record<string, unknown> = { string: '', bool: false, int32: 0, int64: 0, float64: 0 };

function isEmpty(v: unknown, type: string): boolean {
  if (type.startsWith('[]')) return Array.isArray(v) && v.length === 0;
  if (type.startsWith('map[')) return isObject(v) && Object.keys(v).length === 0;
  if (type === 'k8s.io/apimachinery/pkg/types.UID') return v === '';
  return own(ZERO, type) !== undefined && v === ZERO[type];
}

const TIMES = new Set([
  'k8s.io/apimachinery/pkg/apis/meta/v1.Time',
  'k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime',
]);

const OBJECT_META = 'k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta';

function drop(value: Json, goType: string): void {
  for (const f of TYPES[goType] ?? []) {
    const pointer = f.type.startsWith('*');
    const t = pointer ? f.type.slice(1) : f.type;
    // An inline member's fields sit in the parent object.
    if (!f.json) {
      if (TYPES[t]) drop(value, t);
      continue;
    }
    // A metav1.Time held by value (not a pointer) is always there once decoded into Go: a zero
    // one is written as null, omitempty or not. So pod conditions keep `lastProbeTime: null` as
    // the real apiserver returns them, even after a merge patch that sent null to clear it.
    // ObjectMeta's creationTimestamp is the server's to set.
    if (!pointer && TIMES.has(t) && goType !== OBJECT_META) {
      if (value[f.json] === undefined) value[f.json] = null;
      if (value[f.json] === null) continue;
    }
    if (!(f.json in value)) continue;
    const v = value[f.json];
    if ((v === null && (pointer || f.omitempty)) || (!pointer && f.omitempty && isEmpty(v, t))) {
      delete value[f.json];
      continue;
    }
    if (TYPES[t] && isObject(v)) drop(v, t);
    const item = t.startsWith('[]') ? t.slice(2) : undefined;
    if (item && TYPES[item] && Array.isArray(v)) for (const el of v) if (isObject(el)) drop(el, item);
  }
}

export function dropEmptyByTags(value: Json, schemaType: string): void {
  const goType = own(GO_TYPE_OF, schemaType);
  if (goType) drop(value, goType);
}
