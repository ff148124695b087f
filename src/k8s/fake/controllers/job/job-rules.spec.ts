// Pure rules of the job controller, table-driven against the Go sources' behaviour
// (indexed_job_utils.go, success_policy.go, pod_failure_policy.go, backoff_utils.go).
import { Json } from '../../../json';
import { nextBackoffRecord, remainingBackoff } from './backoff';
import { Indexes } from './indexes';
import { indexedGenerateName, podForJob } from './job-pod-template';
import { ensureCondition, readStatus, writeStatus } from './job-status';
import { JobCondition } from './job-view';
import { matchPodFailurePolicy } from './pod-failure-policy';
import { matchSuccessPolicy } from './success-policy';

describe('completion index intervals', () => {
  it.each([
    [[], ''],
    [[0], '0'],
    [[0, 1], '0,1'],
    [[0, 1, 2], '0-2'],
    [[1, 3, 4, 5, 7], '1,3-5,7'],
    [[5, 1, 3, 4, 1, 7], '1,3-5,7'],
  ])('%j is written %j', (ix, text) => {
    expect(Indexes.of(ix).toString()).toBe(text);
  });

  it.each([
    ['1,3-5,7', 10, '1,3-5,7', 5],
    ['0,1,2', 10, '0-2', 3],
    ['3-9', 5, '3,4', 2],
    ['7,8', 5, '', 0],
    ['x,2', 5, '2', 1],
  ])('parses %j with completions %d as %j', (text, completions, back, total) => {
    const ix = Indexes.parse(text, completions);
    expect(ix.toString()).toBe(back);
    expect(ix.total()).toBe(total);
  });

  it('finds the first indexes not taken', () => {
    expect(Indexes.of([0, 2, 3]).firstMissing(3, 6)).toEqual([1, 4, 5]);
    expect(Indexes.of([0, 2, 3]).firstMissing(1, 6)).toEqual([1]);
    expect(Indexes.of([0, 1]).firstMissing(3, 2)).toEqual([]);
  });
});

describe('successPolicy', () => {
  const policy = (...rules: Json[]) => ({ rules });
  it.each([
    [policy({ succeededIndexes: '0,2' }), 5, [0, 2], 'Matched rules at index 0'],
    [policy({ succeededIndexes: '0-3' }), 5, [0, 2], undefined],
    [policy({ succeededIndexes: '0-3', succeededCount: 2 }), 5, [0, 2], 'Matched rules at index 0'],
    [policy({ succeededIndexes: '4' }, { succeededCount: 2 }), 5, [0, 2], 'Matched rules at index 1'],
    [policy({ succeededCount: 3 }), 5, [0, 2], undefined],
    [policy({ succeededCount: 1 }), 5, [], undefined],
  ])('%j, completions %d, succeeded %j: %j', (p, completions, succeeded, want) => {
    expect(matchSuccessPolicy(p, completions, Indexes.of(succeeded))).toBe(want);
  });
});

