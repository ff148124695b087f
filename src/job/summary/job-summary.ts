// What a console shows first about a Job, derived from the Job, its pods and its events at
// a given moment. Pure: no I/O, no clock of its own. README "Job summary" documents each field.
import {
  ConditionView,
  EventView,
  JobView,
  millis,
  oldestFirst,
  PodView,
  readEvent,
  readJob,
  readPod,
} from './objects';
import { mostTellingPodState, podFindings } from './pod-state';

export type JobPhase = 'Pending' | 'Running' | 'Suspended' | 'Succeeded' | 'Failed';
export type ReasonSource = 'condition' | 'pod' | 'event' | '';

export interface PodSummary {
  name: string;
  phase: string;
  ready: boolean;
  restarts: number;
  node: string;
  exitCode: number | null;
  reason: string;
  message: string;
  completionIndex: string | null;
  createdAt: string | null;
  startTime: string | null;
  deleting: boolean;
}

export interface EventSummary {
  time: string | null;
  type: string;
  reason: string;
  message: string;
  object: string;
  count: number;
  source: string;
}

export interface JobSummary {
  phase: JobPhase;
  reason: string;
  message: string;
  reasonSource: ReasonSource;
  job: { namespace: string; name: string; uid: string };
  counts: {
    active: number;
    ready: number;
    succeeded: number;
    failed: number;
    terminating: number;
    completions: number | null;
    parallelism: number;
  };
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
  pods: PodSummary[];
  events: EventSummary[];
}

/** How many of the latest events the summary carries. */
export const SUMMARY_EVENTS = 10;

const isTrue = (conds: ConditionView[], type: string): ConditionView | undefined =>
  conds.find((c) => c.type === type && c.status === 'True');

/**
 * The condition that ends the Job: Failed, or FailureTarget while its pods still stop;
 * Complete, or SuccessCriteriaMet while they stop.
 */
function terminal(job: JobView): { phase: 'Failed' | 'Succeeded'; condition: ConditionView } | undefined {
  const failed = isTrue(job.conditions, 'Failed') ?? isTrue(job.conditions, 'FailureTarget');
  if (failed) return { phase: 'Failed', condition: failed };
  const done = isTrue(job.conditions, 'Complete') ?? isTrue(job.conditions, 'SuccessCriteriaMet');
  if (done) return { phase: 'Succeeded', condition: done };
  return undefined;
}

function phaseOf(job: JobView, pods: PodView[]): { phase: JobPhase; condition?: ConditionView } {
  const end = terminal(job);
  if (end) return end;
  const suspended = isTrue(job.conditions, 'Suspended');
  if (suspended) return { phase: 'Suspended', condition: suspended };
  if (job.suspend) return { phase: 'Suspended' };
  // Running once any pod has run: one runs now, is ready, or has already finished.
  const started = pods.some((p) => p.phase === 'Running') || job.ready > 0 || job.succeeded + job.failed > 0;
  return { phase: started ? 'Running' : 'Pending' };
}

/** The exit code of the pod's run that says most: a failing container's, else the first ended one's. */
function exitCode(pod: PodView): number | null {
  const codes = pod.containers
    .filter((c) => !c.init)
    .map((c) => c.state.terminated?.exitCode ?? c.lastState.terminated?.exitCode)
    .filter((c): c is number => c !== undefined);
  return codes.find((c) => c !== 0) ?? codes[0] ?? null;
}

/** The pod's most telling state, else its containers' current state (ContainerCreating, Completed). */
function podReason(pod: PodView): { reason: string; message: string } {
  const f = podFindings(pod)[0];
  if (f) return { reason: f.reason, message: f.message };
  for (const c of pod.containers.filter((x) => !x.init)) {
    const s = c.state.waiting ?? c.state.terminated;
    if (s?.reason) return { reason: s.reason, message: s.message };
  }
  return { reason: '', message: '' };
}

function podSummary(pod: PodView): PodSummary {
  return {
    name: pod.name,
    phase: pod.phase,
    ready: pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    restarts: pod.containers.reduce((n, c) => n + c.restartCount, 0),
    node: pod.node,
    exitCode: exitCode(pod),
    ...podReason(pod),
    completionIndex: pod.completionIndex ?? null,
    createdAt: pod.created ?? null,
    startTime: pod.startTime ?? null,
    deleting: pod.deleting,
  };
}

const eventSummary = (e: EventView): EventSummary => ({
  time: e.time ?? null,
  type: e.type,
  reason: e.reason,
  message: e.message,
  object: `${e.kind}/${e.name}`,
  count: e.count,
  source: e.source,
});

/** The Job's start, its end (completionTime, or when it was marked failed) and the time between, or until `now`. */
function timing(
  job: JobView,
  end: ConditionView | undefined,
  now: Date,
): Pick<JobSummary, 'startTime' | 'endTime' | 'durationSeconds'> {
  const endTime = job.completionTime ?? (end ? end.lastTransitionTime : undefined) ?? null;
  const start = millis(job.startTime);
  const stop = endTime !== null ? millis(endTime) : now.getTime();
  return {
    startTime: job.startTime ?? null,
    endTime,
    durationSeconds:
      start !== undefined && stop !== undefined ? Math.max(0, Math.floor((stop - start) / 1000)) : null,
  };
}

/**
 * The summary of `job` given its pods and the events of it and its pods. The reason comes
 * from the Job's deciding condition, else the most telling pod state, else the latest
 * Warning event; a Job that succeeded or runs fine has no pod or event reason.
 */
export function summarizeJob(job: unknown, pods: unknown[], events: unknown[], now: Date): JobSummary {
  const j = readJob(job);
  const podViews = pods
    .map(readPod)
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || a.name.localeCompare(b.name));
  const eventViews = oldestFirst(events).map(readEvent);
  const { phase, condition } = phaseOf(j, podViews);

  let why: { reason: string; message: string; reasonSource: ReasonSource } = {
    reason: '',
    message: '',
    reasonSource: '',
  };
  if (condition) why = { reason: condition.reason, message: condition.message, reasonSource: 'condition' };
  else {
    const pod = mostTellingPodState(podViews.filter((p) => p.phase !== 'Succeeded'));
    const warning = eventViews.filter((e) => e.type === 'Warning').pop();
    if (pod) why = { reason: pod.reason, message: pod.message, reasonSource: 'pod' };
    else if (warning) why = { reason: warning.reason, message: warning.message, reasonSource: 'event' };
  }

  const end = phase === 'Failed' || phase === 'Succeeded' ? condition : undefined;
  return {
    phase,
    ...why,
    job: { namespace: j.namespace, name: j.name, uid: j.uid },
    counts: {
      active: j.active,
      ready: j.ready,
      succeeded: j.succeeded,
      failed: j.failed,
      terminating: j.terminating,
      completions: j.completions,
      parallelism: j.parallelism,
    },
    ...timing(j, end, now),
    pods: podViews.map(podSummary),
    events: eventViews.slice(-SUMMARY_EVENTS).map(eventSummary),
  };
}
