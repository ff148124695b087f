// Go encodes struct fields in declaration order; clients that print JSON show that order.
// The lists are data per type, named as the schema names it (k8s-types.json), following
// kubernetes/api's types.go; a type without a list keeps the order it was written in.
import { arrayItem, mapValue, schemaTypes } from '../codec/schema';

type Json = Record<string, unknown>;

const OBJECT = ['kind', 'apiVersion', 'metadata', 'spec', 'status'];

const ORDER: Record<string, string[]> = {
  V1Job: OBJECT,
  V1Namespace: OBJECT,
  V1Pod: OBJECT,
  V1Node: OBJECT,
  V1ObjectMeta: [
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
  V1JobSpec: [
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
  V1JobStatus: [
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
  V1JobCondition: ['type', 'status', 'lastProbeTime', 'lastTransitionTime', 'reason', 'message'],
  V1PodTemplateSpec: ['metadata', 'spec'],
  V1PodSpec: [
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
  V1Container: [
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
  V1PodStatus: [
    'observedGeneration',
    'phase',
    'conditions',
    'message',
    'reason',
    'nominatedNodeName',
    'hostIP',
    'hostIPs',
    'podIP',
    'podIPs',
    'startTime',
    'initContainerStatuses',
    'containerStatuses',
    'qosClass',
    'ephemeralContainerStatuses',
    'resize',
    'resourceClaimStatuses',
  ],
  V1PodCondition: [
    'type',
    'observedGeneration',
    'status',
    'lastProbeTime',
    'lastTransitionTime',
    'reason',
    'message',
  ],
  V1ContainerStatus: [
    'name',
    'state',
    'lastState',
    'ready',
    'restartCount',
    'image',
    'imageID',
    'containerID',
    'started',
    'allocatedResources',
    'resources',
    'volumeMounts',
    'user',
    'allocatedResourcesStatus',
    'stopSignal',
  ],
  V1ContainerState: ['waiting', 'running', 'terminated'],
  V1ContainerStateTerminated: [
    'exitCode',
    'signal',
    'reason',
    'message',
    'startedAt',
    'finishedAt',
    'containerID',
  ],
  CoreV1Event: [
    'kind',
    'apiVersion',
    'metadata',
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'series',
    'action',
    'related',
    'reportingComponent',
    'reportingInstance',
  ],
  V1ObjectReference: ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'],
  EventsV1Event: [
    'kind',
    'apiVersion',
    'metadata',
    'eventTime',
    'series',
    'reportingController',
    'reportingInstance',
    'action',
    'reason',
    'regarding',
    'related',
    'note',
    'type',
    'deprecatedSource',
    'deprecatedFirstTimestamp',
    'deprecatedLastTimestamp',
    'deprecatedCount',
  ],
  V1NodeStatus: [
    'capacity',
    'allocatable',
    'phase',
    'conditions',
    'addresses',
    'daemonEndpoints',
    'nodeInfo',
    'images',
    'volumesInUse',
    'volumesAttached',
    'config',
    'runtimeHandlers',
    'features',
  ],
  V1NodeCondition: ['type', 'status', 'lastHeartbeatTime', 'lastTransitionTime', 'reason', 'message'],
  V1NodeSystemInfo: [
    'machineID',
    'systemUUID',
    'bootID',
    'kernelVersion',
    'osImage',
    'containerRuntimeVersion',
    'kubeletVersion',
    'kubeProxyVersion',
    'operatingSystem',
    'architecture',
    'swap',
  ],
};
ORDER.V1EphemeralContainer = [...ORDER.V1Container, 'targetContainerName'];

function reorder(src: Json, order: string[]): Json {
  const out: Json = {};
  for (const k of order) if (k in src) out[k] = src[k];
  for (const k of Object.keys(src)) if (!(k in out)) out[k] = src[k];
  return out;
}

const elementType = (t: string): string => {
  const inner = arrayItem(t) ?? mapValue(t);
  return inner ? elementType(inner) : t;
};

/** Types that have an order of their own or contain one: the walk skips the rest. */
const RELEVANT = (() => {
  const set = new Set(Object.keys(ORDER));
  for (let grew = true; grew;) {
    grew = false;
    for (const [name, def] of Object.entries(schemaTypes))
      if (!set.has(name) && Object.values(def.properties).some((p) => set.has(elementType(p.type)))) {
        set.add(name);
        grew = true;
      }
  }
  return set;
})();
const hasOrderedParts = (t: string): boolean => RELEVANT.has(t);

function orderValue(value: unknown, t: string): unknown {
  const item = arrayItem(t);
  if (item) return Array.isArray(value) ? value.map((v) => orderValue(v, item)) : value;
  const mapped = mapValue(t);
  if (mapped) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) out[k] = orderValue(v, mapped);
    return out;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value) || !hasOrderedParts(t)) return value;
  const src = value as Json;
  const props = schemaTypes[t]?.properties ?? {};
  const out = t in ORDER ? reorder(src, ORDER[t]) : { ...src };
  for (const [k, v] of Object.entries(out)) {
    const p = props[k];
    if (p) out[k] = orderValue(v, p.type);
  }
  return out;
}

/** Puts an object's keys, at every level, in the order a real apiserver writes them. */
export function orderAs(obj: Json, schemaType: string): Json {
  return orderValue(obj, schemaType) as Json;
}
