// core/v1 Nodes: pkg/registry/core/node/strategy.go and the node printer; plus the one node
// the fake cluster has, Ready, as a kubelet (or KWOK's node stage) would register it.
import { isObject, Json, str } from '../../json';
import { Path } from '../../validation/field';
import { nameIsDNSSubdomain } from '../../validation/names';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../validation/object-meta';
import { KUBERNETES_VERSION } from '../discovery';
import { AGE_COLUMN, column, doc, NAME_COLUMN } from './columns';
import { humanDuration } from './duration';
import { orderAs } from './field-order';
import { ResourceStrategy } from './strategy';

/** The node every simulated pod is bound to. */
export const FAKE_NODE_NAME = 'fake-node';
export const FAKE_NODE_IP = '10.244.0.1';

const ROLE_PREFIX = 'node-role.kubernetes.io/';

function nodeStatusCell(node: Json): string {
  const status = isObject(node.status) ? node.status : {};
  const ready = (Array.isArray(status.conditions) ? (status.conditions as Json[]) : []).find(
    (c) => c.type === 'Ready',
  );
  const cells = ready ? [ready.status === 'True' ? 'Ready' : 'NotReady'] : ['Unknown'];
  if (isObject(node.spec) && node.spec.unschedulable === true) cells.push('SchedulingDisabled');
  return cells.join(',');
}

function roles(node: Json): string {
  const labels = ((node.metadata as Json).labels ?? {}) as Record<string, string>;
  const out = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) out.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) out.add(v);
  }
  return [...out].sort().join(',') || '<none>';
}

const address = (node: Json, type: string): string => {
  const status = isObject(node.status) ? node.status : {};
  const found = (Array.isArray(status.addresses) ? (status.addresses as Json[]) : []).find(
    (a) => a.type === type,
  );
  return str(found?.address) || '<none>';
};

const validateMeta = (node: Json) =>
  validateObjectMeta(node.metadata as Json, false, nameIsDNSSubdomain, Path.root('metadata'));

export const nodeStrategy: ResourceStrategy = {
  info: {
    group: '',
    version: 'v1',
    resource: 'nodes',
    singular: 'node',
    kind: 'Node',
    listKind: 'NodeList',
    namespaced: false,
    shortNames: ['no'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    schemaType: 'V1Node',
    storageVersionHash: 'XwShjMxG9Fs=',
  },
  applyDefaults(node) {
    node.spec ??= {};
  },
  // Nodes may set their status on create: a kubelet registers itself whole.
  prepareForCreate: () => undefined,
  prepareForUpdate(node, old) {
    node.status = old.status;
  },
  validate: validateMeta,
  validateUpdate: (node, old) => [
    ...validateMeta(node),
    ...validateObjectMetaUpdate(node.metadata as Json, old.metadata as Json, Path.root('metadata')),
  ],
  warningsOnCreate: () => [],
  warningsOnUpdate: () => [],
  selectableFields(node) {
    const meta = node.metadata as Json;
    return {
      'metadata.name': str(meta.name),
      'spec.unschedulable': String(isObject(node.spec) && node.spec.unschedulable === true),
    };
  },
  unsupportedFieldLabel: (label) => `field label not supported: ${label}`,
  defaultPropagation: 'Background',
  order: (node) => orderAs(node, 'V1Node'),
  tableColumns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', doc('V1NodeSystemInfo', 'kubeletVersion')),
    column('Internal-IP', doc('V1NodeStatus', 'addresses'), 1),
    column('External-IP', doc('V1NodeStatus', 'addresses'), 1),
    column('OS-Image', doc('V1NodeSystemInfo', 'osImage'), 1),
    column('Kernel-Version', doc('V1NodeSystemInfo', 'kernelVersion'), 1),
    column('Container-Runtime', doc('V1NodeSystemInfo', 'containerRuntimeVersion'), 1),
  ],
  tableRow(node, now) {
    const meta = node.metadata as Json;
    const status = isObject(node.status) ? node.status : {};
    const info = isObject(status.nodeInfo) ? status.nodeInfo : {};
    return [
      meta.name,
      nodeStatusCell(node),
      roles(node),
      humanDuration(now.getTime() - Date.parse(str(meta.creationTimestamp))),
      str(info.kubeletVersion),
      address(node, 'InternalIP'),
      address(node, 'ExternalIP'),
      str(info.osImage) || '<unknown>',
      str(info.kernelVersion) || '<unknown>',
      str(info.containerRuntimeVersion) || '<unknown>',
    ];
  },
  subresources: {
    status: {
      prepareForUpdate(node, old) {
        node.spec = old.spec;
      },
      validateUpdate: (node, old) =>
        validateObjectMetaUpdate(node.metadata as Json, old.metadata as Json, Path.root('metadata')),
      verbs: ['get', 'patch', 'update'],
    },
  },
};

/** The fake node as its kubelet registers it: Ready, with room for many pods. */
export function fakeNode(now: string): Json {
  const condition = (type: string, status: string, reason: string, message: string): Json => ({
    type,
    status,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
    reason,
    message,
  });
  const resources = { cpu: '32', 'ephemeral-storage': '100Gi', memory: '256Gi', pods: '110' };
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: {
      name: FAKE_NODE_NAME,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': FAKE_NODE_NAME,
        'kubernetes.io/os': 'linux',
        type: 'fake',
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: FAKE_NODE_IP },
        { type: 'Hostname', address: FAKE_NODE_NAME },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: 'job-gateway-fake',
        osImage: 'job-gateway fake node',
        containerRuntimeVersion: 'fake://1.0.0',
        kubeletVersion: KUBERNETES_VERSION.gitVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}
