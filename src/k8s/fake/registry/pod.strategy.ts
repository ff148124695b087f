// core/v1 Pods: SetDefaults_Pod, pkg/registry/core/pod/strategy.go (create, update, status,
// graceful deletion, selectable fields) and the pod printer kubectl shows
// (pkg/printers/internalversion/printers.go printPod).
import { deepEqual, isObject, Json, str } from '../../json';
import { copyJson } from '../copy';
import { field, FieldError, Path } from '../../validation/field';
import { nameIsDNSSubdomain } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { AGE_COLUMN, column, doc, NAME_COLUMN } from './columns';
import { humanDuration } from './duration';
import { orderAs } from './field-order';
import { defaultPodSpec } from './pod-template.defaults';
import { validatePodSpec } from './pod-template.validation';
import { ResourceStrategy } from './strategy';

const containersOf = (spec: Json, key: 'containers' | 'initContainers'): Json[] =>
  Array.isArray(spec[key]) ? (spec[key] as unknown[]).filter(isObject) : [];
const specOf = (pod: Json): Json => (isObject(pod.spec) ? pod.spec : {});
const statusOf = (pod: Json): Json => (isObject(pod.status) ? pod.status : {});

function setDefaultsPod(pod: Json): void {
  const spec = (pod.spec ??= {}) as Json;
  // A limit without a request defaults the request to the limit.
  for (const c of [...containersOf(spec, 'containers'), ...containersOf(spec, 'initContainers')]) {
    const res = isObject(c.resources) ? c.resources : undefined;
    if (!res || !isObject(res.limits)) continue;
    const requests = (res.requests ??= {}) as Json;
    for (const [k, v] of Object.entries(res.limits)) if (requests[k] === undefined) requests[k] = v;
  }
  defaultPodSpec(spec);
  if (spec.enableServiceLinks === undefined) spec.enableServiceLinks = true;
}

const quantity = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/** qos.ComputePodQOS: Guaranteed when every container's cpu and memory limits equal requests. */
export function podQOS(pod: Json): string {
  const spec = specOf(pod);
  const all = [...containersOf(spec, 'containers'), ...containersOf(spec, 'initContainers')];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const res = isObject(c.resources) ? c.resources : {};
    const requests = isObject(res.requests) ? res.requests : {};
    const limits = isObject(res.limits) ? res.limits : {};
    for (const r of ['cpu', 'memory']) {
      if (requests[r] !== undefined || limits[r] !== undefined) any = true;
      if (limits[r] === undefined || quantity(requests[r] ?? limits[r]) !== quantity(limits[r]))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// podutil.ValidatePodSpecUpdate's wording for a change outside what may change.
const SPEC_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validatePodUpdate(pod: Json, old: Json): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata as Json, old.metadata as Json, Path.root('metadata'));
  errs.push(...validatePodSpec(specOf(pod), Path.root('spec')));
  // What may change is copied onto the old spec; anything else left different is forbidden.
  const mutable = copyJson(specOf(old));
  const spec = specOf(pod);
  for (const key of ['containers', 'initContainers'] as const) {
    const olds = containersOf(mutable, key);
    const news = containersOf(spec, key);
    if (olds.length === news.length) olds.forEach((c, i) => (c.image = news[i].image));
  }
  for (const key of ['activeDeadlineSeconds', 'tolerations']) {
    if (spec[key] === undefined) delete mutable[key];
    else mutable[key] = spec[key];
  }
  if (Number(mutable.terminationGracePeriodSeconds) < 0 && spec.terminationGracePeriodSeconds === 1)
    mutable.terminationGracePeriodSeconds = 1;
  if (!deepEqual(mutable, spec)) errs.push(field.forbidden(Path.root('spec'), SPEC_UPDATE_FORBIDDEN));
  return errs;
}

const hasCondition = (pod: Json, type: string): boolean =>
  Array.isArray(statusOf(pod).conditions) &&
  (statusOf(pod).conditions as Json[]).some((c) => c.type === type && c.status === 'True');

interface ContainerState {
  waiting?: Json;
  running?: Json;
  terminated?: Json;
}
const stateOf = (cs: Json, key = 'state'): ContainerState => {
  const v = cs[key];
  return isObject(v) ? v : {};
};
const terminatedAt = (cs: Json): number => {
  const last = stateOf(cs, 'lastState').terminated;
  return last?.finishedAt ? Date.parse(str(last.finishedAt)) : 0;
};
const isRestartableInit = (c: Json | undefined): boolean => c?.restartPolicy === 'Always';

