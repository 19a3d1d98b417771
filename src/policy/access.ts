import type { AccessPurpose, Policy, StaffRole } from './policy.schema.js';

/**
 * The staff access decision (P17, P19): may this staff member open this user's data now, and
 * under which grant. Pure: the caller gathers the staff member's grants and the organisation's
 * settings; time is a parameter. It is asked again at every read, not only when a grant is
 * issued, so a role change, an expiry or a withdrawn approval takes effect at once.
 */

/** What a grant names: one account, or one conversation of it. */
export interface AccessSubject {
  accountId: string;
  /** null = the whole account (its conversation list and every conversation in it). */
  conversationId: string | null;
}

/**
 * What a staff member tries to do with user content:
 * - `list_conversations`: an account's conversations (needs an account-wide grant);
 * - `read_conversation`: one conversation's messages;
 * - `unmask_review`: a masked field of a conversation in the review queue (P18).
 */
export const accessActions = ['list_conversations', 'read_conversation', 'unmask_review'] as const;
export type AccessAction = (typeof accessActions)[number];

/** Actions that only some purposes justify; the others accept any purpose the role may use. */
const actionPurposes: Partial<Record<AccessAction, readonly AccessPurpose[]>> = {
  // Seeing through the review mask is for investigating a violation, nothing else (P18).
  unmask_review: ['policy_violation'],
};

export interface AccessRequest {
  staff: { id: string; role: StaffRole };
  action: AccessAction;
  /** What is opened. For `list_conversations` the conversation is null. */
  target: AccessSubject;
  /** The organisation of the account opened, when it has one. */
  org: { accessApprovalRequired: boolean } | null;
  /** The grant the caller names; without one, any of the caller's grants that covers the target. */
  grantId?: string | undefined;
}

export interface GrantFacts {
  id: string;
  staffId: string;
  purpose: AccessPurpose;
  caseRef: string;
  subject: AccessSubject;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  /** The user's support request the grant cites, as found in the database (null = none cited). */
  supportRequest: { accountId: string; conversationId: string | null } | null;
  /** The organisation admin's answer (P19); both null while none was given. */
  approvedAt: Date | null;
  deniedAt: Date | null;
}

export const accessDenials = [
  'role_has_no_purpose',
  'no_grant',
  'subject_not_covered',
  'grant_revoked',
  'grant_not_yet_valid',
  'grant_expired',
  'purpose_not_allowed_for_role',
  'purpose_not_allowed_for_action',
  'support_request_required',
  'ttl_exceeds_policy',
  'approval_denied',
  'approval_required',
] as const;
export type AccessDenial = (typeof accessDenials)[number];

/** What the caller must do before it shows anything: write this audit entry (fail closed). */
export interface AccessObligations {
  auditBeforeRead: true;
  grantId: string;
  purpose: AccessPurpose;
  caseRef: string;
  expiresAt: Date;
}

export type AccessDecision =
  | { allow: true; grantId: string; obligations: AccessObligations }
  | { allow: false; reason: AccessDenial };

export const purposesOf = (role: StaffRole, policy: Policy): readonly AccessPurpose[] => policy.staffAccess.roles[role];

/** Whether the grant's subject includes the target: an account grant covers its conversations, never the reverse. */
export function covers(subject: AccessSubject, target: AccessSubject, action: AccessAction): boolean {
  if (subject.accountId !== target.accountId) return false;
  if (subject.conversationId === null) return true;
  return action !== 'list_conversations' && target.conversationId === subject.conversationId;
}

/** Why one covering grant does not allow the request, or null when it does. */
function checkGrant(request: AccessRequest, grant: GrantFacts, policy: Policy, now: Date): AccessDenial | null {
  if (grant.revokedAt !== null && grant.revokedAt.getTime() <= now.getTime()) return 'grant_revoked';
  if (now.getTime() < grant.createdAt.getTime()) return 'grant_not_yet_valid';
  if (now.getTime() >= grant.expiresAt.getTime()) return 'grant_expired';
  if (!purposesOf(request.staff.role, policy).includes(grant.purpose)) return 'purpose_not_allowed_for_role';
  const forAction = actionPurposes[request.action];
  if (forAction && !forAction.includes(grant.purpose)) return 'purpose_not_allowed_for_action';
  const rule = policy.staffAccess.purposes[grant.purpose];
  if (rule.requiresSupportRequest && !supportRequestFits(grant.supportRequest, grant.subject)) return 'support_request_required';
  // The policy may have shortened the window since the grant was issued: the shorter one rules.
  if (grant.expiresAt.getTime() - grant.createdAt.getTime() > rule.maxTtlMinutes * 60_000) return 'ttl_exceeds_policy';
  if (request.org?.accessApprovalRequired) {
    if (grant.deniedAt !== null) return 'approval_denied';
    if (grant.approvedAt === null) return 'approval_required';
  }
  return null;
}

