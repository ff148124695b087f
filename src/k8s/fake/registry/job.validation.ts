// pkg/apis/batch/validation: ValidateJob, ValidateJobUpdate and ValidateJobUpdateStatus,
// in the order the apiserver runs them, with its paths and messages.
import { copyJson } from '../copy';
import { field, FieldError, OMIT_VALUE, Path } from '../../validation/field';
import { selectorMatches, validateLabelSelector } from '../../validation/label-selector';
import { isDNS1123Label, nameIsDNSSubdomain } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { deepEqual, isObject, Json, str } from '../../json';
import { internalValue } from '../codec/go-types';
import { validatePodTemplateSpec } from './pod-template.validation';

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export const JOB_LABELS = {
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
};

const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES_MAX = 100000;
const MAX_COMPLETIONS_WITH_PER_INDEX = 100000;
const MAX_PARALLELISM_WITH_PER_INDEX = 10000;
const MAX_FAILED_INDEXES_WITH_MANY_COMPLETIONS = 10000;
const MAX_POD_FAILURE_POLICY_RULES = 20;
const MAX_ON_EXIT_CODES_VALUES = 255;
const MAX_ON_POD_CONDITIONS = 20;
const MAX_SUCCESS_POLICY_RULES = 20;
const MAX_SUCCEEDED_INDEXES_SIZE = 64 * 1024;

export interface JobValidationOptions {
  requirePrefixedLabels: boolean;
}

const spec = (job: Json): Json => (isObject(job.spec) ? job.spec : {});
const meta = (job: Json): Json => (isObject(job.metadata) ? job.metadata : {});
const templateOf = (s: Json): Json => (isObject(s.template) ? s.template : {});
const templateLabels = (s: Json): Record<string, string> => {
  const t = templateOf(s);
  return isObject(t.metadata) && isObject(t.metadata.labels)
    ? (t.metadata.labels as Record<string, string>)
    : {};
};

function nonNegative(value: number | undefined, p: Path): FieldError[] {
  return value !== undefined && value < 0
    ? [field.invalid(p, value, 'must be greater than or equal to 0')]
    : [];
}

