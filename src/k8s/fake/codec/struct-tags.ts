// Go's JSON encoding of the served types other than Job (whose shape go-types.json carries in
// more detail), from the struct tags recorded in schema/protobuf-fields.json: what Go's encoder
// would not write back (omitempty fields at their zero value, null optionals) does not survive
// a round trip through the Go type, so it does not survive here either.
import data from '../schema/protobuf-fields.json';
import { isObject, Json, own } from '../../json';

interface Tag {
  json: string;
  type: string;
  omitempty?: boolean;
}

const TYPES = data.types as Record<string, Tag[]>;

/** The Go type behind each schema type this table covers. */
const GO_TYPE_OF: Record<string, string> = {
  V1Pod: 'k8s.io/api/core/v1.Pod',
  V1Namespace: 'k8s.io/api/core/v1.Namespace',
  V1Node: 'k8s.io/api/core/v1.Node',
  CoreV1Event: 'k8s.io/api/core/v1.Event',
  EventsV1Event: 'k8s.io/api/events/v1.Event',
};

const ZERO: Record<string, unknown> = { string: '', bool: false, int32: 0, int64: 0, float64: 0 };

function isEmpty(v: unknown, type: string): boolean {
  if (type.startsWith('[]')) return Array.isArray(v) && v.length === 0;
  if (type.startsWith('map[')) return isObject(v) && Object.keys(v).length === 0;
  if (type === 'k8s.io/apimachinery/pkg/types.UID') return v === '';
  return own(ZERO, type) !== undefined && v === ZERO[type];
}

function drop(value: Json, goType: string): void {
  for (const f of TYPES[goType] ?? []) {
    const pointer = f.type.startsWith('*');
    const t = pointer ? f.type.slice(1) : f.type;
    // An inline member's fields sit in the parent object.
    if (!f.json) {
      if (TYPES[t]) drop(value, t);
      continue;
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
