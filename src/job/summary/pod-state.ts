// The most telling thing about a Job's pods: why a pod cannot start, was killed or failed.
// Each finding has a rank; a pod that can never start says more than one that ran and
// exited, and an out-of-memory kill says more than the back-off that follows it.
import { ContainerView, PodView, TerminatedView } from './objects';

export interface PodFinding {
  reason: string;
  message: string;
  pod: string;
  container?: string;
  /** Higher says more; 0 says nothing worth showing. */
  rank: number;
}

// Waiting reasons the kubelet gives when a container cannot be started as specified.
const CANNOT_START: Record<string, number> = {
  ErrImagePull: 90,
  ImagePullBackOff: 90,
  InvalidImageName: 90,
  ErrImageNeverPull: 90,
  CreateContainerConfigError: 85,
  CreateContainerError: 85,
  RunContainerError: 85,
  PreStartHookError: 85,
};
const RANK = {
  oomKilled: 80,
  unschedulable: 75,
  podReason: 70,
  otherWaitingError: 65,
  crashLoop: 60,
  exitCode: 50,
};

const what = (pod: PodView, c: ContainerView): string =>
  `pod ${pod.name}, ${c.init ? 'init container' : 'container'} ${c.name}`;

/** "exit code 137" or "signal 9", with the runtime's reason when it says more than "Error". */
function ended(t: TerminatedView): string {
  const code = t.exitCode !== undefined ? `exit code ${t.exitCode}` : t.signal ? `signal ${t.signal}` : '';
  return [code, t.message.trim()].filter(Boolean).join(': ');
}

const failed = (t: TerminatedView | undefined): t is TerminatedView =>
  !!t && ((t.exitCode ?? 0) !== 0 || !!t.signal || t.reason === 'OOMKilled');

function containerFindings(pod: PodView, c: ContainerView): PodFinding[] {
  const out: PodFinding[] = [];
  const at = { pod: pod.name, container: c.name };
  const waiting = c.state.waiting;
  const last = c.lastState.terminated;
  const now = c.state.terminated;
  if (waiting?.reason && CANNOT_START[waiting.reason])
    out.push({
      ...at,
      reason: waiting.reason,
      message: `${what(pod, c)}: ${waiting.message || waiting.reason}`,
      rank: CANNOT_START[waiting.reason],
    });
  for (const t of [now, last])
    if (t?.reason === 'OOMKilled')
      out.push({
        ...at,
        reason: 'OOMKilled',
        message: `${what(pod, c)} was killed for running out of memory${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}${c.restartCount ? `, ${c.restartCount} restarts` : ''}`,
        rank: RANK.oomKilled,
      });
  if (waiting?.reason === 'CrashLoopBackOff')
    out.push({
      ...at,
      reason: 'CrashLoopBackOff',
      message: `${what(pod, c)} keeps failing${last ? ` (last ${ended(last) || last.reason})` : ''}, ${c.restartCount} restarts${waiting.message ? `: ${waiting.message}` : ''}`,
      rank: RANK.crashLoop,
    });
  else if (waiting?.reason && !CANNOT_START[waiting.reason] && /(Error|BackOff)$/.test(waiting.reason))
    out.push({
      ...at,
      reason: waiting.reason,
      message: `${what(pod, c)}: ${waiting.message || waiting.reason}`,
      rank: RANK.otherWaitingError,
    });
  // The run that ended badly: the current one, else the one before a restart.
  const bad = failed(now) ? now : failed(last) ? last : undefined;
  if (bad && bad.reason !== 'OOMKilled')
    out.push({
      ...at,
      reason: bad.reason || 'Error',
      message: `${what(pod, c)} ${bad === now ? 'failed' : 'last failed'} with ${ended(bad) || bad.reason || 'an error'}`,
      rank: RANK.exitCode,
    });
  return out;
}

/** Everything telling about one pod, most telling first. */
export function podFindings(pod: PodView): PodFinding[] {
  const out: PodFinding[] = pod.containers.flatMap((c) => containerFindings(pod, c));
  const scheduled = pod.conditions.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable')
    out.push({
      pod: pod.name,
      reason: 'Unschedulable',
      message: `pod ${pod.name}: ${scheduled.message || 'no node can run it'}`,
      rank: RANK.unschedulable,
    });
  // The pod as a whole: Evicted, DeadlineExceeded, UnexpectedAdmissionError, NodeLost...
  if (pod.reason)
    out.push({
      pod: pod.name,
      reason: pod.reason,
      message: `pod ${pod.name}: ${pod.message || pod.reason}`,
      rank: RANK.podReason,
    });
  return out.sort((a, b) => b.rank - a.rank);
}

/** The most telling finding over all pods; among equals, the newest pod's (what is happening now). */
export function mostTellingPodState(pods: PodView[]): PodFinding | undefined {
  let best: { f: PodFinding; created: string } | undefined;
  for (const pod of pods) {
    const f = podFindings(pod)[0];
    if (!f) continue;
    const created = pod.created ?? '';
    if (!best || f.rank > best.f.rank || (f.rank === best.f.rank && created > best.created))
      best = { f, created };
  }
  return best?.f;
}