/** A support request justifies access to the account that asked, or to the one conversation it names. */
export function supportRequestFits(request: GrantFacts['supportRequest'], subject: AccessSubject): boolean {
  if (!request || request.accountId !== subject.accountId) return false;
  return request.conversationId === null || request.conversationId === subject.conversationId;
}

// When several covering grants all fail, the answer names the failure closest to success.
const closeness: Record<AccessDenial, number> = Object.fromEntries(accessDenials.map((d, i) => [d, i])) as Record<AccessDenial, number>;

export function decideAccess(request: AccessRequest, grants: readonly GrantFacts[], policy: Policy, now: Date): AccessDecision {
  if (purposesOf(request.staff.role, policy).length === 0) return { allow: false, reason: 'role_has_no_purpose' };
  const own = grants.filter((g) => g.staffId === request.staff.id && (request.grantId === undefined || g.id === request.grantId));
  if (own.length === 0) return { allow: false, reason: 'no_grant' };
  const covering = own.filter((g) => covers(g.subject, request.target, request.action));
  if (covering.length === 0) return { allow: false, reason: 'subject_not_covered' };
  let best: AccessDenial | null = null;
  // The grant that stays valid longest serves, so a read is attributed to a stable case.
  const ordered = [...covering].sort((a, b) => b.expiresAt.getTime() - a.expiresAt.getTime() || a.id.localeCompare(b.id));
  for (const grant of ordered) {
    const denial = checkGrant(request, grant, policy, now);
    if (denial === null) {
      return {
        allow: true,
        grantId: grant.id,
        obligations: { auditBeforeRead: true, grantId: grant.id, purpose: grant.purpose, caseRef: grant.caseRef, expiresAt: grant.expiresAt },
      };
    }
    if (best === null || closeness[denial] > closeness[best]) best = denial;
  }
  return { allow: false, reason: best! };
}

/** A case reference names a ticket or a file, never a person: no spaces, no `@`, bounded. */
export const CASE_REF = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$/;

export interface GrantRequest {
  staff: { id: string; role: StaffRole };
  purpose: AccessPurpose;
  caseRef: string;
  subject: AccessSubject;
  ttlMinutes: number;
  /** The support request the grant cites, as found in the database; null when none was cited or found. */
  supportRequest: { accountId: string; conversationId: string | null } | null;
  org: { accessApprovalRequired: boolean } | null;
}

export type GrantRequestDenial =
  | 'role_has_no_purpose'
  | 'purpose_not_allowed_for_role'
  | 'invalid_case_ref'
  | 'invalid_ttl'
  | 'ttl_exceeds_policy'
  | 'support_request_required';

export type GrantDecision =
  | { allow: true; expiresAt: Date; approvalRequired: boolean }
  | { allow: false; reason: GrantRequestDenial };

/** Whether a grant may be issued as asked. Issuing it does not yet open anything: decideAccess does, at each read. */
export function decideGrantRequest(request: GrantRequest, policy: Policy, now: Date): GrantDecision {
  const purposes = purposesOf(request.staff.role, policy);
  if (purposes.length === 0) return { allow: false, reason: 'role_has_no_purpose' };
  if (!purposes.includes(request.purpose)) return { allow: false, reason: 'purpose_not_allowed_for_role' };
  if (!CASE_REF.test(request.caseRef)) return { allow: false, reason: 'invalid_case_ref' };
  if (!Number.isInteger(request.ttlMinutes) || request.ttlMinutes < 1) return { allow: false, reason: 'invalid_ttl' };
  const rule = policy.staffAccess.purposes[request.purpose];
  if (request.ttlMinutes > rule.maxTtlMinutes) return { allow: false, reason: 'ttl_exceeds_policy' };
  if (rule.requiresSupportRequest && !supportRequestFits(request.supportRequest, request.subject)) {
    return { allow: false, reason: 'support_request_required' };
  }
  return {
    allow: true,
    expiresAt: new Date(now.getTime() + request.ttlMinutes * 60_000),
    approvalRequired: request.org?.accessApprovalRequired ?? false,
  };
}

/** Roles that may place and release legal holds: those the policy lets act on a legal obligation. */
export const mayManageHolds = (role: StaffRole, policy: Policy): boolean => purposesOf(role, policy).includes('legal_obligation');

/** Roles that work the review queue (P18): those the policy lets investigate policy violations. */
export const mayReview = (role: StaffRole, policy: Policy): boolean => purposesOf(role, policy).includes('policy_violation');
