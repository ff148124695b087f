// The recorded stories of test/fixtures/real-cluster (npm run real-cluster:fixtures) say what
// their names promise: what a real job controller, garbage collector and kwok "kubelet" did.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = Record<string, any>;
const DIR = join(__dirname, '../fixtures/real-cluster');
const load = (name: string): Json[] =>
  (JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as { events: Json[] }).events;
const jobs = (events: Json[]) => events.filter((e) => e.kind === 'Job');
const pods = (events: Json[]) => events.filter((e) => e.kind === 'Pod');
const lastJob = (events: Json[]) => jobs(events)[jobs(events).length - 1].object;
const condition = (job: Json, type: string) =>
  (job.status?.conditions ?? []).find((c: Json) => c.type === type && c.status === 'True');

describe('recorded real-cluster stories', () => {
  it('has every scenario', () => {
    expect(readdirSync(DIR).sort()).toEqual(
      [
        'active-deadline',
        'backoff-limit',
        'delete-background',
        'delete-foreground',
        'delete-orphan',
        'indexed',
        'succeeded',
        'suspend-resume',
        'ttl-after-finished',
      ].map((n) => `${n}.json`),
    );
  });

  it('succeeded: three pods, at most two at a time, then Complete', () => {
    const events = load('succeeded');
    const job = lastJob(events);
    expect(condition(job, 'Complete')).toBeDefined();
    expect(job.status.succeeded).toBe(3);
    expect(new Set(pods(events).map((e) => e.object.metadata.name)).size).toBe(3);
    expect(Math.max(...jobs(events).map((e) => e.object.status?.active ?? 0))).toBeLessThanOrEqual(2);
  });

  it('backoff-limit: two failed pods, then Failed with BackoffLimitExceeded', () => {
    const job = lastJob(load('backoff-limit'));
    expect(condition(job, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(job.status.failed).toBe(2);
  });

  it('active-deadline: Failed with DeadlineExceeded and its pods deleted', () => {
    const events = load('active-deadline');
    expect(condition(lastJob(events), 'Failed')).toMatchObject({ reason: 'DeadlineExceeded' });
    expect(pods(events).filter((e) => e.type === 'DELETED')).toHaveLength(2);
  });

  it('indexed: indexes 0-2 completed', () => {
    const job = lastJob(load('indexed'));
    expect(job.status.completedIndexes).toBe('0-2');
    expect(condition(job, 'Complete')).toBeDefined();
  });

  it('suspend-resume: no pod while suspended, then Complete', () => {
    const events = load('suspend-resume');
    const firstPod = events.findIndex((e) => e.kind === 'Pod');
    expect(events.slice(0, firstPod).some((e) => condition(e.object, 'Suspended'))).toBe(true);
    expect(condition(lastJob(events), 'Complete')).toBeDefined();
  });

  it('ttl-after-finished: the Job is deleted after it completes', () => {
    const events = load('ttl-after-finished');
    const deleted = jobs(events).find((e) => e.type === 'DELETED');
    expect(deleted && condition(deleted.object, 'Complete')).toBeDefined();
  });

  it.each(['background', 'foreground'])('delete-%s: the pods are deleted with the Job', (policy) => {
    const events = load(`delete-${policy}`);
    expect(jobs(events).filter((e) => e.type === 'DELETED')).toHaveLength(1);
    expect(pods(events).filter((e) => e.type === 'DELETED')).toHaveLength(2);
  });

  it('delete-orphan: the Job goes, its pods stay without an owner', () => {
    const events = load('delete-orphan');
    expect(pods(events).filter((e) => e.type === 'DELETED')).toHaveLength(0);
    const lastOfPod = new Map(pods(events).map((e) => [e.object.metadata.name, e.object]));
    for (const pod of lastOfPod.values()) expect(pod.metadata.ownerReferences ?? []).toEqual([]);
  });
});
