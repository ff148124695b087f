// Go encodes struct fields in declaration order; clients that print JSON show that order.
// These lists follow kubernetes/api's types.go for the types a Job is made of.
type Json = Record<string, unknown>;

const ORDER: Record<string, string[]> = {
  object: ['kind', 'apiVersion', 'metadata', 'spec', 'status'],
  meta: [
    'name',
    'generateName',
    'namespace',
    'selfLink',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'labels',
    'annotations',
    'ownerReferences',
    'finalizers',
    'managedFields',
  ],
  jobSpec: [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'podFailurePolicy',
    'successPolicy',
    'backoffLimit',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
    'selector',
    'manualSelector',
    'template',
    'ttlSecondsAfterFinished',
    'completionMode',
    'suspend',
    'podReplacementPolicy',
    'managedBy',
  ],
  jobStatus: [
    'conditions',
    'startTime',
    'completionTime',
    'active',
    'succeeded',
    'failed',
    'terminating',
    'completedIndexes',
    'failedIndexes',
    'uncountedTerminatedPods',
    'ready',
  ],
  condition: ['type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message'],
  template: ['metadata', 'spec'],
  podSpec: [
    'volumes',
    'initContainers',
    'containers',
    'ephemeralContainers',
    'restartPolicy',
    'terminationGracePeriodSeconds',
    'activeDeadlineSeconds',
    'dnsPolicy',
    'nodeSelector',
    'serviceAccountName',
    'serviceAccount',
    'automountServiceAccountToken',
    'nodeName',
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'shareProcessNamespace',
    'securityContext',
    'imagePullSecrets',
    'hostname',
    'subdomain',
    'affinity',
    'schedulerName',
    'tolerations',
    'hostAliases',
    'priorityClassName',
    'priority',
    'dnsConfig',
    'readinessGates',
    'runtimeClassName',
    'enableServiceLinks',
    'preemptionPolicy',
    'overhead',
    'topologySpreadConstraints',
    'setHostnameAsFQDN',
    'os',
    'hostUsers',
    'schedulingGates',
    'resourceClaims',
    'resources',
  ],
  container: [
    'name',
    'image',
    'command',
    'args',
    'workingDir',
    'ports',
    'envFrom',
    'env',
    'resources',
    'resizePolicy',
    'restartPolicy',
    'restartPolicyRules',
    'volumeMounts',
    'volumeDevices',
    'livenessProbe',
    'readinessProbe',
    'startupProbe',
    'lifecycle',
    'terminationMessagePath',
    'terminationMessagePolicy',
    'imagePullPolicy',
    'securityContext',
    'stdin',
    'stdinOnce',
    'tty',
  ],
};

function reorder(obj: unknown, order: string[]): Json | undefined {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const src = obj as Json;
  const out: Json = {};
  for (const k of order) if (k in src) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k];
  return out;
}

const orderList = (list: unknown, order: string[]): unknown =>
  Array.isArray(list) ? (list as unknown[]).map((el) => reorder(el, order) ?? el) : list;

export function orderPodSpec(spec: unknown): Json | undefined {
  const s = reorder(spec, ORDER.podSpec);
  if (!s) return undefined;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'])
    if (s[key]) s[key] = orderList(s[key], ORDER.container);
  return s;
}

export function orderMeta(meta: unknown): Json | undefined {
  return reorder(meta, ORDER.meta);
}

/** Puts a Job's keys in the order a real apiserver writes them. */
export function orderJob(job: Json): Json {
  const out = reorder(job, ORDER.object) ?? job;
  if (out.metadata) out.metadata = orderMeta(out.metadata);
  const spec = reorder(out.spec, ORDER.jobSpec);
  if (spec) {
    const template = reorder(spec.template, ORDER.template);
    if (template) {
      if (template.metadata) template.metadata = orderMeta(template.metadata);
      if (template.spec) template.spec = orderPodSpec(template.spec);
      spec.template = template;
    }
    out.spec = spec;
  }
  const status = reorder(out.status, ORDER.jobStatus);
  if (status) {
    if (status.conditions) status.conditions = orderList(status.conditions, ORDER.condition);
    out.status = status;
  }
  return out;
}

export function orderObject(obj: Json): Json {
  const out = reorder(obj, ORDER.object) ?? obj;
  if (out.metadata) out.metadata = orderMeta(out.metadata);
  return out;
}
