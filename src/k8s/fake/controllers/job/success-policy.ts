// success_policy.go matchSuccessPolicy: rules in order; a rule with succeededIndexes needs all
// of them (or succeededCount of them), a rule with only succeededCount needs that many overall.
import { SuccessPolicyRule } from './job-view';
import { Indexes } from './indexes';

export function matchSuccessPolicy(
  policy: { rules: SuccessPolicyRule[] } | undefined,
  completions: number,
  succeeded: Indexes,
): string | undefined {
  if (!policy || succeeded.total() === 0) return undefined;
  for (const [index, rule] of policy.rules.entries()) {
    if (rule.succeededIndexes !== undefined) {
      const required = Indexes.parse(rule.succeededIndexes, completions);
      if (required.total() === 0) continue;
      const contains = succeeded.overlap(required);
      if (
        contains === required.total() ||
        (rule.succeededCount !== undefined && contains >= rule.succeededCount)
      )
        return `Matched rules at index ${index}`;
    } else if (rule.succeededCount !== undefined && succeeded.total() >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
