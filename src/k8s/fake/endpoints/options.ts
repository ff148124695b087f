// Query options of the write and read verbs, validated with the apiserver's messages
// (apimachinery/pkg/apis/meta/v1/validation, apis/meta/internalversion/validation).
import { errors, StatusError } from '../../status';
import { field, FieldError, invalidError, Path } from '../../validation/field';
import { FieldValidation } from './decode-body';
import { DeleteOptions, Propagation } from '../registry/generic-store';

const META_GROUP = 'meta.k8s.io';

function optionsInvalid(kind: string, errs: FieldError[]): StatusError {
  return invalidError(META_GROUP, kind, '', errs);
}

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  fieldManager: string;
  force: boolean;
}

function dryRunErrors(values: string[]): FieldError[] {
  if (!values.length) return [];
  if (values.length === 1 && values[0] === 'All') return [];
  return [field.notSupported(Path.root('dryRun'), values, ['All'])];
}

/** The field manager of a write that names none: the user agent's first part, else "unknown". */
const prefixFromUserAgent = (ua: string): string => ua.split('/')[0] || 'unknown';

export function writeOptions(
  kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions',
  q: URLSearchParams,
  userAgent: string,
  isApply = false,
): WriteOptions {
  const dryRun = q.getAll('dryRun');
  const errs = dryRunErrors(dryRun);
  const fv = q.get('fieldValidation') ?? '';
  if (!['', 'Ignore', 'Strict', 'Warn'].includes(fv))
    errs.push(field.notSupported(Path.root('fieldValidation'), fv, ['', 'Ignore', 'Strict', 'Warn']));
  const manager = q.get('fieldManager') ?? '';
  if (manager.length > 128) errs.push(field.tooLong(Path.root('fieldManager'), 128));
  const bad = [...manager].findIndex((ch) => !/^[\x20-\x7e\u00a0-\uffff]$/u.test(ch));
  if (bad >= 0) {
    const ch = [...manager][bad];
    const cp = ch.codePointAt(0) ?? 0;
    errs.push(
      field.invalid(
        Path.root('fieldManager'),
        manager,
        `invalid character U+${cp.toString(16).toUpperCase().padStart(4, '0')} (at position ${bad})`,
      ),
    );
  }
  const forceRaw = q.get('force');
  const force = forceRaw === 'true' || forceRaw === '1';
  if (kind === 'PatchOptions') {
    if (isApply && !manager)
      errs.push(field.required(Path.root('fieldManager'), 'is required for apply patch'));
    if (!isApply && forceRaw !== null)
      errs.push(field.forbidden(Path.root('force'), 'may not be specified for non-apply patch'));
  }
  if (errs.length) throw optionsInvalid(kind, errs);
  return {
    dryRun: dryRun.length > 0,
    fieldValidation: (fv || 'Warn') as FieldValidation,
    fieldManager: manager || prefixFromUserAgent(userAgent),
    force,
  };
}

const PROPAGATIONS = ['Foreground', 'Background', 'Orphan', 'nil'];

export function validateDeleteOptions(o: {
  dryRun?: unknown;
  propagationPolicy?: unknown;
  orphanDependents?: unknown;
  gracePeriodSeconds?: unknown;
  preconditions?: unknown;
}): DeleteOptions {
  const dry = Array.isArray(o.dryRun) ? o.dryRun.map(String) : [];
  const errs = dryRunErrors(dry);
  const policy = o.propagationPolicy;
  if (policy !== undefined && policy !== null) {
    if (typeof policy !== 'string' || !['Foreground', 'Background', 'Orphan'].includes(policy))
      errs.push(field.notSupported(Path.root('propagationPolicy'), policy, PROPAGATIONS));
    if (o.orphanDependents !== undefined && o.orphanDependents !== null)
      errs.push(
        field.invalid(
          Path.root('propagationPolicy'),
          policy,
          'orphanDependents and deletionPropagation cannot be both set',
        ),
      );
  }
  if (errs.length) throw optionsInvalid('DeleteOptions', errs);
  const pre = o.preconditions as { uid?: string; resourceVersion?: string } | undefined;
  return {
    dryRun: dry.length > 0,
    propagationPolicy: (policy ?? undefined) as Propagation | undefined,
    orphanDependents: typeof o.orphanDependents === 'boolean' ? o.orphanDependents : undefined,
    gracePeriodSeconds: typeof o.gracePeriodSeconds === 'number' ? o.gracePeriodSeconds : undefined,
    preconditions: pre ?? undefined,
  };
}

