// Swagger examples for the Job detail routes: one failing Job (backoffLimit 0, its pod exited
// 1), its pod and events. The summary example is computed from them by the real derivation.
import { summarizeJob } from './summary/job-summary';

const UID = '4f1c6a52-0d8e-4b8e-9d1e-2b8f0c1d2e3f';
const POD_UID = '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
const T0 = '2026-11-30T06:00:00Z';
const T1 = '2026-11-30T06:00:01Z';
const T2 = '2026-11-30T06:00:02Z';

const FAILED = {
  type: 'Failed',
  status: 'True',
  lastProbeTime: T2,
  lastTransitionTime: T2,
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};

const EXAMPLE_JOB = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'sleep1', namespace: 'default', uid: UID, creationTimestamp: T0 },
  spec: { parallelism: 1, completions: 3, backoffLimit: 0 },
  status: {
    conditions: [{ ...FAILED, type: 'FailureTarget' }, FAILED],
    startTime: T0,
    failed: 1,
    terminating: 0,
    ready: 0,
  },
};

const EXAMPLE_POD = {
  metadata: {
    name: 'sleep1-7xk2p',
    generateName: 'sleep1-',
    namespace: 'default',
    uid: POD_UID,
    creationTimestamp: T0,
    labels: {
      'batch.kubernetes.io/controller-uid': UID,
      'batch.kubernetes.io/job-name': 'sleep1',
      'controller-uid': UID,
      'job-name': 'sleep1',
    },
    ownerReferences: [
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        name: 'sleep1',
        uid: UID,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  },
  spec: {
    containers: [{ name: 'sleep1', image: 'busybox', command: ['echo', '220'] }],
    restartPolicy: 'Never',
    nodeName: 'fake-node',
  },
  status: {
    phase: 'Failed',
    conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: T2, reason: 'PodFailed' }],
    startTime: T0,
    containerStatuses: [
      {
        name: 'sleep1',
        state: { terminated: { exitCode: 1, reason: 'Error', startedAt: T1, finishedAt: T2 } },
        ready: false,
        restartCount: 0,
        image: 'busybox',
      },
    ],
  },
};

const event = (
  name: string,
  kind: string,
  object: string,
  uid: string,
  type: string,
  reason: string,
  message: string,
  time: string,
  component: string,
): Record<string, unknown> => ({
  metadata: { name, namespace: 'default', creationTimestamp: time },
  involvedObject: {
    kind,
    namespace: 'default',
    name: object,
    uid,
    apiVersion: kind === 'Job' ? 'batch/v1' : 'v1',
  },
  reason,
  message,
  source: { component },
  firstTimestamp: time,
  lastTimestamp: time,
  count: 1,
  type,
});

const EXAMPLE_EVENTS = [
  event(
    'sleep1.187c',
    'Job',
    'sleep1',
    UID,
    'Normal',
    'SuccessfulCreate',
    'Created pod: sleep1-7xk2p',
    T0,
    'job-controller',
  ),
  event(
    'sleep1-7xk2p.187d',
    'Pod',
    'sleep1-7xk2p',
    POD_UID,
    'Normal',
    'Started',
    'Started container sleep1',
    T1,
    'kubelet',
  ),
  event(
    'sleep1.187e',
    'Job',
    'sleep1',
    UID,
    'Warning',
    'BackoffLimitExceeded',
    'Job has reached the specified backoff limit',
    T2,
    'job-controller',
  ),
];

export const PODS_EXAMPLE = {
  kind: 'PodList',
  apiVersion: 'v1',
  metadata: { resourceVersion: '1234' },
  items: [EXAMPLE_POD],
};

export const PODS_TABLE_EXAMPLE = {
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: { resourceVersion: '1234' },
  columnDefinitions: ['Name', 'Ready', 'Status', 'Restarts', 'Age'].map((name) => ({
    name,
    type: name === 'Restarts' ? 'integer' : 'string',
    format: name === 'Name' ? 'name' : '',
    description: '…',
    priority: 0,
  })),
  rows: [
    {
      cells: ['sleep1-7xk2p', '0/1', 'Error', 0, '5m'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: EXAMPLE_POD.metadata },
    },
  ],
};

export const EVENTS_EXAMPLE = {
  kind: 'List',
  apiVersion: 'v1',
  metadata: { resourceVersion: '' },
  items: EXAMPLE_EVENTS.map((e) => ({ kind: 'Event', apiVersion: 'v1', ...e })),
};

export const LOG_EXAMPLE = '220\n';

export const SUMMARY_EXAMPLE = summarizeJob(
  EXAMPLE_JOB,
  [EXAMPLE_POD],
  EXAMPLE_EVENTS,
  new Date('2026-11-30T06:05:00Z'),
);
