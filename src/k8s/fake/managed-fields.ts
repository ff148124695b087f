// metadata.managedFields as the apiserver's field manager keeps them (apimachinery
// util/managedfields over structured-merge-diff): an Update gives its manager the fields it
// added or changed and takes them from everyone else; an Apply owns exactly what it applied.
// Field sets are written in the FieldsV1 notation: f:<field>, k:{<merge key>}, v:<value>, and
// "." for a node that is itself a member and also has members below it.
import { arrayItem, schemaTypes } from './codec/schema';
import { fieldTag } from './codec/struct-tags';
import { deepEqual, isObject, Json, own } from '../json';
import { errors } from '../status';

/** Never tracked (stripmeta.go). */
const STRIPPED_META = new Set([
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
]);

/** A set of field paths, as a tree. */
interface FieldSet {
  member: boolean;
  children: Map<string, FieldSet>;
}
const emptySet = (member = false): FieldSet => ({ member, children: new Map() });
const isEmpty = (s: FieldSet): boolean => !s.member && s.children.size === 0;

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ORDER = ['.', 'f:', 'k:', 'v:', 'i:'];
const rank = (k: string): number => ORDER.findIndex((p) => k.startsWith(p));
/** A set's children in the order structured-merge-diff writes them: fields, keys, values, indexes. */
const sortedKeys = (set: FieldSet): string[] =>
  [...set.children.keys()].sort((x, y) => rank(x) - rank(y) || byCodeUnits(x, y));

type Shape =
  | { kind: 'leaf' }
  | { kind: 'struct'; type: string }
  | { kind: 'map' }
  | { kind: 'assoc'; type: string | undefined; keys: string[] }
  | { kind: 'set' };

/**
 * How structured-merge-diff sees a list or map, from the Go markers: +listType=map with its
 * keys, set, or atomic; without a marker, a merge patch strategy makes a list keyed by its
 * merge key (or a set of scalars), and anything else is atomic.
 */
function listShape(parent: string | undefined, key: string, itemType: string | undefined): Shape {
  const tag = fieldTag(parent, key);
  if (tag?.listType === 'map' && tag.listMapKeys?.length)
    return { kind: 'assoc', type: itemType, keys: tag.listMapKeys };
  if (tag?.listType === 'set') return { kind: 'set' };
  if (tag?.listType) return { kind: 'leaf' };
  if (tag?.patchStrategy?.split(',').includes('merge'))
    return tag.patchMergeKey ? { kind: 'assoc', type: itemType, keys: [tag.patchMergeKey] } : { kind: 'set' };
  return { kind: 'leaf' };
}

function shapeOf(parent: string | undefined, key: string, value: unknown): Shape {
  const t = parent ? own(schemaTypes[parent]?.properties ?? {}, key)?.type : undefined;
  if (Array.isArray(value)) return listShape(parent, key, t ? arrayItem(t) : undefined);
  if (isObject(value) && t && /^[A-Z]/.test(t)) return { kind: 'struct', type: t };
  // A field our schema lacks (an alpha field the decoder kept): its object is a struct.
  if (isObject(value) && !t) return { kind: 'struct', type: '' };
  if (isObject(value) && t?.startsWith('{ [key: string]') && fieldTag(parent, key)?.mapType !== 'atomic')
    return { kind: 'map' };
  return { kind: 'leaf' };
}

const itemKey = (el: Json, keys: string[]): string => {
  const key: Json = {};
  for (const k of keys) if (el[k] !== undefined) key[k] = el[k];
  return `k:${JSON.stringify(key)}`;
};

/** The fields of a struct value, each under its f: name, with the shape it has there. */
function fieldsOf(value: unknown, type: string | undefined, skip: (k: string) => boolean) {
  const out = new Map<string, { value: unknown; shape: Shape }>();
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || skip(k)) continue;
    if (type === 'V1ObjectMeta' && STRIPPED_META.has(k)) continue;
    out.set(`f:${k}`, { value: v, shape: shapeOf(type, k, v) });
  }
  return out;
}

function elementsOf(value: unknown, shape: Shape): Map<string, { value: unknown; shape: Shape }> {
  const out = new Map<string, { value: unknown; shape: Shape }>();
  if (shape.kind === 'map' && isObject(value))
    for (const [k, v] of Object.entries(value)) out.set(`f:${k}`, { value: v, shape: { kind: 'leaf' } });
  if (shape.kind === 'assoc' && Array.isArray(value))
    for (const el of value)
      if (isObject(el))
        out.set(itemKey(el, shape.keys), { value: el, shape: { kind: 'struct', type: shape.type ?? '' } });
  if (shape.kind === 'set' && Array.isArray(value))
    for (const el of value) out.set(`v:${JSON.stringify(el)}`, { value: el, shape: { kind: 'leaf' } });
  if (shape.kind === 'struct') return fieldsOf(value, shape.type, () => false);
  return out;
}

