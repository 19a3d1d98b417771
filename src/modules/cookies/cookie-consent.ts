import type { Policy } from '../../policy/index.js';
import { badRequest } from '../../lib/errors.js';

/**
 * Cookie consent (P25), pure. Essential categories need no consent. A non-essential category is
 * allowed only by a recorded opt-in that is still within `cookies.consentDays`, and never while
 * the browser sends Global Privacy Control (`Sec-GPC: 1`): GPC overrides a stored opt-in.
 */
export interface StoredConsent {
  granted: readonly string[];
  recordedAt: Date;
}

const DAY_MS = 86_400_000;

export const consentExpiresAt = (stored: StoredConsent, policy: Policy): Date =>
  new Date(stored.recordedAt.getTime() + policy.cookies.consentDays * DAY_MS);

export function consentInForce(stored: StoredConsent | null, policy: Policy, now: Date): StoredConsent | null {
  return stored && consentExpiresAt(stored, policy).getTime() > now.getTime() ? stored : null;
}

export function allowsCategory(policy: Policy, category: string, stored: StoredConsent | null, gpc: boolean, now: Date): boolean {
  const definition = policy.cookies.categories[category];
  if (!definition) return false;
  if (definition.essential) return true;
  if (gpc) return false;
  return consentInForce(stored, policy, now)?.granted.includes(category) ?? false;
}

export function effectiveConsent(policy: Policy, stored: StoredConsent | null, gpc: boolean, now: Date): Record<string, boolean> {
  return Object.fromEntries(Object.keys(policy.cookies.categories).map((c) => [c, allowsCategory(policy, c, stored, gpc, now)]));
}

/** A choice as sent by a client → the non-essential categories it grants. Unknown names are refused. */
export function grantedFromChoice(policy: Policy, choice: Readonly<Record<string, boolean>>): string[] {
  const granted: string[] = [];
  for (const [category, on] of Object.entries(choice)) {
    const definition = policy.cookies.categories[category];
    if (!definition) throw badRequest('unknown_cookie_category', `no cookie category "${category.slice(0, 40)}" in the policy`);
    if (definition.essential) {
      if (!on) throw badRequest('essential_cookie_category', `"${category}" is strictly necessary and cannot be turned off`);
      continue;
    }
    if (on) granted.push(category);
  }
  return granted.sort();
}
