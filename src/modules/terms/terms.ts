import type { Policy } from '../../policy/index.js';

/**
 * Which terms are in force, and whether an account may use the service (P23). Pure: the policy
 * file lists the versions, the caller passes the time and what the account accepted.
 */
export type TermsVersion = Policy['terms'][number];

export type TermsStatus = 'current' | 'upcoming' | 'superseded';

const at = (iso: string) => Date.parse(iso);

/** The version in force at `now`: the latest one whose effective date has come; null before the first. */
export function termsInForce(policy: Policy, now: Date): TermsVersion | null {
  let current: TermsVersion | null = null;
  for (const t of policy.terms) {
    if (at(t.effectiveAt) <= now.getTime() && (!current || at(t.effectiveAt) >= at(current.effectiveAt))) current = t;
  }
  return current;
}

export function termsStatus(policy: Policy, version: TermsVersion, now: Date): TermsStatus {
  if (at(version.effectiveAt) > now.getTime()) return 'upcoming';
  return termsInForce(policy, now)?.version === version.version ? 'current' : 'superseded';
}

export type TermsGateDecision =
  | { allow: true; mustAcceptBy: Date | null }
  | { allow: false; version: string; acceptBy: Date };

/**
 * An account that has not accepted the version in force may keep using the service until that
 * version's deadline, and not after it. Nothing else follows from this decision: in particular no
 * deadline of any stored data changes (P23: nothing is deleted because of it).
 */
export function decideTermsGate(policy: Policy, now: Date, acceptedCurrent: boolean): TermsGateDecision {
  const current = termsInForce(policy, now);
  if (!current || acceptedCurrent) return { allow: true, mustAcceptBy: null };
  const acceptBy = new Date(current.acceptBy);
  if (acceptBy.getTime() <= now.getTime()) return { allow: false, version: current.version, acceptBy };
  return { allow: true, mustAcceptBy: acceptBy };
}

/** A version may be accepted once it is published, whether already in force or upcoming. */
export const findTermsVersion = (policy: Policy, version: string): TermsVersion | null =>
  policy.terms.find((t) => t.version === version) ?? null;
