// The fields of a batch/v1 Job the controller reads, typed over the plain JSON object.
import { Json, str } from '../../../json';
import { field } from '../objects';

export interface PodFailurePolicyRule {
  action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
  onPodConditions?: { type: string; status: string }[];
}

export interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

export interface JobSpecView {
  parallelism: number;
  completions?: number;
  backoffLimit: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  activeDeadlineSeconds?: number;
  ttlSecondsAfterFinished?: number;
  indexed: boolean;
  suspended: boolean;
  managedBy?: string;
  podReplacementPolicy?: string;
  podFailurePolicy?: { rules: PodFailurePolicyRule[] };
  successPolicy?: { rules: SuccessPolicyRule[] };
  restartPolicy: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

export function specOf(job: Json): JobSpecView {
  const s = (field(job, 'spec') ?? {}) as Json;
  return {
    parallelism: num(s.parallelism) ?? 1,
    completions: num(s.completions),
    backoffLimit: num(s.backoffLimit) ?? 6,
    backoffLimitPerIndex: num(s.backoffLimitPerIndex),
    maxFailedIndexes: num(s.maxFailedIndexes),
    activeDeadlineSeconds: num(s.activeDeadlineSeconds),
    ttlSecondsAfterFinished: num(s.ttlSecondsAfterFinished),
    indexed: s.completionMode === 'Indexed',
    suspended: s.suspend === true,
    managedBy: typeof s.managedBy === 'string' ? s.managedBy : undefined,
    podReplacementPolicy: typeof s.podReplacementPolicy === 'string' ? s.podReplacementPolicy : undefined,
    podFailurePolicy: (s.podFailurePolicy as JobSpecView['podFailurePolicy']) ?? undefined,
    successPolicy: (s.successPolicy as JobSpecView['successPolicy']) ?? undefined,
    restartPolicy: str(field(s, 'template', 'spec', 'restartPolicy')),
  };
}

export const conditionsOf = (job: Json): JobCondition[] =>
  Array.isArray(field(job, 'status', 'conditions'))
    ? (field(job, 'status', 'conditions') as JobCondition[])
    : [];

export const findCondition = (conds: JobCondition[], type: string): JobCondition | undefined =>
  conds.find((c) => c.type === type);

/** util.IsJobFinished: a Complete or Failed condition that is True. */
export const isJobFinished = (job: Json): boolean =>
  conditionsOf(job).some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/** onlyReplaceFailedPods: podReplacementPolicy Failed, or any podFailurePolicy. */
export const onlyReplaceFailedPods = (s: JobSpecView): boolean =>
  s.podReplacementPolicy === 'Failed' || s.podFailurePolicy !== undefined;
