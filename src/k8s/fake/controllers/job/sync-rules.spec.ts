// The sync's pure rules, table-driven: which pods a sync deletes first, when a tracking
// finalizer may go, how uncounted pods move into the counters.
import { Json } from '../../../json';
import { Indexes } from './indexes';
import { readStatus } from './job-status';
import { specOf } from './job-view';
import {
  activePodsForRemoval,
  canRemoveFinalizer,
  cleanUncounted,
  firstPendingIndexes,
  SyncCtx,
} from './sync-rules';

const pod = (
  name: string,
  opts: { node?: string; phase?: string; ready?: boolean; index?: number } = {},
): Json => ({
  metadata: {
    name,
    uid: `uid-${name}`,
    creationTimestamp: '2026-01-01T00:00:00Z',
    annotations:
      opts.index === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': String(opts.index) },
  },
  spec: opts.node ? { nodeName: opts.node } : {},
  status: {
    phase: opts.phase ?? 'Pending',
    conditions: [{ type: 'Ready', status: opts.ready ? 'True' : 'False' }],
  },
});

function ctx(spec: Json, pods: Json[], extra: Partial<SyncCtx> = {}): SyncCtx {
  const job = { metadata: { name: 'j', uid: 'u' }, spec };
  return {
    key: 'ns/j',
    job,
    spec: specOf(job),
    status: readStatus(job),
    pods,
    activePods: pods,
    ready: 0,
    terminating: 0,
    succeeded: 0,
    failed: 0,
    uncountedSucceeded: new Set(),
    uncountedFailed: new Set(),
    expectedRmFinalizers: new Set(),
    newBackoff: { failuresAfterLastSuccess: 0 },
    prevSucceededIndexes: Indexes.empty(),
    succeededIndexes: Indexes.empty(),
    podsWithDelayedDeletionPerIndex: new Map(),
    ...extra,
  };
}
const names = (pods: Json[]) => pods.map((p) => (p.metadata as Json).name);

describe('pods a sync deletes first', () => {
  it('unscheduled before scheduled, pending before running, not ready before ready', () => {
    const pods = [
      pod('running-ready', { node: 'n', phase: 'Running', ready: true }),
      pod('running', { node: 'n', phase: 'Running' }),
      pod('pending', { node: 'n' }),
      pod('unscheduled'),
    ];
    expect(names(activePodsForRemoval(ctx({}, pods), 3))).toEqual(['unscheduled', 'pending', 'running']);
  });

  it('Indexed: out-of-range and duplicate indexes go even when no pod is too many', () => {
    const pods = [
      pod('i0', { index: 0, node: 'n', phase: 'Running' }),
      pod('i0-dup', { index: 0 }),
      pod('i1', { index: 1 }),
      pod('i9', { index: 9 }),
    ];
    expect(names(activePodsForRemoval(ctx({ completionMode: 'Indexed', completions: 3 }, pods), 0))).toEqual([
      'i9',
      'i0-dup',
    ]);
  });

  it('Indexed: the next indexes are those neither succeeded nor active', () => {
    const c = ctx({ completionMode: 'Indexed', completions: 5 }, [pod('i1', { index: 1 })], {
      succeededIndexes: Indexes.of([0, 3]),
    });
    expect(firstPendingIndexes(c, 3)).toEqual([2, 4]);
  });
});

describe('when a tracking finalizer may go', () => {
  const running = pod('r', { node: 'n', phase: 'Running' });
  it.each([
    ['a running pod of a running Job', {}, running, false, false],
    ['a failed pod', {}, running, true, true],
    ['a succeeded pod', {}, pod('s', { phase: 'Succeeded' }), false, true],
    ['any pod of a Job being deleted', { deleting: true }, running, false, true],
    ['any pod of a Job that is finishing', { finishing: true }, running, false, true],
  ])('%s', (_what, how: Json, p, failed, want) => {
    const c = ctx({}, [p]);
    if (how.deleting) (c.job.metadata as Json).deletionTimestamp = '2026-01-01T00:00:00Z';
    if (how.finishing) c.finishedCondition = { type: 'FailureTarget', status: 'True' };
    expect(canRemoveFinalizer(c, p, failed)).toBe(want);
  });
});

describe('uncounted pods', () => {
  it('move into the counters once their finalizer is gone', () => {
    const s = readStatus({
      status: { succeeded: 1, uncountedTerminatedPods: { succeeded: ['a', 'b'], failed: ['c'] } },
    });
    expect(cleanUncounted(s, new Set(['b', 'c']))).toBe(true);
    expect(s).toMatchObject({ succeeded: 2, failed: 0, uncounted: { succeeded: ['b'], failed: ['c'] } });
    expect(cleanUncounted(s, new Set(['b', 'c']))).toBe(false);
  });
});
