// metadata.managedFields as the apiserver's field manager keeps them (apimachinery
// util/managedfields over structured-merge-diff): an Update gives its manager the fields it
// added or changed and takes them from everyone else; an Apply owns exactly what it applied.
// Field sets are written in the FieldsV1 notation: f:<field>, k:{<merge key>}, v:<value>, and
// "." for a node that is itself a member and also has members below it. An update may set the
// entries itself (fieldmanager.go decodeLiveOrNew): valid ones are kept as sent, an empty list
// or one empty entry clears them, anything else leaves the live ones.
import { arrayItem, schemaTypes } from './codec/schema';
import { fieldTag } from './codec/struct-tags';
import { deepEqual, isObject, Json, own } from '../json';
import { copyJson } from './copy';
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

/** Whether a key's text is JSON (an object, for a k: key). */
function readsAsJson(text: string, object: boolean): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return !object || isObject(v);
  } catch {
    return false;
  }
}

/** FieldsToSet: undefined when a key is not one structured-merge-diff can read. */
function parseFieldsV1(v: unknown): FieldSet | undefined {
  if (!isObject(v)) return undefined;
  for (const [k, child] of Object.entries(v)) {
    if (k === '.') continue;
    const body = k.slice(2);
    const readable =
      k.startsWith('f:') ||
      (k.startsWith('k:') && readsAsJson(body, true)) ||
      (k.startsWith('v:') && readsAsJson(body, false)) ||
      (k.startsWith('i:') && /^-?\d+$/.test(body));
    if (!readable || !parseFieldsV1(child)) return undefined;
  }
  return fromFieldsV1(v);
}