describe('podFailurePolicy', () => {
  const pod = (exitCode: number, conditions: Json[] = []): Json => ({
    metadata: { namespace: 'ns', name: 'p' },
    status: {
      phase: 'Failed',
      conditions,
      containerStatuses: [{ name: 'main', state: { terminated: { exitCode } } }],
    },
  });
  const rules = {
    rules: [
      { action: 'Ignore' as const, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob' as const, onExitCodes: { operator: 'In' as const, values: [42] } },
      { action: 'Count' as const, onExitCodes: { operator: 'NotIn' as const, values: [42] } },
    ],
  };
  it('matches the first rule and writes the controller message', () => {
    expect(matchPodFailurePolicy(rules, pod(42))).toEqual({
      action: 'FailJob',
      countFailed: true,
      failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
    });
    expect(matchPodFailurePolicy(rules, pod(1))).toEqual({ action: 'Count', countFailed: true });
    expect(matchPodFailurePolicy(rules, pod(42, [{ type: 'DisruptionTarget', status: 'True' }]))).toEqual({
      action: 'Ignore',
      countFailed: false,
    });
    // Exit code 0 never matches an exit-code rule.
    expect(matchPodFailurePolicy(rules, pod(0))).toEqual({ countFailed: true });
    const onCondition = {
      rules: [
        { action: 'FailJob' as const, onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    };
    expect(
      matchPodFailurePolicy(onCondition, pod(1, [{ type: 'DisruptionTarget', status: 'True' }]))
        .failJobMessage,
    ).toBe('Pod ns/p has condition DisruptionTarget matching FailJob rule at index 0');
  });
});

describe('pod failure back-off', () => {
  it.each([
    [0, 0, 0],
    [1, 0, 10_000],
    [1, 4_000, 6_000],
    [2, 0, 20_000],
    [3, 0, 40_000],
    [7, 0, 600_000],
    [20, 0, 600_000],
    [1, 11_000, 0],
  ])('%d failures, %d ms since the last: %d ms to wait', (failures, elapsed, want) => {
    expect(remainingBackoff(failures, elapsed)).toBe(want);
  });

  it('counts failures after the last success', () => {
    const at = (ms: number): Json => ({ at: ms });
    const finish = (p: Json) => p.at as number;
    expect(nextBackoffRecord(undefined, [], [at(5), at(3)], finish)).toEqual({
      failuresAfterLastSuccess: 2,
      lastFailureTime: 5,
    });
    expect(
      nextBackoffRecord({ failuresAfterLastSuccess: 2, lastFailureTime: 5 }, [at(6)], [], finish),
    ).toEqual({
      failuresAfterLastSuccess: 0,
    });
    expect(nextBackoffRecord(undefined, [at(6)], [at(5), at(7), at(8)], finish)).toEqual({
      failuresAfterLastSuccess: 2,
      lastFailureTime: 8,
    });
  });
});

describe('Job status as Go writes it', () => {
  it('omits zero counters, keeps the pointer fields', () => {
    const s = readStatus({ status: {} });
    s.startTime = '2026-01-01T00:00:00Z';
    s.active = 2;
    s.ready = 0;
    s.terminating = 0;
    expect(JSON.stringify(writeStatus(s))).toBe(
      '{"startTime":"2026-01-01T00:00:00Z","active":2,"terminating":0,"uncountedTerminatedPods":{},"ready":0}',
    );
  });

  it('replaces a condition only when it changes and never adds a False one', () => {
    const list: JobCondition[] = [];
    expect(ensureCondition(list, 'Suspended', 'False', 'JobResumed', 'Job resumed', 0)).toBe(false);
    expect(ensureCondition(list, 'Suspended', 'True', 'JobSuspended', 'Job suspended', 0)).toBe(true);
    expect(ensureCondition(list, 'Suspended', 'True', 'JobSuspended', 'Job suspended', 1000)).toBe(false);
    expect(ensureCondition(list, 'Suspended', 'False', 'JobResumed', 'Job resumed', 2000)).toBe(true);
    expect(list).toEqual([
      {
        type: 'Suspended',
        status: 'False',
        lastProbeTime: '1970-01-01T00:00:02Z',
        lastTransitionTime: '1970-01-01T00:00:02Z',
        reason: 'JobResumed',
        message: 'Job resumed',
      },
    ]);
  });
});

describe('the pod a Job creates', () => {
  const job: Json = {
    metadata: { name: 'pi', namespace: 'ns', uid: 'u-1' },
    spec: {
      template: {
        metadata: { labels: { 'job-name': 'pi' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' },
      },
    },
  };

  it('carries the template, the tracking finalizer and a controller reference', () => {
    expect(podForJob(job)).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        generateName: 'pi-',
        namespace: 'ns',
        labels: { 'job-name': 'pi' },
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: 'pi',
            uid: 'u-1',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        finalizers: ['batch.kubernetes.io/job-tracking'],
      },
      spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Never' },
    });
  });

  it('for an index: annotation, label, hostname, environment and name', () => {
    const pod = podForJob(job, 2, { failed: 1, ignored: 0 });
    expect(pod.metadata).toMatchObject({
      generateName: 'pi-2-',
      labels: { 'job-name': 'pi', 'batch.kubernetes.io/job-completion-index': '2' },
      annotations: {
        'batch.kubernetes.io/job-completion-index': '2',
        'batch.kubernetes.io/job-index-failure-count': '1',
      },
    });
    expect(pod.spec).toMatchObject({
      hostname: 'pi-2',
      containers: [
        {
          env: [
            {
              name: 'JOB_COMPLETION_INDEX',
              valueFrom: {
                fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" },
              },
            },
          ],
        },
      ],
    });
    expect(indexedGenerateName('x'.repeat(60), 12)).toBe(`${'x'.repeat(54)}-12-`);
  });
});