export function parseIntParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw))
    throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
  return Number(raw);
}

export function parseBoolParam(q: URLSearchParams, name: string): boolean | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(raw)) return true;
  if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(raw)) return false;
  throw errors.badRequest(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
}

export function deleteOptionsFromQuery(q: URLSearchParams): DeleteOptions {
  return validateDeleteOptions({
    dryRun: q.getAll('dryRun'),
    propagationPolicy: q.get('propagationPolicy') ?? undefined,
    orphanDependents: parseBoolParam(q, 'orphanDependents'),
    gracePeriodSeconds: parseIntParam(q, 'gracePeriodSeconds'),
  });
}

export interface ListOptions {
  watch: boolean;
  labelSelector: string;
  fieldSelector: string;
  limit?: number;
  continueToken: string;
  resourceVersion: string;
  resourceVersionMatch: string;
  timeoutSeconds?: number;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
}

export function listOptions(q: URLSearchParams, forceWatch: boolean): ListOptions {
  const opts: ListOptions = {
    watch: forceWatch || parseBoolParam(q, 'watch') === true,
    labelSelector: q.get('labelSelector') ?? '',
    fieldSelector: q.get('fieldSelector') ?? '',
    limit: parseIntParam(q, 'limit'),
    continueToken: q.get('continue') ?? '',
    resourceVersion: q.get('resourceVersion') ?? '',
    resourceVersionMatch: q.get('resourceVersionMatch') ?? '',
    timeoutSeconds: parseIntParam(q, 'timeoutSeconds'),
    allowWatchBookmarks: parseBoolParam(q, 'allowWatchBookmarks') === true,
    sendInitialEvents: parseBoolParam(q, 'sendInitialEvents'),
  };
  const errs: FieldError[] = [];
  const rvm = opts.resourceVersionMatch;
  if (opts.watch) {
    if (opts.sendInitialEvents !== undefined) {
      if (rvm !== 'NotOlderThan')
        errs.push(
          field.forbidden(
            Path.root('resourceVersionMatch'),
            'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
          ),
        );
      if (!opts.allowWatchBookmarks)
        errs.push(
          field.forbidden(
            Path.root('allowWatchBookmarks'),
            'sendInitialEvents requires setting allowWatchBookmarks to true',
          ),
        );
    } else if (rvm) {
      errs.push(
        field.forbidden(
          Path.root('resourceVersionMatch'),
          'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
        ),
      );
    }
  } else {
    if (opts.sendInitialEvents !== undefined)
      errs.push(field.forbidden(Path.root('sendInitialEvents'), 'sendInitialEvents is forbidden for list'));
    if (rvm && !opts.resourceVersion)
      errs.push(
        field.forbidden(
          Path.root('resourceVersionMatch'),
          'resourceVersionMatch is forbidden unless resourceVersion is provided',
        ),
      );
    if (rvm && !['Exact', 'NotOlderThan'].includes(rvm))
      errs.push(field.notSupported(Path.root('resourceVersionMatch'), rvm, ['Exact', 'NotOlderThan']));
    if (opts.continueToken && rvm)
      errs.push(
        field.forbidden(
          Path.root('resourceVersionMatch'),
          'resourceVersionMatch is forbidden when continue is provided',
        ),
      );
  }
  if (errs.length) throw optionsInvalid('ListOptions', errs);
  return opts;
}
