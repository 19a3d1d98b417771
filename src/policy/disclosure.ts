import type { Policy, StaffRole } from './policy.schema.js';
import { mayManageHolds } from './access.js';

/**
 * Whether personal data may be disclosed to a third party (P26, P27, P32). Pure: the facts are the
 * request and the region this deployment serves; the rules are the policy file's.
 *
 * - Only a recipient registered in the policy file (a subprocessor, an affiliate, an authority)
 *   ever receives data; the file has no kind for advertisers or buyers, so there is nothing to
 *   sell to or share for advertising with (P26).
 * - A disclosure to an authority, and any disclosure the user is not told about, names its legal
 *   basis (P27): silence is only for when the law forbids telling.
 * - Data leaves the deployment's region only to a recipient that works there, or under a transfer
 *   rule of the policy file from this region to one of the recipient's (P32).
 */
export interface DisclosureRequest {
  recipientId: string;
  legalBasis: string | null;
  notifySubject: boolean;
}

export type DisclosureRefusal = 'unregistered_recipient' | 'legal_basis_required' | 'silence_needs_legal_basis' | 'transfer_not_allowed';

export type DisclosureDecision =
  | { allow: true; recipient: Policy['recipients'][number]; transfer: { to: string; basis: string } | null }
  | { allow: false; reason: DisclosureRefusal };

export function decideDisclosure(request: DisclosureRequest, region: string, policy: Pick<Policy, 'recipients' | 'regions'>): DisclosureDecision {
  const recipient = policy.recipients.find((r) => r.id === request.recipientId);
  if (!recipient) return { allow: false, reason: 'unregistered_recipient' };
  const hasBasis = request.legalBasis !== null && request.legalBasis.trim() !== '';
  if (recipient.kind === 'authority' && !hasBasis) return { allow: false, reason: 'legal_basis_required' };
  if (!request.notifySubject && !hasBasis) return { allow: false, reason: 'silence_needs_legal_basis' };
  if (recipient.regions.includes(region)) return { allow: true, recipient, transfer: null };
  const rule = policy.regions.transfers.find((t) => t.from === region && recipient.regions.includes(t.to));
  if (!rule) return { allow: false, reason: 'transfer_not_allowed' };
  return { allow: true, recipient, transfer: { to: rule.to, basis: rule.basis } };
}

/** Who records disclosures: the roles that act on legal obligations (the same who manage holds). */
export const mayRecordDisclosures = (role: StaffRole, policy: Policy): boolean => mayManageHolds(role, policy);
