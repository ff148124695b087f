// The summary derivation, table-driven over Jobs in the states a console meets. The objects
// follow the shapes recorded from a real control plane (test/fixtures/real-cluster/): the
// conditions, reasons and messages are the apiserver's and the kubelet's own.
import { summarizeJob } from './job-summary';

const UID = 'job-uid';
const NOW = new Date('2026-11-30T06:10:00Z');
const t = (s: number): string =>
  new Date(Date.parse('2026-11-30T06:00:00Z') + s * 1000).toISOString().replace('.000', '');

const cond = (
  type: string,
  reason: string,
  message: string,
  at: number,
  status = 'True',
): Record<string, unknown> => ({
  type,
  status,
  lastProbeTime: t(at),
  lastTransitionTime: t(at),
  reason,
  message,
});

function job(spec: Record<string, unknown>, status: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'work', namespace: 'default', uid: UID },
    spec: { parallelism: 1, completions: 1, backoffLimit: 6, suspend: false, ...spec },
    status,
  };
}

type State = Record<string, unknown>;
function pod(
  name: string,
  created: number,
  phase: string,
  state: State,
  extra: { lastState?: State; restarts?: number; status?: Record<string, unknown>; node?: string } = {},
): Record<string, unknown> {
  return {
    metadata: {
      name,
      uid: `${name}-uid`,
      creationTimestamp: t(created),
      labels: { 'batch.kubernetes.io/controller-uid': UID },
    },
    spec: { nodeName: extra.node ?? 'node-1', containers: [{ name: 'main', image: 'busybox' }] },
    status: {
      phase,
      startTime: t(created),
      conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'main',
          state,
          lastState: extra.lastState ?? {},
          ready: phase === 'Running',
          restartCount: extra.restarts ?? 0,
        },
      ],
      ...extra.status,
    },
  };
}

const exited = (code: number, reason = code ? 'Error' : 'Completed'): State => ({
  terminated: { exitCode: code, reason, startedAt: t(1), finishedAt: t(2) },
});
const waiting = (reason: string, message: string): State => ({ waiting: { reason, message } });
const running: State = { running: { startedAt: t(1) } };

function event(
  obj: string,
  kind: string,
  type: string,
  reason: string,
  message: string,
  at: number,
): Record<string, unknown> {
  return {
    metadata: { name: `${obj}.${at}`, creationTimestamp: t(at) },
    involvedObject: { kind, name: obj, uid: kind === 'Job' ? UID : `${obj}-uid` },
    type,
    reason,
    message,
    firstTimestamp: t(at),
    lastTimestamp: t(at),
    count: 1,
    source: { component: kind === 'Job' ? 'job-controller' : 'kubelet' },
  };
}

interface Case {
  name: string;
  job: Record<string, unknown>;
  pods: Record<string, unknown>[];
  events?: Record<string, unknown>[];
  phase: string;
  reason: string;
  message: string | RegExp;
  source: string;
}

