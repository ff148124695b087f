// POST, PUT and PATCH (handlers/create.go, update.go, patch.go): decode the body or apply the
// patch to the live object, then hand the object to the registry store.
import { errors, StatusError } from '../../status';
import { deepEqual, isObject, Json, str } from '../../json';
import { copyJson } from '../copy';
import { pruneApplied } from '../managed-fields';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from '../patch';
import { GenericStore, metaOf } from '../registry/generic-store';
import { ResourceStrategy } from '../registry/strategy';
import { decodeObject, decodeValue, FieldValidation, parseDocument } from './decode-body';
import { Reply } from './io';
import { patchType, requestBodyFormat } from './negotiation';
import { writeOptions } from './options';
import { RestRequest } from './request';

export async function createObject(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const s = r.strategy;
  if (r.subresource) return act(reg, r);
  const format = requestBodyFormat(r.contentType);
  const opts = writeOptions('CreateOptions', r.query, r.userAgent);
  const { object, warnings } = decodeObject(await r.body(), format, s, opts.fieldValidation);
  return reg.create(s, r.namespace, object, warnings, { ...opts, operation: 'Update' });
}

/** POST to an acting subresource (pods/binding). */
async function act(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const opts = writeOptions('CreateOptions', r.query, r.userAgent);
  const { value } = parseDocument(await r.body(), requestBodyFormat(r.contentType));
  if (!isObject(value)) throw errors.badRequest('the body of the request was not an object');
  return reg.act(r.strategy, r.namespace, r.name, r.subresource, value, opts.dryRun);
}

export async function updateObject(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const s = r.strategy;
  const format = requestBodyFormat(r.contentType);
  const opts = writeOptions('UpdateOptions', r.query, r.userAgent);
  const { object, warnings } = decodeObject(await r.body(), format, s, opts.fieldValidation);
  return reg.update(s, r.namespace, r.name, r.subresource, object, warnings, {
    ...opts,
    operation: 'Update',
  });
}

export async function patchObject(reg: GenericStore, r: RestRequest): Promise<Reply> {
  const s = r.strategy;
  const type = patchType(r.contentType);
  const opts = writeOptions('PatchOptions', r.query, r.userAgent, type === 'apply');
  const body = await r.body();
  if (type === 'apply') return apply(reg, r, body, opts);
  let patch: unknown;
  try {
    patch = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw errors.badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  // Read-only: every patch format works on its own copy.
  const current = reg.peek(s, r.namespace, r.name) as Json;
  let patched: unknown;
  try {
    if (type === 'json') patched = applyJsonPatch(current, patch);
    else if (type === 'merge') patched = applyMergePatch(current, patch);
    else {
      if (!isObject(patch))
        throw new PatchError(
          `unable to find api field in struct ${s.info.kind} for the json field "$patch"`,
          400,
        );
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
  const { object, warnings } = decodePatched(patched, s, opts.fieldValidation);
  // A patch without a resourceVersion applies to whatever is current.
  if (!isObject(patch) || !isObject(patch.metadata) || patch.metadata.resourceVersion === undefined)
    if (type !== 'json') metaOf(object).resourceVersion = metaOf(current).resourceVersion;
  return reg.update(s, r.namespace, r.name, r.subresource, object, warnings, {
    ...opts,
    operation: 'Update',
  });
}

function decodePatched(
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

/**
 * Server-side apply, simplified: the applied configuration is merged into the live object (what
 * the applier stopped applying is pruned), or creates it.
 */
function apply(
  reg: GenericStore,
  r: RestRequest,
  body: Buffer,
  opts: { fieldValidation: FieldValidation; dryRun: boolean; fieldManager: string; force: boolean },
): Reply {
  const s = r.strategy;
  const { value: applied } = parseDocument(body, 'yaml');
  if (!isObject(applied))
    throw errors.badRequest('error decoding YAML: the applied configuration is not an object');
  // The field manager keeps these itself (structuredmerge.go).
  if (isObject(applied.metadata) && applied.metadata.managedFields != null)
    throw errors.badRequest('metadata.managedFields must be nil');
  const ctx = { ...opts, operation: 'Apply' as const, applied };
  const current = reg.find(s, r.namespace, r.name);
  if (!current) {
    const { object, warnings } = decodeValue(copyJson(applied), [], s, opts.fieldValidation);
    if (metaOf(object).name !== r.name)
      throw errors.badRequest(
        `the name of the object (${str(metaOf(object).name)}) does not match the name on the URL (${r.name})`,
      );
    return reg.create(s, r.namespace, object, warnings, ctx);
  }
  const merged = pruneApplied({
    live: current,
    merged: applyStrategicMergePatch(current, applied, s.info.schemaType),
    manager: opts.fieldManager,
    applied,
    typeName: s.info.schemaType,
    subresource: r.subresource || undefined,
  });
  // Before defaulting: a pruned field that defaulting brings back still counts as a change.
  const applyChanged = !deepEqual(merged, current);
  const { object, warnings } = decodePatched(merged, s, opts.fieldValidation);
  metaOf(object).resourceVersion = metaOf(current).resourceVersion;
  return reg.update(s, r.namespace, r.name, r.subresource, object, warnings, { ...ctx, applyChanged });
}