/** Every path of a value, each a member: what an added or removed node contributes. */
function wholeSet(value: unknown, shape: Shape): FieldSet {
  const set = emptySet(true);
  if (shape.kind !== 'leaf')
    for (const [k, c] of elementsOf(value, shape)) set.children.set(k, wholeSet(c.value, c.shape));
  return set;
}

/** What an applied configuration sets: its leaves and list items, not the structs around them. */
function appliedSet(value: unknown, shape: Shape): FieldSet {
  if (shape.kind === 'leaf') return emptySet(true);
  const children = elementsOf(value, shape);
  // An empty object is a value of its own; one emptied by the stripped metadata fields is not.
  const set = emptySet(isObject(value) ? Object.keys(value).length === 0 : children.size === 0);
  for (const [k, c] of children) {
    const child = appliedSet(c.value, c.shape);
    if (shape.kind === 'assoc') child.member = true;
    if (!isEmpty(child)) set.children.set(k, child);
  }
  return set;
}

interface Comparison {
  changed: FieldSet;
  removed: FieldSet;
}

function compareChildren(
  before: Map<string, { value: unknown; shape: Shape }>,
  after: Map<string, { value: unknown; shape: Shape }>,
  into: Comparison,
): void {
  for (const [k, b] of before) if (!after.has(k)) into.removed.children.set(k, wholeSet(b.value, b.shape));
  for (const [k, a] of after) {
    const b = before.get(k);
    if (!b) {
      into.changed.children.set(k, wholeSet(a.value, a.shape));
      continue;
    }
    // A null in the "before" is the Go zero value of a list or map: present, but empty.
    const beforeElements =
      b.value === null && a.shape.kind !== 'leaf'
        ? new Map<string, { value: unknown; shape: Shape }>()
        : undefined;
    if (!beforeElements && (a.shape.kind === 'leaf' || b.shape.kind !== a.shape.kind)) {
      if (!deepEqual(a.value, b.value)) into.changed.children.set(k, emptySet(true));
      continue;
    }
    const sub: Comparison = { changed: emptySet(), removed: emptySet() };
    compareChildren(beforeElements ?? elementsOf(b.value, b.shape), elementsOf(a.value, a.shape), sub);
    if (sub.changed.children.size) into.changed.children.set(k, sub.changed);
    if (sub.removed.children.size) into.removed.children.set(k, sub.removed);
  }
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out = emptySet(a.member || b.member);
  for (const [k, c] of a.children) out.children.set(k, c);
  for (const [k, c] of b.children) {
    const mine = out.children.get(k);
    out.children.set(k, mine ? union(mine, c) : c);
  }
  return out;
}

/** a without the members of b; nodes left with nothing are dropped. */
function difference(a: FieldSet, b: FieldSet): FieldSet {
  const out = emptySet(a.member && !b.member);
  for (const [k, c] of a.children) {
    const other = b.children.get(k);
    const rest = other ? difference(c, other) : c;
    if (rest.member || rest.children.size) out.children.set(k, rest);
  }
  return out;
}

/** The members both sets have. */
function intersection(a: FieldSet, b: FieldSet): FieldSet {
  const out = emptySet(a.member && b.member);
  for (const [k, c] of a.children) {
    const other = b.children.get(k);
    if (!other) continue;
    const both = intersection(c, other);
    if (!isEmpty(both)) out.children.set(k, both);
  }
  return out;
}

/** One path element as structured-merge-diff prints it: .name, [key="v"], [=value]. */
function printElement(k: string): string {
  if (k.startsWith('f:')) return `.${k.slice(2)}`;
  if (k.startsWith('v:')) return `[=${k.slice(2)}]`;
  if (k.startsWith('i:')) return `[${k.slice(2)}]`;
  const key = JSON.parse(k.slice(2)) as Json;
  return `[${Object.keys(key)
    .sort()
    .map((f) => `${f}=${JSON.stringify(key[f])}`)
    .join(',')}]`;
}

/** Every member path of a set, printed, in the set's order. */
function memberPaths(set: FieldSet, prefix = ''): string[] {
  const out: string[] = [];
  if (set.member && prefix) out.push(prefix);
  for (const k of sortedKeys(set))
    out.push(...memberPaths(set.children.get(k) as FieldSet, prefix + printElement(k)));
  return out;
}