function validateHasLabel(
  labels: Record<string, string>,
  p: Path,
  key: string,
  expected: string,
): FieldError[] {
  const lp = p.child('labels').key(key);
  if (!(key in labels)) return [field.required(lp, `must be '${expected}'`)];
  if (labels[key] !== expected) return [field.invalid(lp, labels, `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(job: Json, requirePrefixed: boolean): FieldError[] {
  const s = spec(job);
  if (s.manualSelector === true || s.selector === undefined) return [];
  const m = meta(job);
  const uid = str(m.uid);
  const name = str(m.name);
  const errs: FieldError[] = [];
  if (!uid) errs.push(field.required(Path.root('metadata').child('uid'), ''));
  const tp = Path.root('spec').child('template', 'metadata');
  const labels = templateLabels(s);
  errs.push(...validateHasLabel(labels, tp, JOB_LABELS.legacyControllerUid, uid));
  errs.push(...validateHasLabel(labels, tp, JOB_LABELS.legacyJobName, name));
  const expected: Record<string, string> = {};
  if (requirePrefixed) {
    errs.push(...validateHasLabel(labels, tp, JOB_LABELS.controllerUid, uid));
    errs.push(...validateHasLabel(labels, tp, JOB_LABELS.jobName, name));
    expected[JOB_LABELS.controllerUid] = uid;
    expected[JOB_LABELS.jobName] = name;
  }
  expected[JOB_LABELS.legacyControllerUid] = uid;
  expected[JOB_LABELS.legacyJobName] = name;
  if (!selectorMatches(s.selector, expected))
    errs.push(
      field.invalid(Path.root('spec').child('selector'), s.selector, '`selector` not auto-generated'),
    );
  return errs;
}

function validatePodFailurePolicy(s: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const policy = isObject(s.podFailurePolicy) ? s.podFailurePolicy : {};
  const rules = Array.isArray(policy.rules) ? (policy.rules as Json[]) : [];
  const rp = p.child('rules');
  if (rules.length > MAX_POD_FAILURE_POLICY_RULES)
    return [field.tooMany(rp, rules.length, MAX_POD_FAILURE_POLICY_RULES)];
  const t = templateOf(s);
  const podSpec = isObject(t.spec) ? t.spec : {};
  const containerNames = new Set(
    [...((podSpec.containers as Json[]) ?? []), ...((podSpec.initContainers as Json[]) ?? [])].map((c) =>
      String(c.name),
    ),
  );
  const actions = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
  rules.forEach((rule, i) => {
    const ip = rp.index(i);
    const action = str(rule.action);
    if (!action)
      errs.push(field.required(ip.child('action'), `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`));
    else if (!actions.includes(action)) errs.push(field.notSupported(ip.child('action'), action, actions));
    else if (action === 'FailIndex' && s.backoffLimitPerIndex === undefined)
      errs.push(field.invalid(ip.child('action'), action, 'requires the backoffLimitPerIndex to be set'));
    const codes = isObject(rule.onExitCodes) ? rule.onExitCodes : undefined;
    const conds = Array.isArray(rule.onPodConditions) ? (rule.onPodConditions as Json[]) : undefined;
    if (codes && conds)
      errs.push(
        field.invalid(ip, OMIT_VALUE, 'specifying both OnExitCodes and OnPodConditions is not supported'),
      );
    else if (!codes && !conds)
      errs.push(
        field.invalid(ip, OMIT_VALUE, 'specifying one of OnExitCodes and OnPodConditions is required'),
      );
    if (codes) {
      const cp = ip.child('onExitCodes');
      const op = str(codes.operator);
      if (!op) errs.push(field.required(cp.child('operator'), `valid values: ["In" "NotIn"]`));
      else if (op !== 'In' && op !== 'NotIn')
        errs.push(field.notSupported(cp.child('operator'), op, ['In', 'NotIn']));
      if (codes.containerName !== undefined && !containerNames.has(str(codes.containerName)))
        errs.push(
          field.invalid(
            cp.child('containerName'),
            codes.containerName,
            'must be one of the container or initContainer names in the pod template',
          ),
        );
      const values = Array.isArray(codes.values) ? (codes.values as number[]) : [];
      const vp = cp.child('values');
      if (!values.length) errs.push(field.invalid(vp, values, 'at least one value is required'));
      if (values.length > MAX_ON_EXIT_CODES_VALUES)
        errs.push(field.tooMany(vp, values.length, MAX_ON_EXIT_CODES_VALUES));
      const seen = new Set<number>();
      let sorted = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0)
          errs.push(field.invalid(vp.index(j), v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(field.duplicate(vp.index(j), v));
        if (j > 0 && values[j - 1] > v) sorted = false;
        seen.add(v);
      });
      if (!sorted) errs.push(field.invalid(vp, values, 'must be ordered'));
    }
    if (conds) {
      const cp = ip.child('onPodConditions');
      if (conds.length > MAX_ON_POD_CONDITIONS)
        errs.push(field.tooMany(cp, conds.length, MAX_ON_POD_CONDITIONS));
      conds.forEach((c, j) => {
        const status = str(c.status);
        const statuses = ['False', 'True', 'Unknown'];
        if (!status)
          errs.push(field.required(cp.index(j).child('status'), `valid values: ["False" "True" "Unknown"]`));
        else if (!statuses.includes(status))
          errs.push(field.notSupported(cp.index(j).child('status'), status, statuses));
      });
    }
  });
  return errs;
}

/** Parses "1,3-5,7" as the Job controller's parseIndexesFromString does; returns the count or an error. */
export function parseIndexes(text: string, completions: number): { count: number } | { error: string } {
  let count = 0;
  let prev = -1;
  if (!text) return { count };
  for (const fragment of text.split(',')) {
    const parts = fragment.split('-');
    if (parts.length > 2)
      return {
        error: `the fragment "${fragment}" violates the requirement that an index interval can have at most two parts separated by '-'`,
      };
    const nums: number[] = [];
    for (const part of parts) {
      if (!/^\d+$/.test(part)) return { error: `cannot convert string to integer for index: "${part}"` };
      const n = Number(part);
      if (n >= completions) return { error: `too large index: "${part}"` };
      nums.push(n);
    }
    const [lo, hi = lo] = nums;
    if (lo <= prev) return { error: `non-increasing order, previous: ${prev}, current: ${lo}` };
    if (hi < lo) return { error: `non-increasing order, previous: ${lo}, current: ${hi}` };
    prev = hi;
    count += hi - lo + 1;
  }
  return { count };
}

function validateSuccessPolicy(s: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const policy = isObject(s.successPolicy) ? s.successPolicy : {};
  const rules = Array.isArray(policy.rules) ? (policy.rules as Json[]) : [];
  const rp = p.child('rules');
  if (!rules.length)
    return [field.required(rp, 'at least one rules must be specified when the successPolicy is specified')];
  if (rules.length > MAX_SUCCESS_POLICY_RULES)
    return [field.tooMany(rp, rules.length, MAX_SUCCESS_POLICY_RULES)];
  const completions = num(s.completions) ?? 0;
  rules.forEach((rule, i) => {
    const ip = rp.index(i);
    const idx = rule.succeededIndexes;
    const cnt = num(rule.succeededCount);
    if (idx === undefined && cnt === undefined) {
      errs.push(field.required(ip, 'at least one of succeededCount or succeededIndexes must be specified'));
      return;
    }
    let total: number | undefined;
    if (typeof idx === 'string') {
      if (idx.length > MAX_SUCCEEDED_INDEXES_SIZE)
        errs.push(field.tooLong(ip.child('succeededIndexes'), MAX_SUCCEEDED_INDEXES_SIZE));
      const parsed = parseIndexes(idx, completions);
      if ('error' in parsed)
        errs.push(
          field.invalid(ip.child('succeededIndexes'), idx, `error parsing succeededIndexes: ${parsed.error}`),
        );
      else total = parsed.count;
    }
    if (cnt !== undefined) {
      const cp = ip.child('succeededCount');
      if (cnt < 0) errs.push(...nonNegative(cnt, cp));
      if (cnt > completions)
        errs.push(
          field.invalid(
            cp,
            cnt,
            `must be less than or equal to ${completions} (the number of specified completions)`,
          ),
        );
      if (total !== undefined && cnt > total)
        errs.push(
          field.invalid(
            cp,
            cnt,
            `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`,
          ),
        );
    }
  });
  return errs;
}

function validatePodReplacementPolicy(s: Json, p: Path): FieldError[] {
  const v = s.podReplacementPolicy;
  if (v === undefined) return [];
  if (s.podFailurePolicy !== undefined) return v !== 'Failed' ? [field.notSupported(p, v, ['Failed'])] : [];
  return v !== 'Failed' && v !== 'TerminatingOrFailed'
    ? [field.notSupported(p, v, ['Failed', 'TerminatingOrFailed'])]
    : [];
}

function isDomainPrefixedPath(p: Path, value: string): FieldError[] {
  const slash = value.indexOf('/');
  if (slash < 0) return [field.invalid(p, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const host = value.slice(0, slash);
  return isDNS1123Subdomainish(host).map((m) => field.invalid(p, host, m));
}
const isDNS1123Subdomainish = (host: string): string[] => nameIsDNSSubdomain(host, false);

function validateJobSpecInner(s: Json, p: Path): FieldError[] {
  const errs: FieldError[] = [];
  const parallelism = num(s.parallelism);
  const completions = num(s.completions);
  errs.push(...nonNegative(parallelism, p.child('parallelism')));
  errs.push(...nonNegative(completions, p.child('completions')));
  errs.push(...nonNegative(num(s.activeDeadlineSeconds), p.child('activeDeadlineSeconds')));
  errs.push(...nonNegative(num(s.backoffLimit), p.child('backoffLimit')));
  errs.push(...nonNegative(num(s.ttlSecondsAfterFinished), p.child('ttlSecondsAfterFinished')));
  const perIndex = num(s.backoffLimitPerIndex);
  const maxFailed = num(s.maxFailedIndexes);
  errs.push(...nonNegative(perIndex, p.child('backoffLimitPerIndex')));
  if (maxFailed !== undefined) {
    errs.push(...nonNegative(maxFailed, p.child('maxFailedIndexes')));
    if (perIndex === undefined)
      errs.push(field.required(p.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (typeof s.managedBy === 'string') {
    errs.push(...isDomainPrefixedPath(p.child('managedBy'), s.managedBy));
    if (s.managedBy.length > 63) errs.push(field.tooLong(p.child('managedBy'), 63));
  }
  const mode = s.completionMode;
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed')
      errs.push(field.notSupported(p.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (completions === undefined)
        errs.push(field.required(p.child('completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED)
        errs.push(
          field.invalid(
            p.child('parallelism'),
            parallelism,
            `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`,
          ),
        );
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions)
        errs.push(
          field.invalid(p.child('maxFailedIndexes'), maxFailed, 'must be less than or equal to completions'),
        );
      if (maxFailed !== undefined && maxFailed > MAX_FAILED_INDEXES_MAX)
        errs.push(
          field.invalid(
            p.child('maxFailedIndexes'),
            maxFailed,
            `must be less than or equal to ${MAX_FAILED_INDEXES_MAX}`,
          ),
        );
      if (
        completions !== undefined &&
        completions > MAX_COMPLETIONS_WITH_PER_INDEX &&
        perIndex !== undefined
      ) {
        const why = 'when completions are above 100000 and used with backoff limit per index';
        if (maxFailed === undefined)
          errs.push(
            field.required(p.child('maxFailedIndexes'), 'must be specified when completions is above 100000'),
          );
        else if (maxFailed > MAX_FAILED_INDEXES_WITH_MANY_COMPLETIONS)
          errs.push(
            field.invalid(
              p.child('maxFailedIndexes'),
              maxFailed,
              `must be less than or equal to 10000 ${why}`,
            ),
          );
        if (parallelism !== undefined && parallelism > MAX_PARALLELISM_WITH_PER_INDEX)
          errs.push(
            field.invalid(p.child('parallelism'), parallelism, `must be less than or equal to 10000 ${why}`),
          );
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (perIndex !== undefined)
      errs.push(field.invalid(p.child('backoffLimitPerIndex'), perIndex, 'requires indexed completion mode'));
    if (maxFailed !== undefined)
      errs.push(field.invalid(p.child('maxFailedIndexes'), maxFailed, 'requires indexed completion mode'));
  }
  if (s.podFailurePolicy !== undefined)
    errs.push(...validatePodFailurePolicy(s, p.child('podFailurePolicy')));
  if (s.successPolicy !== undefined) {
    if (mode !== 'Indexed')
      errs.push(
        field.invalid(
          p.child('successPolicy'),
          internalValue('spec.successPolicy', s.successPolicy),
          'requires indexed completion mode',
        ),
      );
    else errs.push(...validateSuccessPolicy(s, p.child('successPolicy')));
  }
  errs.push(...validatePodReplacementPolicy(s, p.child('podReplacementPolicy')));
  const template = templateOf(s);
  errs.push(...validatePodTemplateSpec(template, p.child('template')));
  const podSpec = isObject(template.spec) ? template.spec : {};
  const restart = str(podSpec.restartPolicy);
  const rp = p.child('template', 'spec', 'restartPolicy');
  if (restart === 'Always' || restart === '')
    errs.push(field.required(rp, 'valid values: "OnFailure", "Never"'));
  else if (restart !== 'OnFailure' && restart !== 'Never')
    errs.push(field.notSupported(rp, restart, ['OnFailure', 'Never']));
  else if (s.podFailurePolicy !== undefined && restart !== 'Never')
    errs.push(field.invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

function validateJobSpec(s: Json, p: Path): FieldError[] {
  const errs = validateJobSpecInner(s, p);
  if (s.selector === undefined) errs.push(field.required(p.child('selector'), ''));
  else errs.push(...validateLabelSelector(s.selector, p.child('selector')));
  if (s.selector !== undefined && !selectorMatches(s.selector, templateLabels(s)))
    errs.push(
      field.invalid(
        p.child('template', 'metadata', 'labels'),
        templateLabels(s),
        '`selector` does not match template `labels`',
      ),
    );
  return errs;
}

export function validateJob(job: Json, opts: JobValidationOptions): FieldError[] {
  const m = meta(job);
  const errs = validateObjectMeta(m, true, nameIsDNSSubdomain, Path.root('metadata'));
  errs.push(...validateGeneratedSelector(job, opts.requirePrefixedLabels));
  const s = spec(job);
  errs.push(...validateJobSpec(s, Path.root('spec')));
  const completions = num(s.completions);
  if (s.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const hostname = `${str(m.name)}-${completions - 1}`;
    if (isDNS1123Label(hostname).length)
      errs.push(
        field.invalid(
          Path.root('metadata').child('name'),
          m.name ?? '',
          `will not able to create pod with invalid DNS label: ${hostname}`,
        ),
      );
  }
  return errs;
}

const immutable = (p: Path, next: unknown, prev: unknown): FieldError[] =>
  deepEqual(next, prev)
    ? []
    : [field.invalid(p, internalValue(String(p), next ?? null), 'field is immutable')];

const SCHEDULING_TEMPLATE_KEYS = ['nodeSelector', 'tolerations', 'schedulingGates'];

function validatePodTemplateUpdate(s: Json, old: Json, oldJob: Json, p: Path): FieldError[] {
  const template = templateOf(s);
  let oldTemplate = templateOf(old);
  const oldSpec = spec(oldJob);
  const oldStatus = isObject(oldJob.status) ? oldJob.status : {};
  if (oldSpec.suspend === true && oldStatus.startTime === undefined) {
    // A suspended Job that never started may still move its pods: scheduling directives are mutable.
    oldTemplate = copyJson(oldTemplate);
    const nextSpec = isObject(template.spec) ? template.spec : {};
    const prevSpec = (oldTemplate.spec ??= {}) as Json;
    for (const key of SCHEDULING_TEMPLATE_KEYS) assignOrDelete(prevSpec, key, nextSpec[key]);
    const nextAff = isObject(nextSpec.affinity) ? nextSpec.affinity : undefined;
    const prevAff = isObject(prevSpec.affinity) ? prevSpec.affinity : undefined;
    if (!nextAff && prevAff) {
      delete prevAff.nodeAffinity;
      if (!Object.keys(prevAff).length) delete prevSpec.affinity;
    } else if (nextAff) {
      const merged: Json = { ...(prevAff ?? {}) };
      assignOrDelete(merged, 'nodeAffinity', nextAff.nodeAffinity);
      prevSpec.affinity = merged;
    }
    const nextMeta = isObject(template.metadata) ? template.metadata : {};
    const prevMeta = (oldTemplate.metadata ??= {}) as Json;
    assignOrDelete(prevMeta, 'labels', nextMeta.labels);
    assignOrDelete(prevMeta, 'annotations', nextMeta.annotations);
  }
  return immutable(p.child('template'), template, oldTemplate);
}

function assignOrDelete(o: Json, key: string, value: unknown): void {
  if (value === undefined) delete o[key];
  else o[key] = value;
}

export function validateJobUpdate(job: Json, old: Json, opts: JobValidationOptions): FieldError[] {
  const errs = validateJob(job, opts);
  errs.push(...validateObjectMetaUpdate(meta(job), meta(old), Path.root('metadata')));
  const s = spec(job);
  const o = spec(old);
  const p = Path.root('spec');
  errs.push(...validateJobSpec(s, p));
  if (
    s.completionMode === 'Indexed' &&
    !deepEqual(s.completions, o.completions) &&
    s.completions !== undefined
  ) {
    if (s.completions !== s.parallelism)
      errs.push(
        field.invalid(
          p.child('completions'),
          s.completions,
          'can only be modified in tandem with spec.parallelism',
        ),
      );
  } else if (s.completionMode !== 'Indexed') {
    errs.push(...immutable(p.child('completions'), s.completions, o.completions));
  }
  errs.push(...immutable(p.child('selector'), s.selector, o.selector));
  errs.push(...validatePodTemplateUpdate(s, o, old, p));
  errs.push(...immutable(p.child('completionMode'), s.completionMode, o.completionMode));
  errs.push(...immutable(p.child('podFailurePolicy'), s.podFailurePolicy, o.podFailurePolicy));
  errs.push(...immutable(p.child('backoffLimitPerIndex'), s.backoffLimitPerIndex, o.backoffLimitPerIndex));
  errs.push(...immutable(p.child('managedBy'), s.managedBy, o.managedBy));
  errs.push(...immutable(p.child('successPolicy'), s.successPolicy, o.successPolicy));
  return errs;
}

const CONDITION_TRUE = (status: Json, type: string): boolean =>
  Array.isArray(status.conditions) &&
  (status.conditions as Json[]).some((c) => c.type === type && c.status === 'True');

export function validateJobStatusUpdate(job: Json, old: Json): FieldError[] {
  const errs = validateObjectMetaUpdate(meta(job), meta(old), Path.root('metadata'));
  const status = isObject(job.status) ? job.status : {};
  const oldStatus = isObject(old.status) ? old.status : {};
  const p = Path.root('status');
  for (const key of ['active', 'succeeded', 'failed', 'ready', 'terminating'])
    errs.push(...nonNegative(num(status[key]), p.child(key)));
  const uncounted = isObject(status.uncountedTerminatedPods) ? status.uncountedTerminatedPods : {};
  for (const key of ['succeeded', 'failed']) {
    const uids = Array.isArray(uncounted[key]) ? (uncounted[key] as string[]) : [];
    const seen = new Set<string>();
    uids.forEach((uid, i) => {
      const up = p.child('uncountedTerminatedPods', key).index(i);
      if (!uid) errs.push(field.invalid(up, uid, 'must not be empty'));
      else if (seen.has(uid)) errs.push(field.duplicate(up, uid));
      seen.add(uid);
    });
  }
  const cp = p.child('conditions');
  const complete = CONDITION_TRUE(status, 'Complete');
  const failed = CONDITION_TRUE(status, 'Failed');
  if (complete && failed)
    errs.push(field.invalid(cp, OMIT_VALUE, 'cannot set Complete=True and Failed=true conditions'));
  if (complete && CONDITION_TRUE(status, 'FailureTarget'))
    errs.push(field.invalid(cp, OMIT_VALUE, 'cannot set Complete=True and FailureTarget=true conditions'));
  if (failed && !CONDITION_TRUE(status, 'FailureTarget') && !CONDITION_TRUE(oldStatus, 'Failed'))
    errs.push(
      field.invalid(
        cp,
        OMIT_VALUE,
        'cannot set Failed=True condition without the FailureTarget=true condition',
      ),
    );
  if (complete && !CONDITION_TRUE(status, 'SuccessCriteriaMet') && !CONDITION_TRUE(oldStatus, 'Complete'))
    errs.push(
      field.invalid(
        cp,
        OMIT_VALUE,
        'cannot set Complete=True condition without the SuccessCriteriaMet=true condition',
      ),
    );
  for (const type of ['Complete', 'Failed', 'FailureTarget'])
    if (CONDITION_TRUE(oldStatus, type) && !CONDITION_TRUE(status, type))
      errs.push(field.invalid(cp, OMIT_VALUE, `cannot disable the terminal ${type}=True condition`));
  if (status.completionTime !== undefined && !complete)
    errs.push(
      field.invalid(
        p.child('completionTime'),
        status.completionTime,
        'cannot set completionTime when there is no Complete=True condition',
      ),
    );
  if (complete && status.completionTime === undefined)
    errs.push(field.required(p.child('completionTime'), 'completionTime is required for Complete jobs'));
  for (const key of ['failed', 'succeeded']) {
    const now = num(status[key]) ?? 0;
    const before = num(oldStatus[key]) ?? 0;
    if (now < before && !(key === 'succeeded' && spec(job).completionMode === 'Indexed'))
      errs.push(field.invalid(p.child(key), now, `cannot decrease the ${key} counter`));
  }
  return errs;
}
