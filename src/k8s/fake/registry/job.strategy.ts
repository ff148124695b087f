// batch/v1 Jobs: pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job/strategy.go and
// the printer kubectl shows (pkg/printers/internalversion/printers.go).
import { FieldError } from '../../validation/field';
import { deepEqual, isObject, Json, str } from '../../json';
import { humanDuration } from './duration';
import { orderAs } from './field-order';
import { defaultPodSpec } from './pod-template.defaults';
import { ResourceStrategy } from './strategy';
import { JOB_LABELS, validateJob, validateJobStatusUpdate, validateJobUpdate } from './job.validation';
import { isDNS1123Label } from '../../validation/names';

const MAX_INT32 = 2147483647;

function setDefaultsJob(job: Json): void {
  const spec = (job.spec ??= {}) as Json;
  if (spec.completions === undefined && spec.parallelism === undefined) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (spec.parallelism === undefined) spec.parallelism = 1;
  if (spec.backoffLimit === undefined)
    spec.backoffLimit = spec.backoffLimitPerIndex !== undefined ? MAX_INT32 : 6;
  const meta = (job.metadata ??= {}) as Json;
  const template = isObject(spec.template) ? spec.template : undefined;
  const templateLabels = template && isObject(template.metadata) ? template.metadata.labels : undefined;
  if (meta.labels === undefined && isObject(templateLabels)) meta.labels = { ...templateLabels };
  if (spec.completionMode === undefined) spec.completionMode = 'NonIndexed';
  if (spec.suspend === undefined) spec.suspend = false;
  if (spec.podReplacementPolicy === undefined)
    spec.podReplacementPolicy = spec.podFailurePolicy !== undefined ? 'Failed' : 'TerminatingOrFailed';
  if (spec.manualSelector === undefined) spec.manualSelector = false;
  if (isObject(spec.podFailurePolicy) && Array.isArray(spec.podFailurePolicy.rules))
    for (const rule of spec.podFailurePolicy.rules as Json[])
      if (Array.isArray(rule.onPodConditions))
        for (const c of rule.onPodConditions as Json[])
          if (c.status === undefined || c.status === '') c.status = 'True';
  if (template && isObject(template.spec)) defaultPodSpec(template.spec);
}

/** strategy.go generateSelectorIfNeeded: labels and selector tied to the Job's uid. */
function generateSelector(job: Json): void {
  const spec = job.spec as Json;
  if (spec.manualSelector === true) return;
  const meta = job.metadata as Json;
  const template = (spec.template ??= {}) as Json;
  const tmeta = (template.metadata ??= {}) as Json;
  const labels = (tmeta.labels ??= {}) as Record<string, string>;
  const name = str(meta.name);
  const uid = str(meta.uid);
  for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) if (!(key in labels)) labels[key] = name;
  for (const key of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid])
    if (!(key in labels)) labels[key] = uid;
  const selector = (spec.selector ??= {}) as Json;
  const matchLabels = (selector.matchLabels ??= {}) as Record<string, string>;
  if (!(JOB_LABELS.controllerUid in matchLabels)) matchLabels[JOB_LABELS.controllerUid] = uid;
  tmeta.labels = sortKeys(labels);
  selector.matchLabels = sortKeys(matchLabels);
}

// Go maps encode with sorted keys.
const sortKeys = <T>(m: Record<string, T>): Record<string, T> =>
  Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const hasPrefixedLabels = (job: Json): boolean => {
  const t = (job.spec as Json | undefined)?.template as Json | undefined;
  const labels = ((t?.metadata as Json | undefined)?.labels ?? {}) as Record<string, string>;
  return JOB_LABELS.controllerUid in labels && JOB_LABELS.jobName in labels;
};

const condition = (job: Json, type: string): boolean => {
  const status = (job.status ?? {}) as Json;
  return (
    Array.isArray(status.conditions) &&
    (status.conditions as Json[]).some((c) => c.type === type && c.status === 'True')
  );
};

function jobStatusCell(job: Json): string {
  const meta = job.metadata as Json;
  if (condition(job, 'Complete')) return 'Complete';
  if (condition(job, 'Failed')) return 'Failed';
  if (meta.deletionTimestamp) return 'Terminating';
  if (condition(job, 'Suspended')) return 'Suspended';
  if (condition(job, 'FailureTarget')) return 'FailureTarget';
  return 'Running';
}

