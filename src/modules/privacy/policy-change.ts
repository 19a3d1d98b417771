import type { Policy } from '../../policy/index.js';

/**
 * What the user is told about the policy version (P30): the version in force, when it was
 * published, the version their training choice was recorded under, and whether the policy changed
 * since. Pure, so the rule is tested without a database. The ledger records every choice with its
 * version (P05), so "changed since your choice" needs no state of its own.
 */
export function policyChangeView(policy: Pick<Policy, 'version' | 'publishedAt'>, choiceVersion: string | null) {
  return {
    version: policy.version,
    publishedAt: policy.publishedAt,
    yourChoiceRecordedUnder: choiceVersion,
    changedSinceYourChoice: choiceVersion !== null && choiceVersion !== policy.version,
  };
}
