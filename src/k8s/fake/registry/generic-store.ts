// The generic registry store (apiserver/pkg/registry/generic/registry/store.go): create,
// update, delete and deletecollection with generateName, preconditions, finalizers and
// graceful deletion, the same for every resource. A resource fills in its strategy and hooks;
// nothing here knows HTTP, and nothing here knows a particular kind.
import { randomInt, randomUUID } from 'node:crypto';
import { errors, GroupResource, StatusError } from '../../status';
import { FieldError, invalidError } from '../../validation/field';
import { isValidPathSegmentName } from '../../validation/names';
import { matches, parseSelector, Requirement, SelectorParseError } from '../../validation/label-selector';
import { deepEqual, Json, str } from '../../json';
import { copyJson } from '../copy';
import { Admission } from '../admission/admission';
import { syncLastApplied, updateManagedFields } from '../managed-fields';
import { Store } from '../store';
import { fieldsMatch, FieldRequirement, parseFieldSelector } from './field-selector';
import { groupVersion, ResourceStrategy } from './strategy';

export const nowRFC3339 = (d = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export type Propagation = 'Orphan' | 'Background' | 'Foreground';

export interface DeleteOptions {
  dryRun: boolean;
  propagationPolicy?: Propagation;
  orphanDependents?: boolean;
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WriteContext {
  dryRun: boolean;
  fieldManager: string;
  operation: 'Update' | 'Apply';
  /** The applied configuration of a server-side apply. */
  applied?: Json;
  force?: boolean;
  /** Whether an Apply changed the live object, before defaulting (its entry's time says so). */
  applyChanged?: boolean;
}

export interface Selection {
  labelSelector: string;
  fieldSelector: string;
}

export interface Page {
  limit?: number;
  continueToken: string;
}

/** What the store answers: the object (or Status) and the code the endpoint sends. */
export interface Result {
  code: number;
  body: Json;
  warnings: string[];
}

// apimachinery/pkg/util/rand: no vowels, no confusable digits.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (): string =>
  Array.from({ length: 5 }, () => ALPHANUMS[randomInt(ALPHANUMS.length)]).join('');
const MAX_GENERATED_NAME_BASE = 58;
const MAX_NAME_GENERATION_ATTEMPTS = 8;

export const gr = (s: ResourceStrategy): GroupResource => ({
  group: s.info.group,
  resource: s.info.resource,
});
export const metaOf = (o: Json): Json => (o.metadata ??= {}) as Json;
const finalizersOf = (o: Json): string[] => (metaOf(o).finalizers as string[] | undefined) ?? [];

export class GenericStore {
  constructor(
    readonly store: Store,
    private readonly admission: Admission,
  ) {}

  private nsOf(s: ResourceStrategy, namespace: string): string {
    return s.info.namespaced ? namespace : '';
  }

  /** The object as this version serves it: a version with another storage version is converted. */
  view(s: ResourceStrategy, obj: Json): Json {
    return s.storage ? s.storage.fromStorage(copyJson(obj)) : obj;
  }

  private stored(s: ResourceStrategy, obj: Json): Json {
    return s.storage ? s.storage.toStorage(obj) : obj;
  }

  /** The stored object itself, read-only: a GET serialises it without a copy. */
  peek(s: ResourceStrategy, namespace: string, name: string): Readonly<Json> {
    const obj = this.store.peek(s.info.resource, this.nsOf(s, namespace), name);
    if (!obj) throw errors.notFound(gr(s), name);
    return s.storage ? this.view(s, obj) : obj;
  }

  get(s: ResourceStrategy, namespace: string, name: string): Json {
    const obj = this.find(s, namespace, name);
    if (!obj) throw errors.notFound(gr(s), name);
    return obj;
  }

  find(s: ResourceStrategy, namespace: string, name: string): Json | undefined {
    const obj = this.store.get(s.info.resource, this.nsOf(s, namespace), name);
    return obj && this.view(s, obj);
  }

  private write(s: ResourceStrategy, ns: string, name: string, obj: Json): Json {
    return this.view(s, this.store.update(s.info.resource, ns, name, this.stored(s, obj)));
  }

  private invalid(s: ResourceStrategy, name: string, errs: FieldError[]): StatusError {
    return invalidError(s.info.group, s.info.kind, name, errs);
  }

  // ---- create -------------------------------------------------------------------------

  create(s: ResourceStrategy, namespace: string, object: Json, warnings: string[], o: WriteContext): Result {
    const meta = metaOf(object);
    if (s.info.namespaced) {
      if (meta.namespace && meta.namespace !== namespace)
        throw errors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      meta.namespace = namespace;
    }
    for (const k of [
      'creationTimestamp',
      'uid',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
    ])
      delete meta[k];
    const now = nowRFC3339();
    const managed = updateManagedFields({
      old: undefined,
      obj: object,
      typeName: s.info.schemaType,
      manager: o.fieldManager,
      operation: o.operation,
      apiVersion: groupVersion(s.info),
      time: now,
      applied: o.applied,
      sent: meta.managedFields,
    });
    if (o.operation === 'Apply') syncLastApplied(o.fieldManager, o.applied, object);
    this.admission.admitCreate?.(s, namespace);
    this.admission.mutateCreate?.(s, object, namespace);
    meta.creationTimestamp = now;
    meta.uid = randomUUID();
    const generate = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
    const ns = this.nsOf(s, namespace);
    for (let attempt = 0; ; attempt++) {
      const candidate = copyJson(object);
      const cmeta = metaOf(candidate);
      if (generate)
        cmeta.name = `${str(meta.generateName).slice(0, MAX_GENERATED_NAME_BASE)}${randomSuffix()}`;
      s.prepareForCreate(candidate);
      const errs = s.validate(candidate);
      const name = str(cmeta.name);
      if (name)
        for (const msg of isValidPathSegmentName(name))
          errs.push({
            type: 'FieldValueInvalid',
            field: 'metadata.name',
            body: `Invalid value: ${JSON.stringify(name)}: ${msg}`,
          });
      if (errs.length) throw this.invalid(s, name, errs);
      warnings.push(...s.warningsOnCreate(candidate));
      if (cmeta.resourceVersion !== undefined && cmeta.resourceVersion !== '')
        throw new StatusError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: 'resourceVersion should not be set on objects to be created',
          code: 500,
        });
      delete cmeta.resourceVersion;
      if (this.store.has(s.info.resource, ns, name)) {
        if (generate && attempt + 1 < MAX_NAME_GENERATION_ATTEMPTS) continue;
        if (generate) throw errors.generateNameConflict(gr(s), name);
        const existing = this.find(s, ns, name) as Json;
        throw errors.alreadyExists(
          gr(s),
          name,
          metaOf(existing).deletionTimestamp ? 'object is being deleted: ' : '',
        );
      }
      if (managed.length) cmeta.managedFields = managed;
      else delete cmeta.managedFields;
      // Objects are defaulted again whenever they are read back from storage.
      s.applyDefaults(candidate);
      // The store fills in the version; the key is placed now so it keeps its place in the order.
      if (!o.dryRun) cmeta.resourceVersion = '';
      const ordered = s.order(candidate);
      const stored = o.dryRun
        ? ordered
        : this.view(s, this.store.create(s.info.resource, ns, name, this.stored(s, ordered)));
      return { code: 201, body: s.order(stored), warnings };
    }
  }

  // ---- update -------------------------------------------------------------------------

  update(
    s: ResourceStrategy,
    namespace: string,
    name: string,
    subresource: string,
    object: Json,
    warnings: string[],
    o: WriteContext,
  ): Result {
    const meta = metaOf(object);
    const bodyName = str(meta.name);
    if (!name) throw errors.badRequest('name must be provided');
    if (bodyName !== name)
      throw errors.badRequest(
        `the name of the object (${bodyName}) does not match the name on the URL (${name})`,
      );
    if (s.info.namespaced) {
      if (meta.namespace && meta.namespace !== namespace)
        throw errors.badRequest(
          `the namespace of the object (${str(meta.namespace)}) does not match the namespace on the request (${namespace})`,
        );
      meta.namespace = namespace;
    }
    // The stored object, read-only: strategies copy from it into the new object, never into it.
    const old = this.peek(s, namespace, name) as Json;
    const oldMeta = old.metadata as Json;
    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== oldMeta.resourceVersion)
      throw errors.conflict(
        gr(s),
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    if (meta.uid && meta.uid !== oldMeta.uid)
      throw errors.conflict(
        gr(s),
        name,
        `Precondition failed: UID in precondition: ${str(meta.uid)}, UID in object meta: ${str(oldMeta.uid)}`,
      );
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
      if (oldMeta[k] !== undefined) meta[k] = oldMeta[k];
      else delete meta[k];
    }
    const sub = subresource ? s.subresources?.[subresource] : undefined;
    // The field manager sees the object as written, before the strategy's own changes.
    const written = copyJson(object);
    if (sub) sub.prepareForUpdate(object, old);
    else s.prepareForUpdate(object, old);
    if (sub) meta.generation = oldMeta.generation;
    const errs = sub ? sub.validateUpdate(object, old) : s.validateUpdate(object, old);
    if (errs.length) throw this.invalid(s, name, errs);
    if (!sub) warnings.push(...s.warningsOnUpdate(object, old));
    // The field manager's record is part of the object: a write that changes only it is stored.
    const managed = updateManagedFields({
      old,
      obj: written,
      typeName: s.info.schemaType,
      manager: o.fieldManager,
      operation: o.operation,
      apiVersion: groupVersion(s.info),
      time: nowRFC3339(),
      subresource: subresource || undefined,
      applied: o.applied,
      force: o.force ?? false,
      sent: metaOf(written).managedFields,
      applyChanged: o.applyChanged,
    });
    if (managed.length) meta.managedFields = managed;
    else delete meta.managedFields;
    if (o.operation === 'Apply') syncLastApplied(o.fieldManager, o.applied, object);
    // Compared without the version (shallow copies: nothing changes).
    const changed = (x: Json): Json => {
      const { resourceVersion: _rv, ...m } = metaOf(x);
      return { ...x, metadata: m };
    };
    if (deepEqual(changed(object), changed(old))) return { code: 200, body: s.order(old), warnings };
    meta.resourceVersion = oldMeta.resourceVersion;
    const ordered = s.order(object);
    if (o.dryRun) return { code: 200, body: ordered, warnings };
    const ns = this.nsOf(s, namespace);
    // An update that lets go of the last finalizer of an object being deleted completes the delete.
    if (this.shouldDeleteDuringUpdate(s, ordered)) {
      const gone = this.view(s, this.store.delete(s.info.resource, ns, name) as Json);
      return { code: 200, body: s.order(gone), warnings };
    }
    return { code: 200, body: this.write(s, ns, name, ordered), warnings };
  }

  private shouldDeleteDuringUpdate(s: ResourceStrategy, obj: Json): boolean {
    const meta = metaOf(obj);
    if (!meta.deletionTimestamp || finalizersOf(obj).length) return false;
    if (s.hooks?.pendingFinalization?.(obj)) return false;
    // A graceful deletion still running keeps the object (a pod waits for its kubelet).
    return !(Number(meta.deletionGracePeriodSeconds ?? 0) > 0);
  }

  // ---- actions ------------------------------------------------------------------------

  /** A POST to an acting subresource (pods/binding): the object changes, a Success Status answers. */
  act(
    s: ResourceStrategy,
    namespace: string,
    name: string,
    sub: string,
    body: Json,
    dryRun: boolean,
  ): Result {
    const action = s.actions?.[sub];
    if (!action) throw errors.notFound(gr(s), name);
    const obj = this.get(s, namespace, name);
    const out = action.apply(obj, body);
    if (out.errors?.length) throw invalidError(s.info.group, action.kind, name, out.errors);
    if (out.conflict)
      throw errors.conflict(
        { group: s.info.group, resource: `${s.info.resource}/${sub}` },
        name,
        out.conflict,
      );
    if (!dryRun) this.write(s, this.nsOf(s, namespace), name, s.order(obj));
    return {
      code: 201,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 },
      warnings: [],
    };
  }

  // ---- delete -------------------------------------------------------------------------

  delete(s: ResourceStrategy, namespace: string, name: string, opts: DeleteOptions): Result {
    const ns = this.nsOf(s, namespace);
    const obj = this.get(s, namespace, name);
    const meta = metaOf(obj);
    const pre = opts.preconditions;
    const kindGr = { group: s.info.group, resource: s.info.kind };
    if (pre?.uid && pre.uid !== meta.uid)
      throw errors.conflict(
        kindGr,
        name,
        `the UID in the precondition (${pre.uid}) does not match the UID in record (${str(meta.uid)}). The object might have been deleted and then recreated`,
      );
    if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion)
      throw errors.conflict(
        kindGr,
        name,
        `the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${str(meta.resourceVersion)}). The object might have been modified`,
      );
    const custom = s.hooks?.beginDelete?.(obj);
    if (custom) {
      // The resource's own deletion (a namespace goes Terminating; its controller finishes).
      if (custom === 'unchanged') return { code: 200, body: s.order(obj), warnings: [] };
      const ordered = s.order(obj);
      if (opts.dryRun) return { code: 200, body: ordered, warnings: [] };
      return { code: 200, body: this.write(s, ns, name, ordered), warnings: [] };
    }
    const finalizers = new Set(finalizersOf(obj));
    const policy =
      opts.propagationPolicy ??
      (opts.orphanDependents === true
        ? 'Orphan'
        : opts.orphanDependents === false
          ? 'Background'
          : finalizers.has('orphan')
            ? 'Orphan'
            : finalizers.has('foregroundDeletion')
              ? 'Foreground'
              : s.defaultPropagation);
    finalizers.delete('orphan');
    finalizers.delete('foregroundDeletion');
    if (policy === 'Orphan') finalizers.add('orphan');
    if (policy === 'Foreground') finalizers.add('foregroundDeletion');
    const code = opts.orphanDependents === false ? 202 : 200;
    const wasDeleting = Boolean(meta.deletionTimestamp);
    const grace = s.hooks?.gracePeriod?.(obj, opts.gracePeriodSeconds) ?? 0;
    const pendingGrace = wasDeleting ? Number(meta.deletionGracePeriodSeconds ?? 0) : 0;
    const write = (status: number): Result => {
      meta.finalizers = [...finalizers];
      if (!finalizers.size) delete meta.finalizers;
      const ordered = s.order(obj);
      if (opts.dryRun) return { code: status, body: ordered, warnings: [] };
      return { code: status, body: this.write(s, ns, name, ordered), warnings: [] };
    };
    // rest.BeforeDelete: a graceful deletion under way only ever gets shorter.
    if (pendingGrace > 0 && grace >= pendingGrace) return { code: 200, body: s.order(obj), warnings: [] };
    const stamp = (): void => {
      meta.deletionTimestamp = nowRFC3339(new Date(Date.now() + grace * 1000));
      meta.deletionGracePeriodSeconds = grace;
    };
    if (pendingGrace > 0 && (grace > 0 || finalizers.size)) {
      stamp();
      return write(200);
    }
    if (!wasDeleting && (finalizers.size || grace > 0)) {
      stamp();
      // Controllers should stop acting on it: generational objects see a new generation.
      if (Number(meta.generation ?? 0) > 0) meta.generation = Number(meta.generation) + 1;
      return write(code);
    }
    if (wasDeleting && finalizers.size) return write(200);
    if (!opts.dryRun) this.store.delete(s.info.resource, ns, name);
    return {
      code: 200,
      body: s.hooks?.returnDeletedObject
        ? s.order(obj)
        : {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name, group: s.info.group, kind: s.info.resource, uid: meta.uid },
          },
      warnings: [],
    };
  }

  deleteCollection(s: ResourceStrategy, namespace: string, sel: Selection, opts: DeleteOptions): Result {
    const items = this.filtered(s, namespace, sel);
    const processed: Json[] = [];
    for (const item of items) {
      const m = metaOf(item);
      try {
        const res = this.delete(s, str(m.namespace), String(m.name), opts);
        processed.push(res.body.kind === 'Status' ? item : res.body);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    return {
      code: 200,
      body: {
        kind: s.info.listKind,
        apiVersion: groupVersion(s.info),
        metadata: { resourceVersion: String(this.store.currentRevision) },
        items: processed.map(stripTypeMeta),
      },
      warnings: [],
    };
  }

  // ---- list ---------------------------------------------------------------------------

  private selectors(
    s: ResourceStrategy,
    sel: Selection,
  ): { labels: Requirement[]; fields: FieldRequirement[] } {
    let labels: Requirement[];
    try {
      labels = parseSelector(sel.labelSelector);
    } catch (e) {
      if (e instanceof SelectorParseError) throw errors.badRequest(e.message);
      throw e;
    }
    const sample = s.selectableFields({ metadata: {} });
    const fields = parseFieldSelector(sel.fieldSelector, Object.keys(sample), (label) =>
      s.unsupportedFieldLabel(label),
    );
    return { labels, fields };
  }

  /** The predicate of a list or watch: label and field selectors on an object. */
  matcher(s: ResourceStrategy, sel: Selection): (o: Json) => boolean {
    const { labels, fields } = this.selectors(s, sel);
    return (o) =>
      matches(labels, (metaOf(o).labels as Record<string, string> | undefined) ?? {}) &&
      fieldsMatch(fields, s.selectableFields(o));
  }

  /** The matching objects as stored (read-only, no copies), in key order. */
  filtered(s: ResourceStrategy, namespace: string, sel: Selection): Json[] {
    const match = this.matcher(s, sel);
    const ns = s.info.namespaced && namespace ? namespace : undefined;
    return this.store
      .peekList(s.info.resource, ns)
      .map((o) => this.view(s, o as Json))
      .filter(match);
  }

  /**
   * A list with its ListMeta; items keep their kind and apiVersion, the endpoint strips them.
   * The items are the stored objects themselves: callers that change them copy them first.
   */
  list(
    s: ResourceStrategy,
    namespace: string,
    sel: Selection,
    page: Page,
  ): { metadata: Json; items: Json[] } {
    let items = this.filtered(s, namespace, sel);
    const metadata: Json = { resourceVersion: String(this.store.currentRevision) };
    let start = 0;
    if (page.continueToken) {
      const token = decodeContinue(page.continueToken);
      const idx = items.findIndex((o) => keyOf(o) > token.start);
      start = idx < 0 ? items.length : idx;
      metadata.resourceVersion = String(token.rv);
    }
    if (page.limit && page.limit > 0 && items.length - start > page.limit) {
      const slice = items.slice(start, start + page.limit);
      const last = slice[slice.length - 1];
      metadata.continue = encodeContinue(Number(metadata.resourceVersion), keyOf(last));
      metadata.remainingItemCount = items.length - start - page.limit;
      items = slice;
    } else {
      items = items.slice(start);
    }
    return { metadata, items };
  }
}

const keyOf = (o: Json): string => `${str(metaOf(o).namespace)}/${str(metaOf(o).name)}`;

export function stripTypeMeta(o: Json): Json {
  const out = { ...o };
  delete out.kind;
  delete out.apiVersion;
  return out;
}

// etcd continue keys end just past the last key returned.
const KEY_END = String.fromCharCode(0);

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: `${start}${KEY_END}` })).toString(
    'base64url',
  );
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: string;
      rv?: number;
      start?: string;
    };
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string')
      throw new Error();
    return { rv: t.rv, start: t.start.endsWith(KEY_END) ? t.start.slice(0, -1) : t.start };
  } catch {
    throw errors.badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  }
}
