// pod_failure_policy.go matchPodFailurePolicy: the first rule that matches a failed pod decides
// whether it fails the Job (with the message the Job's condition carries), its index, is
// ignored (not counted toward the backoff limits) or counted as usual.
import { Json } from '../../../json';
import { metaOf } from '../objects';
import { PodFailurePolicyRule } from './job-view';
import { containerStatuses, initContainerStatuses } from './pods';
import { asArray, field } from '../objects';

export interface PolicyMatch {
  /** Set when a FailJob rule matched. */
  failJobMessage?: string;
  /** false for Ignore: the failure does not count. */
  countFailed: boolean;
  action?: PodFailurePolicyRule['action'];
}

function matchExitCodes(
  statuses: Json[],
  req: NonNullable<PodFailurePolicyRule['onExitCodes']>,
): Json | undefined {
  return statuses.find((s) => {
    const code = field(s, 'state', 'terminated', 'exitCode');
    if (typeof code !== 'number' || code === 0) return false;
    if (req.containerName !== undefined && req.containerName !== s.name) return false;
    if (req.operator === 'In') return req.values.includes(code);
    if (req.operator === 'NotIn') return !req.values.includes(code);
    return false;
  });
}

export function matchPodFailurePolicy(
  policy: { rules: PodFailurePolicyRule[] } | undefined,
  pod: Json,
): PolicyMatch {
  if (!policy) return { countFailed: true };
  const m = metaOf(pod);
  for (const [index, rule] of policy.rules.entries()) {
    let matched: string | undefined;
    if (rule.onExitCodes) {
      const s =
        matchExitCodes(containerStatuses(pod), rule.onExitCodes) ??
        matchExitCodes(initContainerStatuses(pod), rule.onExitCodes);
      if (s)
        matched = `Container ${String(s.name)} for pod ${m.namespace}/${m.name} failed with exit code ${String(
          field(s, 'state', 'terminated', 'exitCode'),
        )} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const cond = asArray(field(pod, 'status', 'conditions')).find((c) =>
        (rule.onPodConditions ?? []).some((p) => p.type === c.type && p.status === c.status),
      );
      if (cond)
        matched = `Pod ${m.namespace}/${m.name} has condition ${String(cond.type)} matching ${rule.action} rule at index ${index}`;
    }
    if (matched === undefined) continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage: matched, countFailed: true, action: 'FailJob' };
    }
  }
  return { countFailed: true };
}