/** How the apiserver names a manager in a conflict: "name" [with subresource "s"] [using v]. */
function printManager(e: ManagerEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  // The manager's identity carries no time, so none is printed.
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

function conflictError(conflicts: { entry: ManagerEntry; paths: string[] }[]): Error {
  const all = conflicts.flatMap((c) => c.paths.map((p) => ({ who: printManager(c.entry), path: p })));
  const causes = all.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${c.who}`,
    field: c.path,
  }));
  if (all.length === 1)
    return errors.applyConflict(
      causes,
      `Apply failed with 1 conflict: conflict with ${all[0].who}: ${all[0].path}`,
    );
  const lines = [...conflicts]
    .sort((a, b) => byCodeUnits(printManager(a.entry), printManager(b.entry)))
    .flatMap((c) => [`conflicts with ${printManager(c.entry)}:`, ...c.paths.map((p) => `- ${p}`)]);
  return errors.applyConflict(causes, `Apply failed with ${all.length} conflicts: ${lines.join('\n')}`);
}

function toFieldsV1(set: FieldSet): Json {
  const out: Json = {};
  if (set.member && set.children.size) out['.'] = {};
  for (const k of sortedKeys(set)) out[k] = toFieldsV1(set.children.get(k) as FieldSet);
  return out;
}

function fromFieldsV1(v: unknown): FieldSet {
  const set = emptySet();
  if (!isObject(v)) return set;
  const keys = Object.keys(v);
  set.member = keys.length === 0 || keys.includes('.');
  for (const k of keys) if (k !== '.') set.children.set(k, fromFieldsV1(v[k]));
  return set;
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

export interface ManagedWrite {
  /** The live object, or undefined for a create. */
  old: Json | undefined;
  /** The object as written: decoded and defaulted, before the strategy's own changes. */
  obj: Json;
  typeName: string;
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  subresource?: string;
  /** The configuration sent by an Apply. */
  applied?: Json;
  /** An Apply with force=true takes conflicting fields instead of failing. */
  force?: boolean;
}

/** The Go zero value of the type as JSON: the "before" of a create. */
function zeroValue(typeName: string): Json {
  if (typeName === 'V1Job')
    return { metadata: {}, spec: { template: { metadata: {}, spec: { containers: null } } } };
  return { metadata: {} };
}

/** The managedFields of `w.obj` after the write `w` describes. */
export function updateManagedFields(w: ManagedWrite): ManagerEntry[] {
  const scope = (k: string): boolean =>
    k === 'apiVersion' || k === 'kind' || (w.subresource === 'status' ? k !== 'status' : k === 'status');
  const root = (o: unknown) => fieldsOf(o, w.typeName, scope);
  const cmp: Comparison = { changed: emptySet(), removed: emptySet() };
  compareChildren(root(w.old ?? zeroValue(w.typeName)), root(w.obj), cmp);

  const oldEntries = isObject(w.old?.metadata) ? w.old.metadata.managedFields : undefined;
  const previous = (Array.isArray(oldEntries) ? (oldEntries as ManagerEntry[]) : []).map((e) => ({
    entry: e,
    set: fromFieldsV1(e.fieldsV1),
  }));
  const same = (e: ManagerEntry): boolean =>
    e.manager === w.manager && e.operation === w.operation && e.subresource === w.subresource;

  const apply = w.operation === 'Apply';
  // An Update owns what it changed; an Apply owns what it applied.
  const mine = apply ? emptySet() : cmp.changed;
  if (apply)
    for (const [k, c] of root(w.applied ?? {})) {
      const child = appliedSet(c.value, c.shape);
      if (!isEmpty(child)) mine.children.set(k, child);
    }
  if (apply && !w.force) {
    // Fields another manager owns that this apply would change.
    const conflicts = previous
      .filter((p) => !same(p.entry))
      .map((p) => ({ entry: p.entry, paths: memberPaths(intersection(p.set, cmp.changed)) }))
      .filter((c) => c.paths.length);
    if (conflicts.length) throw conflictError(conflicts);
  }
  // Changed and removed fields leave their other owners; a field set to the value it had is shared.
  const taken = union(cmp.changed, cmp.removed);
  const entries: ManagerEntry[] = [];
  let ownPrev: { entry: ManagerEntry; set: FieldSet } | undefined;
  for (const p of previous) {
    if (same(p.entry)) {
      ownPrev = p;
      continue;
    }
    const rest = difference(p.set, taken);
    if (!isEmpty(rest)) entries.push({ ...p.entry, fieldsV1: toFieldsV1(rest) });
  }
  // An Update adds to what its manager owned; one that changed nothing keeps the entry's time.
  const touched = apply || !isEmpty(mine);
  const set = !apply && ownPrev ? union(difference(ownPrev.set, cmp.removed), mine) : mine;
  if (!isEmpty(set)) {
    const entry: ManagerEntry = {
      manager: w.manager,
      operation: w.operation,
      apiVersion: w.apiVersion,
      time: touched || !ownPrev ? w.time : ownPrev.entry.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(set),
    };
    if (w.subresource) entry.subresource = w.subresource;
    entries.push(entry);
  }
  return sortEntries(entries);
}

/** The apiserver's order: operation, then time (seconds), manager, apiVersion, subresource. */
function sortEntries(entries: ManagerEntry[]): ManagerEntry[] {
  return entries.sort(
    (p, q) =>
      byCodeUnits(p.operation, q.operation) ||
      Date.parse(p.time) - Date.parse(q.time) ||
      byCodeUnits(p.manager, q.manager) ||
      byCodeUnits(p.apiVersion, q.apiVersion) ||
      byCodeUnits(p.subresource ?? '', q.subresource ?? ''),
  );
}
