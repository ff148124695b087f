// The pod a Job's controller creates (controller.GetPodFromTemplate, the job controller's
// manageJob and indexed_job_utils.go): the template's labels, annotations and spec, the
// tracking finalizer, a controller ownerReference, and for Indexed Jobs the completion index
// as annotation, label, hostname and JOB_COMPLETION_INDEX variable.
import { isObject, Json } from '../../../json';
import { copyJson } from '../../copy';
import { asArray, field, metaOf } from '../objects';
import {
  COMPLETION_INDEX,
  INDEX_FAILURE_COUNT,
  INDEX_IGNORED_FAILURE_COUNT,
  JOB_TRACKING_FINALIZER,
} from './pods';

// names.MaxGeneratedNameLength: 63 minus the five random characters.
const MAX_GENERATED_NAME_LENGTH = 58;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** getPodsPrefix: "<job>-" unless that is not a valid name prefix. */
export function podsPrefix(jobName: string): string {
  const prefix = `${jobName}-`;
  // NameIsDNSSubdomain with prefix=true checks the prefix followed by a letter.
  return prefix.length <= 253 && DNS_SUBDOMAIN.test(`${prefix}a`) ? prefix : jobName;
}

/** podGenerateNameWithIndex: "<job>-<index>-", the job part cut so the index survives. */
export function indexedGenerateName(jobName: string, index: number): string {
  const append = `-${index}-`;
  const full = jobName + append;
  return full.length > MAX_GENERATED_NAME_LENGTH
    ? jobName.slice(0, MAX_GENERATED_NAME_LENGTH - append.length) + append
    : full;
}

function addIndexEnv(container: Json): void {
  const env = asArray(container.env);
  if (env.some((e) => e.name === 'JOB_COMPLETION_INDEX')) return;
  container.env = [
    ...env,
    {
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } },
    },
  ];
}

export interface IndexFailureCounts {
  failed: number;
  ignored: number;
}

export function podForJob(job: Json, index?: number, counts?: IndexFailureCounts): Json {
  const jm = metaOf(job);
  const template = isObject(field(job, 'spec', 'template'))
    ? (copyJson(field(job, 'spec', 'template')) as Json)
    : {};
  const tm = isObject(template.metadata) ? template.metadata : {};
  const spec = isObject(template.spec) ? template.spec : {};
  const labels: Record<string, string> = { ...((tm.labels as Record<string, string>) ?? {}) };
  const annotations: Record<string, string> = { ...((tm.annotations as Record<string, string>) ?? {}) };
  const finalizers = asArray<string>(tm.finalizers);
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  let generateName = podsPrefix(String(jm.name));
  if (index !== undefined) {
    for (const c of [...asArray(spec.initContainers), ...asArray(spec.containers)]) addIndexEnv(c);
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    spec.hostname = `${jm.name}-${index}`;
    generateName = indexedGenerateName(String(jm.name), index);
    if (counts) {
      annotations[INDEX_FAILURE_COUNT] = String(counts.failed);
      if (counts.ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(counts.ignored);
    }
  }
  const metadata: Json = { generateName, namespace: jm.namespace };
  if (Object.keys(labels).length) metadata.labels = labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  metadata.ownerReferences = [
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      name: jm.name,
      uid: jm.uid,
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
  metadata.finalizers = finalizers;
  return { kind: 'Pod', apiVersion: 'v1', metadata, spec };
}