/** printPod: READY, STATUS and RESTARTS as kubectl shows them. */
export function podRowCells(pod: Json, now: Date): unknown[] {
  const spec = specOf(pod);
  const status = statusOf(pod);
  const meta = pod.metadata as Json;
  const initSpecs = new Map(containersOf(spec, 'initContainers').map((c) => [str(c.name), c]));
  let total = containersOf(spec, 'containers').length;
  for (const c of initSpecs.values()) if (isRestartableInit(c)) total++;
  let ready = 0;
  let restarts = 0;
  let restartableRestarts = 0;
  let lastRestart = 0;
  let lastRestartableRestart = 0;
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  for (const c of Array.isArray(status.conditions) ? (status.conditions as Json[]) : [])
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  const initStatuses = Array.isArray(status.initContainerStatuses)
    ? (status.initContainerStatuses as Json[])
    : [];
  let initializing = false;
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const st = stateOf(cs);
    restarts += Number(cs.restartCount ?? 0);
    lastRestart = Math.max(lastRestart, terminatedAt(cs));
    const restartable = isRestartableInit(initSpecs.get(str(cs.name)));
    if (restartable) {
      restartableRestarts += Number(cs.restartCount ?? 0);
      lastRestartableRestart = Math.max(lastRestartableRestart, terminatedAt(cs));
    }
    if (st.terminated && Number(st.terminated.exitCode ?? 0) === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (st.terminated) {
      const t = st.terminated;
      reason = str(t.reason)
        ? `Init:${str(t.reason)}`
        : Number(t.signal ?? 0)
          ? `Init:Signal:${Number(t.signal)}`
          : `Init:ExitCode:${Number(t.exitCode ?? 0)}`;
    } else if (st.waiting && str(st.waiting.reason) && st.waiting.reason !== 'PodInitializing')
      reason = `Init:${str(st.waiting.reason)}`;
    else reason = `Init:${i}/${initSpecs.size}`;
    initializing = true;
    break;
  }
  if (!initializing || hasCondition(pod, 'Initialized')) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = Array.isArray(status.containerStatuses) ? (status.containerStatuses as Json[]) : [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const st = stateOf(cs);
      restarts += Number(cs.restartCount ?? 0);
      lastRestart = Math.max(lastRestart, terminatedAt(cs));
      if (st.waiting && str(st.waiting.reason)) reason = str(st.waiting.reason);
      else if (st.terminated && str(st.terminated.reason)) reason = str(st.terminated.reason);
      else if (st.terminated)
        reason = Number(st.terminated.signal ?? 0)
          ? `Signal:${Number(st.terminated.signal)}`
          : `ExitCode:${Number(st.terminated.exitCode ?? 0)}`;
      else if (cs.ready === true && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = hasCondition(pod, 'Ready') ? 'Running' : 'NotReady';
  }
  if (meta.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (meta.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  const restartCell =
    restarts !== 0 && lastRestart
      ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)`
      : String(restarts);
  const podIPs = Array.isArray(status.podIPs) ? (status.podIPs as Json[]) : [];
  const gates = Array.isArray(spec.readinessGates) ? (spec.readinessGates as Json[]) : [];
  let gatesCell = '<none>';
  if (gates.length) {
    const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
    const trueCount = gates.filter(
      (g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True',
    ).length;
    gatesCell = `${trueCount}/${gates.length}`;
  }
  return [
    meta.name,
    `${ready}/${total}`,
    reason,
    restartCell,
    humanDuration(now.getTime() - Date.parse(str(meta.creationTimestamp))),
    str(podIPs[0]?.ip) || '<none>',
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    gatesCell,
  ];
}

export const podStrategy: ResourceStrategy = {
  info: {
    group: '',
    version: 'v1',
    resource: 'pods',
    singular: 'pod',
    kind: 'Pod',
    listKind: 'PodList',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schemaType: 'V1Pod',
    storageVersionHash: 'xPOwRZ+Yhw8=',
  },
  applyDefaults: setDefaultsPod,
  prepareForCreate(pod) {
    pod.status = { phase: 'Pending', qosClass: podQOS(pod) };
    (pod.metadata as Json).generation = 1;
  },
  prepareForUpdate(pod, old) {
    pod.status = old.status;
    const meta = pod.metadata as Json;
    const prev = old.metadata as Json;
    meta.generation = prev.generation;
    if (!deepEqual(pod.spec, old.spec)) meta.generation = Number(prev.generation ?? 0) + 1;
  },
  validate: (pod) => {
    const errs = [
      ...validateObjectMeta(pod.metadata as Json, true, nameIsDNSSubdomain, Path.root('metadata')),
      ...validatePodSpec(specOf(pod), Path.root('spec')),
    ];
    // ValidatePodCreate: ephemeral containers come later, through their own subresource.
    const ephemeral = specOf(pod).ephemeralContainers;
    if (Array.isArray(ephemeral) && ephemeral.length)
      errs.push(field.forbidden(Path.root('spec').child('ephemeralContainers'), 'cannot be set on create'));
    return errs;
  },
  validateUpdate: validatePodUpdate,
  warningsOnCreate: () => [],
  warningsOnUpdate: () => [],
  selectableFields(pod) {
    const meta = pod.metadata as Json;
    const spec = specOf(pod);
    const status = statusOf(pod);
    return {
      'metadata.name': str(meta.name),
      'metadata.namespace': str(meta.namespace),
      'spec.nodeName': str(spec.nodeName),
      'spec.restartPolicy': str(spec.restartPolicy),
      'spec.schedulerName': str(spec.schedulerName),
      'spec.serviceAccountName': str(spec.serviceAccountName),
      'spec.hostNetwork': String(spec.hostNetwork === true),
      'status.phase': str(status.phase),
      'status.podIP': str(status.podIP),
      'status.nominatedNodeName': str(status.nominatedNodeName),
    };
  },
  unsupportedFieldLabel: (label) => `field label not supported: ${label}`,
  defaultPropagation: 'Background',
  order: (pod) => orderAs(pod, 'V1Pod'),
  tableColumns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', doc('V1PodStatus', 'podIP'), 1),
    column('Node', doc('V1PodSpec', 'nodeName'), 1),
    column('Nominated Node', doc('V1PodStatus', 'nominatedNodeName'), 1),
    column('Readiness Gates', doc('V1PodSpec', 'readinessGates'), 1),
  ],
  tableRow: podRowCells,
  tableRowConditions(pod) {
    const phase = statusOf(pod).phase;
    if (phase === 'Succeeded')
      return [
        {
          type: 'Completed',
          status: 'True',
          reason: 'Succeeded',
          message: 'The pod has completed successfully.',
        },
      ];
    if (phase === 'Failed')
      return [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];
    return undefined;
  },
  subresources: {
    status: {
      prepareForUpdate(pod, old) {
        pod.spec = old.spec;
        // Old kubelets corrupt owner references; the status endpoint never changes them.
        const meta = pod.metadata as Json;
        const prev = old.metadata as Json;
        if (prev.ownerReferences === undefined) delete meta.ownerReferences;
        else meta.ownerReferences = prev.ownerReferences;
      },
      validateUpdate: (pod, old) =>
        validateObjectMetaUpdate(pod.metadata as Json, old.metadata as Json, Path.root('metadata')),
      verbs: ['get', 'patch', 'update'],
    },
  },
  actions: {
    binding: {
      kind: 'Binding',
      verbs: ['create'],
      apply(pod, binding) {
        const target = isObject(binding.target) ? binding.target : {};
        const node = str(target.name);
        const name = str((pod.metadata as Json).name);
        if (!node) return { errors: [field.required(Path.root('target').child('name'), '')] };
        const spec = (pod.spec ??= {}) as Json;
        if (str(spec.nodeName))
          return {
            conflict: `pod ${name} is already assigned to node ${JSON.stringify(str(spec.nodeName))}`,
          };
        if ((pod.metadata as Json).deletionTimestamp)
          return { conflict: `pod ${name} is being deleted, cannot be assigned to a host` };
        spec.nodeName = node;
        const status = (pod.status ??= {}) as Json;
        const conditions = Array.isArray(status.conditions) ? (status.conditions as Json[]) : [];
        status.conditions = [
          ...conditions.filter((c) => c.type !== 'PodScheduled'),
          {
            type: 'PodScheduled',
            status: 'True',
            lastProbeTime: null,
            lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          },
        ];
        return {};
      },
    },
  },
  streams: { log: { kind: 'Pod' } },
  hooks: {
    // CheckGracefulDelete: the requested grace, else the pod's own; none for a pod that never
    // ran on a node or has finished.
    gracePeriod(pod, requested) {
      const spec = specOf(pod);
      let period = requested ?? Number(spec.terminationGracePeriodSeconds ?? 0);
      const phase = statusOf(pod).phase;
      if (!str(spec.nodeName) || phase === 'Succeeded' || phase === 'Failed') period = 0;
      return period < 0 ? 1 : period;
    },
    returnDeletedObject: true,
  },
};