function completionsCell(job: Json): string {
  const spec = job.spec as Json;
  const status = (job.status ?? {}) as Json;
  const succeeded = Number(status.succeeded ?? 0);
  if (typeof spec.completions === 'number') return `${succeeded}/${spec.completions}`;
  const parallelism = Number(spec.parallelism ?? 0);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function durationCell(job: Json, now: Date): string {
  const status = (job.status ?? {}) as Json;
  if (!status.startTime) return '';
  const start = Date.parse(str(status.startTime));
  const end = status.completionTime ? Date.parse(str(status.completionTime)) : now.getTime();
  return humanDuration(end - start);
}

const formatSelector = (sel: unknown): string => {
  if (!isObject(sel)) return '<none>';
  const parts: string[] = [];
  for (const [k, v] of Object.entries((sel.matchLabels ?? {}) as Record<string, string>))
    parts.push(`${k}=${v}`);
  for (const e of (sel.matchExpressions ?? []) as Json[]) {
    const values = ((e.values ?? []) as string[]).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${String(e.key)} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${String(e.key)} notin (${values})`);
        break;
      case 'Exists':
        parts.push(String(e.key));
        break;
      case 'DoesNotExist':
        parts.push(`!${String(e.key)}`);
        break;
    }
  }
  return parts.length ? parts.sort().join(',') : '<none>';
};

export const jobStrategy: ResourceStrategy = {
  info: {
    group: 'batch',
    version: 'v1',
    resource: 'jobs',
    singular: 'job',
    kind: 'Job',
    listKind: 'JobList',
    namespaced: true,
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schemaType: 'V1Job',
    storageVersionHash: 'mudhfqk/qZY=',
  },
  applyDefaults: setDefaultsJob,
  prepareForCreate(job) {
    dropDisabledFields(job);
    generateSelector(job);
    job.status = {};
    (job.metadata as Json).generation = 1;
  },
  prepareForUpdate(job, old) {
    dropDisabledFields(job);
    job.status = old.status;
    const meta = job.metadata as Json;
    const prev = old.metadata as Json;
    meta.generation = prev.generation;
    if (!deepEqual(job.spec, old.spec)) meta.generation = Number(prev.generation ?? 0) + 1;
  },
  validate: (job) => validateJob(job, { requirePrefixedLabels: true }),
  validateUpdate: (job, old) =>
    validateJobUpdate(job, old, { requirePrefixedLabels: hasPrefixedLabels(old) }),
  warningsOnCreate(job) {
    const warnings: string[] = [];
    const name = str((job.metadata as Json).name);
    const msgs = isDNS1123Label(name);
    if (name && msgs.length)
      warnings.push(
        `metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`,
      );
    warnings.push(...jobSpecWarnings(job));
    return warnings;
  },
  warningsOnUpdate(job, old) {
    const gen = (o: Json): unknown => (o.metadata as Json).generation;
    return gen(job) !== gen(old) ? jobSpecWarnings(job) : [];
  },
  selectableFields(job) {
    const meta = job.metadata as Json;
    const status = (job.status ?? {}) as Json;
    return {
      'metadata.name': str(meta.name),
      'metadata.namespace': str(meta.namespace),
      'status.successful': String(typeof status.succeeded === 'number' ? status.succeeded : 0),
    };
  },
  defaultPropagation: 'Orphan',
  unsupportedFieldLabel: (label) => `field label ${JSON.stringify(label)} not supported for Job`,
  deleteWithoutPolicyWarning:
    'child pods are preserved by default when jobs are deleted; set propagationPolicy=Background to remove them or set propagationPolicy=Orphan to suppress this warning',
  order: (job) => orderAs(job, 'V1Job'),
  tableColumns: [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description:
        'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
      priority: 0,
    },
    { name: 'Status', type: 'string', format: '', description: 'Status of the job.', priority: 0 },
    {
      name: 'Completions',
      type: 'string',
      format: '',
      description:
        'The number of pods which reached phase Succeeded. The value increases monotonically for a given spec. However, it may decrease in reaction to scale down of elastic indexed jobs.',
      priority: 0,
    },
    {
      name: 'Duration',
      type: 'string',
      format: '',
      description: 'Time required to complete the job.',
      priority: 0,
    },
    {
      name: 'Age',
      type: 'string',
      format: '',
      description:
        'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
      priority: 0,
    },
    {
      name: 'Containers',
      type: 'string',
      format: '',
      description: 'Names of each container in the template.',
      priority: 1,
    },
    {
      name: 'Images',
      type: 'string',
      format: '',
      description: 'Images referenced by each container in the template.',
      priority: 1,
    },
    {
      name: 'Selector',
      type: 'string',
      format: '',
      description:
        'A label query over pods that should match the pod count. Normally, the system sets this field for you. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
      priority: 1,
    },
  ],
  tableRow(job, now) {
    const meta = job.metadata as Json;
    const spec = (job.spec ?? {}) as Json;
    const podSpec = (((spec.template ?? {}) as Json).spec ?? {}) as Json;
    const containers = (podSpec.containers ?? []) as Json[];
    return [
      meta.name,
      jobStatusCell(job),
      completionsCell(job),
      durationCell(job, now),
      humanDuration(now.getTime() - Date.parse(String(meta.creationTimestamp))),
      containers.map((c) => String(c.name)).join(','),
      containers.map((c) => String(c.image)).join(','),
      formatSelector(spec.selector),
    ];
  },
  subresources: {
    status: {
      prepareForUpdate(job, old) {
        job.spec = old.spec;
      },
      validateUpdate: (job, old): FieldError[] => validateJobStatusUpdate(job, old),
      verbs: ['get', 'patch', 'update'],
    },
  },
};

/** job.WarningsForJobSpec: the Indexed soft limits, then the pod template's warnings (the part we model). */
function jobSpecWarnings(job: Json): string[] {
  const spec = (job.spec ?? {}) as Json;
  const warnings: string[] = [];
  if (
    spec.completionMode === 'Indexed' &&
    Number(spec.completions ?? 0) > 100000 &&
    Number(spec.parallelism ?? 0) > 10000
  )
    warnings.push(
      'spec: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail',
    );
  const pod = ((spec.template ?? {}) as Json).spec as Json | undefined;
  const grace = pod?.terminationGracePeriodSeconds;
  if (typeof grace === 'number' && grace < 0)
    warnings.push(
      'spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1',
    );
  return warnings;
}

/**
 * Alpha fields whose feature gates are off in the release we emulate: accepted by the decoder,
 * recorded by the field manager, then dropped (pod/util.go dropDisabledPodFields).
 */
function dropDisabledFields(job: Json): void {
  const pod = (((job.spec as Json | undefined)?.template as Json | undefined)?.spec ?? {}) as Json;
  delete pod.schedulingGroup;
  for (const volume of Array.isArray(pod.volumes) ? (pod.volumes as Json[]) : []) {
    const sources = (volume.projected as Json | undefined)?.sources;
    for (const source of Array.isArray(sources) ? (sources as Json[]) : [])
      delete (source.podCertificate as Json | undefined)?.userAnnotations;
  }
}
