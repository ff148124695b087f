// The generic REST handler of the fake apiserver (apiserver/pkg/endpoints/handlers and
// registry/generic/registry/store.go): decode, options, admission, strategy, store.
import { randomInt, randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { errors, GroupResource, StatusError } from '../../status';
import { FieldError, invalidError } from '../../validation/field';
import { isValidPathSegmentName } from '../../validation/names';
import { matches, parseSelector, Requirement, SelectorParseError } from '../../validation/label-selector';
import { clone, deepEqual, isObject, Json, str } from '../../json';
import { updateManagedFields } from '../managed-fields';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from '../patch';
import { groupVersion, ResourceStrategy } from '../registry/strategy';
import { Store, StoreEvent, TooOldResourceVersionError } from '../store';
import { decodeObject, decodeValue, FieldValidation, parseDocument } from './decode-body';
import { fieldsMatch, FieldRequirement, parseFieldSelector } from './field-selector';
import { Reply } from './io';
import { patchType, requestBodyFormat } from './negotiation';
import {
  DeleteOptions,
  deleteOptionsFromQuery,
  ListOptions,
  listOptions,
  validateDeleteOptions,
  writeOptions,
} from './options';

export interface RestRequest {
  strategy: ResourceStrategy;
  namespace: string;
  name: string;
  subresource: '' | 'status';
  query: URLSearchParams;
  contentType?: string;
  userAgent: string;
  body: () => Promise<Buffer>;
}

export const nowRFC3339 = (d = new Date()): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

// apimachinery/pkg/util/rand: no vowels, no confusable digits.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const randomSuffix = (): string =>
  Array.from({ length: 5 }, () => ALPHANUMS[randomInt(ALPHANUMS.length)]).join('');
const MAX_GENERATED_NAME_BASE = 58;
const MAX_NAME_GENERATION_ATTEMPTS = 8;

const gr = (s: ResourceStrategy): GroupResource => ({ group: s.info.group, resource: s.info.resource });
const metaOf = (o: Json): Json => (o.metadata ??= {}) as Json;

export class RestHandler {
  constructor(private readonly store: Store) {}

  private nsOf(s: ResourceStrategy, namespace: string): string {
    return s.info.namespaced ? namespace : '';
  }

  private mustGet(s: ResourceStrategy, namespace: string, name: string): Json {
    const obj = this.store.get(s.info.resource, this.nsOf(s, namespace), name);
    if (!obj) throw errors.notFound(gr(s), name);
    return obj;
  }

  private invalid(s: ResourceStrategy, name: string, errs: FieldError[]): StatusError {
    return invalidError(s.info.group, s.info.kind, name, errs);
  }

  /** NamespaceLifecycle admission: creates need a live namespace. */
  private admitCreate(s: ResourceStrategy, namespace: string): void {
    if (!s.info.namespaced) return;
    const ns = this.store.get('namespaces', '', namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    if ((ns.status as Json | undefined)?.phase === 'Terminating')
      throw errors.forbidden(
        gr(s),
        '',
        `unable to create new content in namespace ${namespace} because it is being terminated`,
        [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${namespace} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      );
  }

  get(r: RestRequest): Reply {
    const s = r.strategy;
    const obj = this.store.peek(s.info.resource, this.nsOf(s, r.namespace), r.name);
    if (!obj) throw errors.notFound(gr(s), r.name);
    return { code: 200, body: obj };
  }

  // ---- create -------------------------------------------------------------------------

  async create(r: RestRequest): Promise<Reply> {
    const s = r.strategy;
    const format = requestBodyFormat(r.contentType);
    const opts = writeOptions('CreateOptions', r.query, r.userAgent);
    const text = await r.body();
    const { object, warnings } = decodeObject(text, format, s, opts.fieldValidation);
    return this.createObject(s, r.namespace, object, warnings, opts.dryRun, opts.fieldManager, 'Update');
  }

  private createObject(
    s: ResourceStrategy,
    namespace: string,
    object: Json,
    warnings: string[],
    dryRun: boolean,
    manager: string,
    operation: 'Update' | 'Apply',
    applied?: Json,
  ): Reply {
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
      manager,
      operation,
      apiVersion: groupVersion(s.info),
      time: now,
      applied,
    });
    this.admitCreate(s, namespace);
    meta.creationTimestamp = now;
    meta.uid = randomUUID();
    const generate = !meta.name && typeof meta.generateName === 'string' && meta.generateName !== '';
    const ns = this.nsOf(s, namespace);
    for (let attempt = 0; ; attempt++) {
      const candidate = clone(object);
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
        const existing = this.store.get(s.info.resource, ns, name) as Json;
        throw errors.alreadyExists(
          gr(s),
          name,
          metaOf(existing).deletionTimestamp ? 'object is being deleted: ' : '',
        );
      }
      cmeta.managedFields = managed;
      // Objects are defaulted again whenever they are read back from storage.
      s.applyDefaults(candidate);
      // The store fills in the version; the key is placed now so it keeps its place in the order.
      if (!dryRun) cmeta.resourceVersion = '';
      const ordered = s.order(candidate);
      const stored = dryRun ? ordered : this.store.create(s.info.resource, ns, name, ordered);
      return { code: 201, body: s.order(stored), warnings };
    }
  }

  // ---- update -------------------------------------------------------------------------

  async update(r: RestRequest): Promise<Reply> {
    const s = r.strategy;
    const format = requestBodyFormat(r.contentType);
    const opts = writeOptions('UpdateOptions', r.query, r.userAgent);
    const { object, warnings } = decodeObject(await r.body(), format, s, opts.fieldValidation);
    return this.updateObject(r, object, warnings, opts.dryRun, opts.fieldManager, 'Update');
  }

  private updateObject(
    r: RestRequest,
    object: Json,
    warnings: string[],
    dryRun: boolean,
    manager: string,
    operation: 'Update' | 'Apply',
    applied?: Json,
    force = false,
  ): Reply {
    const s = r.strategy;
    const meta = metaOf(object);
    const bodyName = str(meta.name);
    if (!r.name) throw errors.badRequest('name must be provided');
    if (bodyName !== r.name)
      throw errors.badRequest(
        `the name of the object (${bodyName}) does not match the name on the URL (${r.name})`,
      );
    if (s.info.namespaced) {
      if (meta.namespace && meta.namespace !== r.namespace)
        throw errors.badRequest(
          `the namespace of the object (${str(meta.namespace)}) does not match the namespace on the request (${r.namespace})`,
        );
      meta.namespace = r.namespace;
    }
    const old = this.mustGet(s, r.namespace, r.name);
    const oldMeta = metaOf(old);
    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== oldMeta.resourceVersion)
      throw errors.conflict(
        gr(s),
        r.name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    if (meta.uid && meta.uid !== oldMeta.uid)
      throw errors.conflict(
        gr(s),
        r.name,
        `Precondition failed: UID in precondition: ${str(meta.uid)}, UID in object meta: ${str(oldMeta.uid)}`,
      );
    meta.uid = oldMeta.uid;
    meta.creationTimestamp = oldMeta.creationTimestamp;
    for (const k of ['deletionTimestamp', 'deletionGracePeriodSeconds']) {
      if (oldMeta[k] !== undefined) meta[k] = oldMeta[k];
      else delete meta[k];
    }
    const status = r.subresource === 'status';
    // The field manager sees the object as written, before the strategy's own changes.
    const written = clone(object);
    if (status && s.status) s.status.prepareForUpdate(object, old);
    else s.prepareForUpdate(object, old);
    if (status) meta.generation = oldMeta.generation;
    const errs = status && s.status ? s.status.validateUpdate(object, old) : s.validateUpdate(object, old);
    if (errs.length) throw this.invalid(s, r.name, errs);
    if (!status) warnings.push(...s.warningsOnUpdate(object, old));
    const changed = (o: Json): Json => {
      const c = clone(o);
      const m = metaOf(c);
      delete m.resourceVersion;
      delete m.managedFields;
      return c;
    };
    if (deepEqual(changed(object), changed(old))) return { code: 200, body: s.order(old), warnings };
    meta.managedFields = updateManagedFields({
      old,
      obj: written,
      typeName: s.info.schemaType,
      manager,
      operation,
      apiVersion: groupVersion(s.info),
      time: nowRFC3339(),
      subresource: status ? 'status' : undefined,
      applied,
      force,
    });
    meta.resourceVersion = oldMeta.resourceVersion;
    const ordered = s.order(object);
    if (dryRun) {
      return { code: 200, body: ordered, warnings };
    }
    const ns = this.nsOf(s, r.namespace);
    // An update that drops the last finalizer of an object being deleted completes the delete.
    const finalizers = (metaOf(ordered).finalizers as string[] | undefined) ?? [];
    if (metaOf(ordered).deletionTimestamp && !finalizers.length) {
      const gone = this.store.delete(s.info.resource, ns, r.name) as Json;
      return { code: 200, body: s.order(gone), warnings };
    }
    return { code: 200, body: this.store.update(s.info.resource, ns, r.name, ordered), warnings };
  }

  // ---- patch --------------------------------------------------------------------------

  async patch(r: RestRequest): Promise<Reply> {
    const s = r.strategy;
    const type = patchType(r.contentType);
    const opts = writeOptions('PatchOptions', r.query, r.userAgent, type === 'apply');
    const body = await r.body();
    if (type === 'apply')
      return this.apply(r, body, opts.fieldValidation, opts.dryRun, opts.fieldManager, opts.force);
    let patch: unknown;
    try {
      patch = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const current = this.mustGet(s, r.namespace, r.name);
    let patched: unknown;
    try {
      if (type === 'json') patched = applyJsonPatch(current, patch);
      else if (type === 'merge') patched = applyMergePatch(current, patch);
      else {
        if (!isObject(patch))
          throw new PatchError('unable to find api field in struct Job for the json field "$patch"', 400);
        patched = applyStrategicMergePatch(current, patch, s.info.schemaType);
      }
    } catch (e) {
      if (!(e instanceof PatchError)) throw e;
      if (e.code === 400) throw errors.badRequest(e.message);
      throw new StatusError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: e.message,
        reason: 'Invalid',
        code: 422,
      });
    }
    const { object, warnings } = this.decodePatched(patched, s, opts.fieldValidation);
    // A patch without a resourceVersion applies to whatever is current.
    if (!isObject(patch) || !isObject(patch.metadata) || patch.metadata.resourceVersion === undefined)
      if (type !== 'json') metaOf(object).resourceVersion = metaOf(current).resourceVersion;
    return this.updateObject(r, object, warnings, opts.dryRun, opts.fieldManager, 'Update');
  }

  private decodePatched(
    patched: unknown,
    s: ResourceStrategy,
    fv: FieldValidation,
  ): { object: Json; warnings: string[] } {
    try {
      return decodeValue(patched, [], s, fv);
    } catch (e) {
      if (e instanceof StatusError && e.code === 400 && /strict decoding error/.test(e.status.message ?? ''))
        throw errors.badRequest(
          `error strict decoding patch: ${e.status.message?.replace(/^.*strict decoding error: /, 'strict decoding error: ')}`,
        );
      throw e;
    }
  }

  /** Server-side apply, simplified: the applied configuration is merged into the live object, or creates it. */
  private apply(
    r: RestRequest,
    body: Buffer,
    fv: FieldValidation,
    dryRun: boolean,
    manager: string,
    force: boolean,
  ): Reply {
    const s = r.strategy;
    const { value: applied } = parseDocument(body, 'yaml');
    if (!isObject(applied))
      throw errors.badRequest('error decoding YAML: the applied configuration is not an object');
    const current = this.store.get(s.info.resource, this.nsOf(s, r.namespace), r.name);
    if (!current) {
      const { object, warnings } = decodeValue(clone(applied), [], s, fv);
      if (metaOf(object).name !== r.name)
        throw errors.badRequest(
          `the name of the object (${str(metaOf(object).name)}) does not match the name on the URL (${r.name})`,
        );
      return this.createObject(s, r.namespace, object, warnings, dryRun, manager, 'Apply', applied);
    }
    const merged = applyStrategicMergePatch(current, applied, s.info.schemaType);
    const { object, warnings } = this.decodePatched(merged, s, fv);
    metaOf(object).resourceVersion = metaOf(current).resourceVersion;
    return this.updateObject(r, object, warnings, dryRun, manager, 'Apply', applied, force);
  }

  // ---- delete -------------------------------------------------------------------------

  private async deleteOptions(r: RestRequest): Promise<DeleteOptions> {
    const body = await r.body();
    if (!body.toString('utf8').trim()) return deleteOptionsFromQuery(r.query);
    const { value } = parseDocument(body, requestBodyFormat(r.contentType));
    if (!isObject(value)) throw errors.badRequest('the body of the request was not a DeleteOptions object');
    return validateDeleteOptions(value);
  }

  async delete(r: RestRequest): Promise<Reply> {
    const opts = await this.deleteOptions(r);
    const warnings: string[] = [];
    if (
      !opts.propagationPolicy &&
      opts.orphanDependents === undefined &&
      r.strategy.deleteWithoutPolicyWarning
    )
      warnings.push(r.strategy.deleteWithoutPolicyWarning);
    try {
      return { ...this.deleteOne(r.strategy, r.namespace, r.name, opts), warnings };
    } catch (e) {
      if (e instanceof StatusError) e.warnings.push(...warnings);
      throw e;
    }
  }

  private deleteOne(s: ResourceStrategy, namespace: string, name: string, opts: DeleteOptions): Reply {
    const ns = this.nsOf(s, namespace);
    const obj = this.mustGet(s, namespace, name);
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
    if (!s.info.namespaced && s.info.resource === 'namespaces')
      return this.terminateNamespace(s, obj, opts.dryRun);
    const finalizers = new Set((meta.finalizers as string[] | undefined) ?? []);
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
    if (finalizers.size) {
      const wasDeleting = Boolean(meta.deletionTimestamp);
      if (!wasDeleting) {
        meta.deletionTimestamp = nowRFC3339();
        meta.deletionGracePeriodSeconds = 0;
        meta.generation = Number(meta.generation ?? 0) + 1;
      }
      meta.finalizers = [...finalizers];
      const ordered = s.order(obj);
      if (opts.dryRun) return { code: wasDeleting ? 200 : code, body: ordered };
      const updated = this.store.update(s.info.resource, ns, name, ordered);
      this.scheduleGarbageCollection(s, ns, name);
      return { code: wasDeleting ? 200 : code, body: updated };
    }
    if (!opts.dryRun) this.store.delete(s.info.resource, ns, name);
    return {
      code: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, group: s.info.group, kind: s.info.resource, uid: meta.uid },
      },
    };
  }

  /**
   * A namespace goes Terminating and the answer is the namespace; the namespace controller's
   * part follows a moment later: its contents go, then the namespace itself.
   */
  private terminateNamespace(s: ResourceStrategy, obj: Json, dryRun: boolean): Reply {
    const meta = metaOf(obj);
    const name = str(meta.name);
    if (meta.deletionTimestamp) return { code: 200, body: s.order(obj) };
    meta.deletionTimestamp = nowRFC3339();
    obj.status = { ...(isObject(obj.status) ? obj.status : {}), phase: 'Terminating' };
    const ordered = s.order(obj);
    if (dryRun) return { code: 200, body: ordered };
    const updated = this.store.update(s.info.resource, '', name, ordered);
    setTimeout(() => {
      this.store.deleteNamespaceContents(name);
      if (this.store.has(s.info.resource, '', name)) this.store.delete(s.info.resource, '', name);
    }, 10).unref();
    return { code: 200, body: updated };
  }

  /**
   * The garbage collector's part: with no dependents to orphan or delete yet (the fake
   * runs no pods), the orphan and foregroundDeletion finalizers are removed at once.
   */
  private scheduleGarbageCollection(s: ResourceStrategy, ns: string, name: string): void {
    setImmediate(() => {
      const obj = this.store.get(s.info.resource, ns, name);
      if (!obj) return;
      const meta = metaOf(obj);
      const left = ((meta.finalizers as string[] | undefined) ?? []).filter(
        (f) => f !== 'orphan' && f !== 'foregroundDeletion',
      );
      if (left.length) {
        meta.finalizers = left;
        this.store.update(s.info.resource, ns, name, obj);
        return;
      }
      // Dropping the last finalizer of an object being deleted deletes it (store.go deleteWithoutFinalizers).
      this.store.delete(s.info.resource, ns, name);
    });
  }

  async deleteCollection(r: RestRequest): Promise<Reply> {
    const s = r.strategy;
    const opts = await this.deleteOptions(r);
    const lo = listOptions(r.query, false);
    const items = this.filtered(s, r.namespace, lo);
    const processed: Json[] = [];
    for (const item of items) {
      const m = metaOf(item);
      try {
        const reply = this.deleteOne(s, str(m.namespace), String(m.name), opts);
        processed.push(isObject(reply.body) && reply.body.kind === 'Status' ? item : (reply.body as Json));
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 404)) throw e;
      }
    }
    const warnings =
      !opts.propagationPolicy && opts.orphanDependents === undefined && s.deleteWithoutPolicyWarning
        ? [s.deleteWithoutPolicyWarning]
        : [];
    return {
      code: 200,
      body: {
        kind: s.info.listKind,
        apiVersion: groupVersion(s.info),
        metadata: { resourceVersion: String(this.store.currentRevision) },
        items: processed.map(stripTypeMeta),
      },
      warnings,
    };
  }

  // ---- list and watch -----------------------------------------------------------------

  private selectors(
    s: ResourceStrategy,
    lo: ListOptions,
  ): { labels: Requirement[]; fields: FieldRequirement[] } {
    let labels: Requirement[];
    try {
      labels = parseSelector(lo.labelSelector);
    } catch (e) {
      if (e instanceof SelectorParseError) throw errors.badRequest(e.message);
      throw e;
    }
    const sample = s.selectableFields({ metadata: {} });
    const fields = parseFieldSelector(lo.fieldSelector, Object.keys(sample), (label) =>
      s.unsupportedFieldLabel(label),
    );
    return { labels, fields };
  }

  private matcher(s: ResourceStrategy, lo: ListOptions): (o: Json) => boolean {
    const { labels, fields } = this.selectors(s, lo);
    return (o) =>
      matches(labels, (metaOf(o).labels as Record<string, string> | undefined) ?? {}) &&
      fieldsMatch(fields, s.selectableFields(o));
  }

  private filtered(s: ResourceStrategy, namespace: string, lo: ListOptions): Json[] {
    const match = this.matcher(s, lo);
    const ns = s.info.namespaced && namespace ? namespace : undefined;
    return this.store.list(s.info.resource, ns).filter(match);
  }

  list(r: RestRequest, forceName?: string): Reply & { items?: Json[] } {
    const s = r.strategy;
    const lo = listOptions(r.query, false);
    if (forceName !== undefined) lo.fieldSelector = this.nameSelector(lo.fieldSelector, forceName);
    let items = this.filtered(s, r.namespace, lo);
    const rv = String(this.store.currentRevision);
    const metadata: Json = { resourceVersion: rv };
    let start = 0;
    if (lo.continueToken) {
      const token = decodeContinue(lo.continueToken);
      const idx = items.findIndex((o) => keyOf(o) > token.start);
      start = idx < 0 ? items.length : idx;
      metadata.resourceVersion = String(token.rv);
    }
    if (lo.limit && lo.limit > 0 && items.length - start > lo.limit) {
      const page = items.slice(start, start + lo.limit);
      const last = page[page.length - 1];
      metadata.continue = encodeContinue(Number(metadata.resourceVersion), keyOf(last));
      metadata.remainingItemCount = items.length - start - lo.limit;
      items = page;
    } else {
      items = items.slice(start);
    }
    return {
      code: 200,
      body: {
        kind: s.info.listKind,
        apiVersion: groupVersion(s.info),
        metadata,
        items: items.map(stripTypeMeta),
      },
      items,
    };
  }

  private nameSelector(existing: string, name: string): string {
    const reqs = existing ? existing.split(',') : [];
    for (const t of reqs) {
      const m = /^\s*metadata\.name\s*(==|=)\s*(.*?)\s*$/.exec(t);
      if (m && m[2] !== name)
        throw errors.badRequest("fieldSelector metadata.name doesn't match requested name");
    }
    return [...reqs, `metadata.name=${name}`].join(',');
  }

  watch(
    r: RestRequest,
    req: IncomingMessage,
    res: ServerResponse,
    forceName: string | undefined,
    table: { includeObject: string | null } | undefined,
  ): void {
    const s = r.strategy;
    const lo = listOptions(r.query, true);
    if (forceName !== undefined) lo.fieldSelector = this.nameSelector(lo.fieldSelector, forceName);
    const match = this.matcher(s, lo);
    const ns = s.info.namespaced && r.namespace ? r.namespace : undefined;
    const inScope = (o: Json): boolean => ns === undefined || metaOf(o).namespace === ns;
    const rvParam = lo.resourceVersion;
    if (rvParam && rvParam !== '0' && !/^\d+$/.test(rvParam))
      throw errors.badRequest(
        `invalid resource version: strconv.ParseUint: parsing ${JSON.stringify(rvParam)}: invalid syntax`,
      );
    const gv = groupVersion(s.info);

    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Cache-Control', 'no-cache, private');
    res.setHeader('Transfer-Encoding', 'chunked');
    res.flushHeaders();
    // Table watches carry the column definitions with the first event only.
    let columnsSent = false;
    const write = (type: string, object: unknown): void => {
      let out = object;
      if (table && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
        const t = this.table(
          s,
          [object as Json],
          table.includeObject,
          String(metaOf(object as Json).resourceVersion),
        );
        if (columnsSent) t.columnDefinitions = null;
        columnsSent = true;
        out = t;
      }
      res.write(JSON.stringify({ type, object: out }) + '\n');
    };
    const bookmark = (annotations?: Record<string, string>): void =>
      write('BOOKMARK', {
        kind: s.info.kind,
        apiVersion: gv,
        metadata: {
          resourceVersion: String(this.store.currentRevision),
          ...(annotations ? { annotations } : {}),
        },
      });

    const initial = !rvParam || rvParam === '0' || lo.sendInitialEvents === true;
    let from = initial ? this.store.currentRevision : Number(rvParam);
    if (lo.sendInitialEvents === true && rvParam && rvParam !== '0') from = Math.max(Number(rvParam), 0);
    const onEvent = (e: StoreEvent): void => {
      if (e.resource !== s.info.resource || !inScope(e.object)) return;
      const now = match(e.object);
      const before = e.previous ? match(e.previous) : false;
      if (e.type === 'MODIFIED') {
        if (now && before) write('MODIFIED', e.object);
        else if (now) write('ADDED', e.object);
        else if (before)
          write('DELETED', {
            ...e.object,
            metadata: { ...metaOf(e.previous as Json), resourceVersion: metaOf(e.object).resourceVersion },
          });
      } else if (now) write(e.type, e.object);
    };
    let stop: () => void = () => undefined;
    try {
      if (initial) {
        for (const o of this.store.list(s.info.resource, ns)) if (match(o)) write('ADDED', o);
        if (lo.sendInitialEvents === true) bookmark({ 'k8s.io/initial-events-end': 'true' });
      }
      stop = this.store.watch(from, onEvent);
    } catch (e) {
      if (e instanceof TooOldResourceVersionError) {
        write('ERROR', errors.expired(e.message).status);
        res.end();
        return;
      }
      throw e;
    }
    const timeout = (lo.timeoutSeconds ?? 1800 * (1 + Math.random())) * 1000;
    const timer = setTimeout(() => res.end(), timeout);
    const bookmarks = lo.allowWatchBookmarks ? setInterval(() => bookmark(), 60000) : undefined;
    bookmarks?.unref();
    const close = (): void => {
      stop();
      clearTimeout(timer);
      if (bookmarks) clearInterval(bookmarks);
    };
    res.on('close', close);
    req.on('close', close);
  }

  // ---- tables -------------------------------------------------------------------------

  table(
    s: ResourceStrategy,
    objects: Json[],
    includeObject: string | null,
    rv: string,
    cont?: unknown,
  ): Json {
    const now = new Date();
    const mode = includeObject ?? 'Metadata';
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) },
      columnDefinitions: s.tableColumns,
      rows: objects.map((o) => {
        const row: Json = { cells: s.tableRow(o, now) };
        if (mode === 'Object') row.object = o;
        else if (mode === 'Metadata')
          row.object = {
            kind: 'PartialObjectMetadata',
            apiVersion: 'meta.k8s.io/v1',
            metadata: metaOf(clone(o)),
          };
        return row;
      }),
    };
  }
}

const keyOf = (o: Json): string => `${str(metaOf(o).namespace)}/${str(metaOf(o).name)}`;

function stripTypeMeta(o: Json): Json {
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