export interface ManagerEntry {
  /** Omitted when empty, as Go's omitempty does. */
  manager?: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  /** An Apply that changed nothing carries no time. */
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

interface Owned {
  entry: ManagerEntry;
  set: FieldSet;
}

interface Identity {
  manager?: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  subresource?: string;
}

/** What makes two entries the same manager (BuildManagerIdentifier): an Apply's version aside. */
const identity = (e: Identity): string =>
  JSON.stringify([
    e.manager ?? '',
    e.operation,
    e.operation === 'Apply' ? '' : e.apiVersion,
    e.subresource ?? '',
  ]);

/** metav1.Time keeps seconds. */
function toSeconds(t: unknown): string | undefined {
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An entry as the apiserver writes it back, in Go's field order, empty strings omitted. */
function entryOf(id: Identity, set: FieldSet, time: string | undefined): ManagerEntry {
  const out: Partial<ManagerEntry> = {};
  if (id.manager) out.manager = id.manager;
  out.operation = id.operation;
  out.apiVersion = id.apiVersion;
  if (time) out.time = time;
  out.fieldsType = 'FieldsV1';
  out.fieldsV1 = toFieldsV1(set);
  if (id.subresource) out.subresource = id.subresource;
  return out as ManagerEntry;
}

/**
 * DecodeManagedFields: every entry needs an operation of Apply or Update, an apiVersion, the
 * FieldsV1 type and readable fields, or the whole list is refused. A later entry of the same
 * manager replaces an earlier one.
 */
function decodeEntries(raw: unknown): Owned[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return undefined;
  const byId = new Map<string, Owned>();
  for (const e of raw) {
    if (!isObject(e)) return undefined;
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') return undefined;
    if (typeof e.apiVersion !== 'string' || !e.apiVersion || e.fieldsType !== 'FieldsV1') return undefined;
    const set = e.fieldsV1 === undefined || e.fieldsV1 === null ? emptySet() : parseFieldsV1(e.fieldsV1);
    if (!set) return undefined;
    const id: Identity = {
      manager: typeof e.manager === 'string' ? e.manager : undefined,
      operation,
      apiVersion: e.apiVersion,
      subresource: typeof e.subresource === 'string' ? e.subresource : undefined,
    };
    const entry = entryOf(id, set, toSeconds(e.time));
    byId.set(identity(entry), { entry, set });
  }
  return [...byId.values()];
}

/** isResetManagedFields: an empty list, or a list of one empty entry. */
function isReset(raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  if (raw.length === 0) return true;
  const only: unknown = raw[0];
  return (
    raw.length === 1 &&
    isObject(only) &&
    Object.entries(only).every(([k, v]) => v === undefined || v === null || (k !== 'fieldsV1' && v === ''))
  );
}

/** The entries a write starts from: the request's own when it set valid ones, else the live ones. */
function startingEntries(w: ManagedWrite): Owned[] {
  const live = () =>
    decodeEntries(isObject(w.old?.metadata) ? w.old.metadata.managedFields : undefined) ?? [];
  // An Apply and a subresource never set them (Apply refuses them; a subresource ignores them).
  if (w.operation === 'Apply' || w.subresource) return live();
  if (isReset(w.sent)) return [];
  const sent = decodeEntries(w.sent);
  return sent?.length ? sent : live();
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
  /** The managedFields the request's object carried (an update may set them). */
  sent?: unknown;
  /** Whether an Apply changed the object (merged and pruned, before defaulting); true if unsaid. */
  applyChanged?: boolean;
}

/** The Go zero value of the type as JSON: the "before" of a create. */
function zeroValue(typeName: string): Json {
  if (typeName === 'V1Job')
    return { metadata: {}, spec: { template: { metadata: {}, spec: { containers: null } } } };
  return { metadata: {} };
}

/** The managedFields of `w.obj` after the write `w` describes. */
export function updateManagedFields(w: ManagedWrite): ManagerEntry[] {
  const root = (o: unknown) => fieldsOf(o, w.typeName, inScope(w.subresource));
  const cmp: Comparison = { changed: emptySet(), removed: emptySet() };
  compareChildren(root(w.old ?? zeroValue(w.typeName)), root(w.obj), cmp);

  let previous = startingEntries(w);
  const id: Identity = {
    manager: w.manager,
    operation: w.operation,
    apiVersion: w.apiVersion,
    subresource: w.subresource,
  };
  const same = (e: ManagerEntry): boolean => identity(e) === identity(id);

  const apply = w.operation === 'Apply';
  // skipnonapplied.go: an existing object nobody's fields are tracked on stays untracked through
  // updates; the first apply gives what it holds to "before-first-apply", then applies.
  if (w.old && !previous.length) {
    if (!apply) return [];
    const existing: Comparison = { changed: emptySet(), removed: emptySet() };
    compareChildren(root(zeroValue(w.typeName)), root(w.old), existing);
    const before = { ...id, manager: 'before-first-apply', operation: 'Update' as const };
    previous = [{ entry: entryOf(before, existing.changed, w.time), set: existing.changed }];
  }
  // An Update owns what it changed; an Apply owns what it applied.
  const mine = apply ? appliedFields(w.applied, w.typeName, w.subresource) : cmp.changed;
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
  let ownPrev: Owned | undefined;
  for (const p of previous) {
    if (same(p.entry)) {
      ownPrev = p;
      continue;
    }
    const rest = difference(p.set, taken);
    if (!isEmpty(rest)) entries.push({ ...p.entry, fieldsV1: toFieldsV1(rest) });
  }
  // An Update adds to what its manager owned and is stamped when it changed something; an Apply
  // is stamped when the object changed (managedfieldsupdater.go), else keeps what it had.
  const stamped = apply ? w.applyChanged !== false : !isEmpty(mine);
  const set = !apply && ownPrev ? union(difference(ownPrev.set, cmp.removed), mine) : mine;
  if (!isEmpty(set)) entries.push(entryOf(id, set, stamped ? w.time : ownPrev?.entry.time));
  return sortEntries(entries);
}

/** Which top-level fields a write through the main resource or a subresource manages. */
const inScope =
  (subresource: string | undefined) =>
  (k: string): boolean =>
    k === 'apiVersion' || k === 'kind' || (subresource === 'status' ? k !== 'status' : k === 'status');

function appliedFields(applied: Json | undefined, typeName: string, subresource?: string): FieldSet {
  const set = emptySet();
  for (const [k, c] of fieldsOf(applied ?? {}, typeName, inScope(subresource))) {
    const child = appliedSet(c.value, c.shape);
    if (!isEmpty(child)) set.children.set(k, child);
  }
  return set;
}

/** The apiserver's order: operation, then time (seconds, none first), manager, apiVersion, subresource. */
function sortEntries(entries: ManagerEntry[]): ManagerEntry[] {
  const seconds = (e: ManagerEntry): number => {
    const ms = e.time ? Date.parse(e.time) : NaN;
    return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
  };
  return entries.sort(
    (p, q) =>
      byCodeUnits(p.operation, q.operation) ||
      seconds(p) - seconds(q) ||
      byCodeUnits(p.manager ?? '', q.manager ?? '') ||
      byCodeUnits(p.apiVersion, q.apiVersion) ||
      byCodeUnits(p.subresource ?? '', q.subresource ?? ''),
  );
}

export interface ApplyPrune {
  /** The live object, with its managedFields. */
  live: Json;
  /** The live object with the applied configuration merged in; pruned in place. */
  merged: unknown;
  manager: string;
  applied: Json;
  typeName: string;
  subresource?: string;
}

/**
 * What an applier applied before and no longer applies leaves the object, unless another manager
 * owns it (structured-merge-diff's prune): a label dropped from the configuration is removed, a
 * defaulted field comes back when the object is defaulted again.
 */
export function pruneApplied(p: ApplyPrune): unknown {
  const entries = decodeEntries(isObject(p.live.metadata) ? p.live.metadata.managedFields : undefined) ?? [];
  const isMine = (e: ManagerEntry) =>
    e.manager === p.manager && e.operation === 'Apply' && (e.subresource ?? '') === (p.subresource ?? '');
  const before = entries.find((o) => isMine(o.entry));
  if (!before) return p.merged;
  let owned = appliedFields(p.applied, p.typeName, p.subresource);
  for (const o of entries) if (!isMine(o.entry)) owned = union(owned, o.set);
  removeUnowned(p.merged, difference(before.set, owned), owned);
  return p.merged;
}

function removeUnowned(value: unknown, remove: FieldSet, owned: FieldSet | undefined): void {
  const drop: number[] = [];
  for (const [k, r] of remove.children) {
    const at = locate(value, k);
    if (at === undefined) continue;
    const kept = owned?.children.get(k);
    if (r.member && (!kept || isEmpty(kept))) {
      if (typeof at === 'number') drop.push(at);
      else delete (value as Json)[at];
    } else {
      removeUnowned(typeof at === 'number' ? (value as unknown[])[at] : (value as Json)[at], r, kept);
    }
  }
  if (Array.isArray(value)) for (const i of drop.sort((a, b) => b - a)) value.splice(i, 1);
}

/** Where a FieldsV1 key points in a value: an object key or a list index. */
function locate(value: unknown, k: string): string | number | undefined {
  const body = k.slice(2);
  if (k.startsWith('f:')) return isObject(value) && own(value, body) !== undefined ? body : undefined;
  if (!Array.isArray(value)) return undefined;
  if (k.startsWith('i:')) return Number(body) < value.length ? Number(body) : undefined;
  const want: unknown = JSON.parse(body);
  const i = k.startsWith('k:')
    ? value.findIndex(
        (el) => isObject(el) && isObject(want) && Object.entries(want).every(([f, v]) => deepEqual(el[f], v)),
      )
    : value.findIndex((el) => deepEqual(el, want));
  return i < 0 ? undefined : i;
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * lastappliedupdater.go: a server-side apply by the manager "kubectl" keeps kubectl's
 * client-side annotation, when the object has one, equal to the configuration it applied.
 */
export function syncLastApplied(manager: string, applied: Json | undefined, obj: Json): void {
  const annotations = isObject(obj.metadata) ? obj.metadata.annotations : undefined;
  if (manager !== 'kubectl' || !applied || !isObject(annotations)) return;
  if (typeof annotations[LAST_APPLIED] !== 'string' || !annotations[LAST_APPLIED]) return;
  const config = copyJson(applied);
  if (isObject(config.metadata)) {
    const a = config.metadata.annotations;
    if (isObject(a)) delete a[LAST_APPLIED];
    else delete config.metadata.annotations;
  }
  annotations[LAST_APPLIED] = `${goJson(config)}\n`;
}

/** encoding/json of an unstructured object: keys sorted, <, >, & and U+2028/9 escaped. */
function goJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (isObject(v))
    return `{${Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort(byCodeUnits)
      .map((k) => `${goJson(k)}:${goJson(v[k])}`)
      .join(',')}}`;
  return (JSON.stringify(v) ?? 'null').replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