const CASES: Case[] = [
  {
    name: 'backoff limit exceeded: the Failed condition, not the pod exit code, comes first',
    job: job(
      { backoffLimit: 0 },
      {
        conditions: [
          cond('FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 3),
          cond('Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', 3),
        ],
        startTime: t(0),
        failed: 1,
      },
    ),
    pods: [pod('work-a', 0, 'Failed', exited(1))],
    events: [
      event(
        'work',
        'Job',
        'Warning',
        'BackoffLimitExceeded',
        'Job has reached the specified backoff limit',
        3,
      ),
    ],
    phase: 'Failed',
    reason: 'BackoffLimitExceeded',
    message: 'Job has reached the specified backoff limit',
    source: 'condition',
  },
  {
    name: 'deadline exceeded',
    job: job(
      { activeDeadlineSeconds: 3 },
      {
        conditions: [
          cond('FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', 3),
          cond('Failed', 'DeadlineExceeded', 'Job was active longer than specified deadline', 4),
        ],
        startTime: t(0),
        failed: 1,
      },
    ),
    pods: [],
    phase: 'Failed',
    reason: 'DeadlineExceeded',
    message: 'Job was active longer than specified deadline',
    source: 'condition',
  },
  {
    name: 'still failing its pods: FailureTarget is already the verdict',
    job: job(
      {},
      {
        conditions: [
          cond(
            'FailureTarget',
            'PodFailurePolicy',
            'Container main for pod default/work-a failed with exit code 42',
            2,
          ),
        ],
        startTime: t(0),
        terminating: 1,
      },
    ),
    pods: [pod('work-a', 0, 'Failed', exited(42))],
    phase: 'Failed',
    reason: 'PodFailurePolicy',
    message: /exit code 42/,
    source: 'condition',
  },
  {
    name: "image pull failure: the pod cannot start, so the Job is Pending with the kubelet's reason",
    job: job({}, { startTime: t(0), active: 1, ready: 0 }),
    pods: [pod('work-a', 0, 'Pending', waiting('ImagePullBackOff', 'Back-off pulling image "busybox:nope"'))],
    events: [event('work-a', 'Pod', 'Warning', 'Failed', 'Error: ImagePullBackOff', 5)],
    phase: 'Pending',
    reason: 'ImagePullBackOff',
    message: 'pod work-a, container main: Back-off pulling image "busybox:nope"',
    source: 'pod',
  },
  {
    name: 'OOMKilled beats the CrashLoopBackOff that follows it',
    job: job({}, { startTime: t(0), active: 1, ready: 0 }),
    pods: [
      pod(
        'work-a',
        0,
        'Running',
        waiting('CrashLoopBackOff', 'back-off 20s restarting failed container=main pod=work-a'),
        {
          lastState: exited(137, 'OOMKilled'),
          restarts: 2,
        },
      ),
    ],
    phase: 'Running',
    reason: 'OOMKilled',
    message: 'pod work-a, container main was killed for running out of memory (exit code 137), 2 restarts',
    source: 'pod',
  },
  {
    name: 'CrashLoopBackOff names the last exit',
    job: job({}, { startTime: t(0), active: 1, ready: 0 }),
    pods: [
      pod(
        'work-a',
        0,
        'Running',
        waiting('CrashLoopBackOff', 'back-off 10s restarting failed container=main pod=work-a'),
        {
          lastState: exited(3),
          restarts: 1,
        },
      ),
    ],
    phase: 'Running',
    reason: 'CrashLoopBackOff',
    message:
      'pod work-a, container main keeps failing (last exit code 3), 1 restarts: back-off 10s restarting failed container=main pod=work-a',
    source: 'pod',
  },
  {
    name: 'retrying after a pod exited non-zero: the exit code of the newest failure',
    job: job({ backoffLimit: 3 }, { startTime: t(0), active: 1, ready: 1, failed: 2 }),
    pods: [
      pod('work-a', 0, 'Failed', exited(1)),
      pod('work-b', 10, 'Failed', exited(2)),
      pod('work-c', 20, 'Running', running),
    ],
    phase: 'Running',
    reason: 'Error',
    message: 'pod work-b, container main failed with exit code 2',
    source: 'pod',
  },
  {
    name: 'suspended: the Suspended condition',
    job: job({ suspend: true }, { conditions: [cond('Suspended', 'JobSuspended', 'Job suspended', 1)] }),
    pods: [],
    phase: 'Suspended',
    reason: 'JobSuspended',
    message: 'Job suspended',
    source: 'condition',
  },
  {
    name: 'suspended before the controller said so: the spec decides, nothing to explain',
    job: job({ suspend: true }, {}),
    pods: [],
    phase: 'Suspended',
    reason: '',
    message: '',
    source: '',
  },
  {
    name: 'running fine: no reason',
    job: job({ completions: 3, parallelism: 2 }, { startTime: t(0), active: 2, ready: 2, succeeded: 1 }),
    pods: [
      pod('work-a', 0, 'Succeeded', exited(0)),
      pod('work-b', 5, 'Running', running),
      pod('work-c', 6, 'Running', running),
    ],
    events: [event('work', 'Job', 'Normal', 'SuccessfulCreate', 'Created pod: work-c', 6)],
    phase: 'Running',
    reason: '',
    message: '',
    source: '',
  },
  {
    name: 'succeeded: the Complete condition; earlier failed pods do not make a reason',
    job: job(
      { completions: 3 },
      {
        conditions: [
          cond('SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', 4),
          cond('Complete', 'CompletionsReached', 'Reached expected number of succeeded pods', 4),
        ],
        startTime: t(0),
        completionTime: t(4),
        succeeded: 3,
        failed: 1,
      },
    ),
    pods: [pod('work-x', 0, 'Failed', exited(1)), pod('work-a', 1, 'Succeeded', exited(0))],
    phase: 'Succeeded',
    reason: 'CompletionsReached',
    message: 'Reached expected number of succeeded pods',
    source: 'condition',
  },
  {
    name: 'no pod yet: the latest Warning event says why (the job controller could not create one)',
    job: job({}, { startTime: t(0) }),
    pods: [],
    events: [
      event('work', 'Job', 'Warning', 'FailedCreate', 'Error creating: first', 1),
      event(
        'work',
        'Job',
        'Warning',
        'FailedCreate',
        'Error creating: pods "work-a" is forbidden: exceeded quota: q',
        9,
      ),
      event('work', 'Job', 'Normal', 'Something', 'later but Normal', 12),
    ],
    phase: 'Pending',
    reason: 'FailedCreate',
    message: 'Error creating: pods "work-a" is forbidden: exceeded quota: q',
    source: 'event',
  },
  {
    name: 'unschedulable pod',
    job: job({}, { startTime: t(0), active: 1 }),
    pods: [
      pod(
        'work-a',
        0,
        'Pending',
        {},
        {
          status: {
            conditions: [
              {
                type: 'PodScheduled',
                status: 'False',
                reason: 'Unschedulable',
                message: '0/1 nodes are available: 1 Insufficient cpu.',
              },
            ],
            containerStatuses: [],
          },
          node: '',
        },
      ),
    ],
    phase: 'Pending',
    reason: 'Unschedulable',
    message: 'pod work-a: 0/1 nodes are available: 1 Insufficient cpu.',
    source: 'pod',
  },
];

describe('summarizeJob', () => {
  it.each(CASES)('$name', (c) => {
    const s = summarizeJob(c.job, c.pods, c.events ?? [], NOW);
    expect({ phase: s.phase, reason: s.reason, reasonSource: s.reasonSource }).toEqual({
      phase: c.phase,
      reason: c.reason,
      reasonSource: c.source,
    });
    if (typeof c.message === 'string') expect(s.message).toBe(c.message);
    else expect(s.message).toMatch(c.message);
  });

  it('puts phase, reason and message first', () => {
    const s = summarizeJob(CASES[0].job, CASES[0].pods, [], NOW);
    expect(Object.keys(s).slice(0, 3)).toEqual(['phase', 'reason', 'message']);
  });

  it('counts against completions, and times a finished Job to its completion', () => {
    const s = summarizeJob(CASES[10].job, CASES[10].pods, [], NOW);
    expect(s.counts).toEqual({
      active: 0,
      ready: 0,
      succeeded: 3,
      failed: 1,
      terminating: 0,
      completions: 3,
      parallelism: 1,
    });
    expect([s.startTime, s.endTime, s.durationSeconds]).toEqual([t(0), t(4), 4]);
  });

  it('times a failed Job to its Failed condition, a running one to now, an unstarted one not at all', () => {
    expect(summarizeJob(CASES[1].job, [], [], NOW)).toMatchObject({ endTime: t(4), durationSeconds: 4 });
    expect(summarizeJob(CASES[9].job, [], [], NOW)).toMatchObject({ endTime: null, durationSeconds: 600 });
    expect(summarizeJob(CASES[8].job, [], [], NOW)).toMatchObject({ startTime: null, durationSeconds: null });
  });

  it('counts the finished pods the controller has not counted yet', () => {
    const j = job(
      {},
      { failed: 1, succeeded: 0, uncountedTerminatedPods: { failed: ['u1', 'u2'], succeeded: ['u3'] } },
    );
    expect(summarizeJob(j, [], [], NOW).counts).toMatchObject({ failed: 3, succeeded: 1 });
  });

  it('leaves completions null for a work-queue Job', () => {
    const j = job({ completions: undefined, parallelism: 3 }, {});
    expect(summarizeJob(j, [], [], NOW).counts).toMatchObject({ completions: null, parallelism: 3 });
  });

  it('lists each pod oldest first with phase, exit code, reason, restarts and node', () => {
    const s = summarizeJob(CASES[6].job, [...CASES[6].pods].reverse(), [], NOW);
    expect(s.pods.map((p) => [p.name, p.phase, p.exitCode, p.reason, p.restarts, p.node, p.ready])).toEqual([
      ['work-a', 'Failed', 1, 'Error', 0, 'node-1', false],
      ['work-b', 'Failed', 2, 'Error', 0, 'node-1', false],
      ['work-c', 'Running', null, '', 0, 'node-1', true],
    ]);
    const oom = summarizeJob(CASES[4].job, CASES[4].pods, [], NOW).pods[0];
    expect([oom.reason, oom.exitCode, oom.restarts]).toEqual(['OOMKilled', 137, 2]);
  });

  it('carries the last 10 events, oldest first, whatever order they came in', () => {
    const events = Array.from({ length: 14 }, (_, i) => event('work', 'Job', 'Normal', `R${i}`, `m${i}`, i));
    const s = summarizeJob(CASES[9].job, [], [...events].reverse(), NOW);
    expect(s.events.map((e) => e.reason)).toEqual([
      'R4',
      'R5',
      'R6',
      'R7',
      'R8',
      'R9',
      'R10',
      'R11',
      'R12',
      'R13',
    ]);
    expect(s.events[0]).toEqual({
      time: t(4),
      type: 'Normal',
      reason: 'R4',
      message: 'm4',
      object: 'Job/work',
      count: 1,
      source: 'job-controller',
    });
  });

  it('reads odd objects without failing', () => {
    const s = summarizeJob(
      { status: { conditions: 'nope', active: '2' } },
      [{ status: { containerStatuses: [null, 3] } }],
      [null],
      NOW,
    );
    expect(s).toMatchObject({ phase: 'Pending', reason: '', counts: { active: 0 } });
    expect(s.pods).toHaveLength(1);
  });
});
