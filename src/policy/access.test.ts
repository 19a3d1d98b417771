import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  accessActions,
  accessPurposes,
  covers,
  decideAccess,
  decideGrantRequest,
  loadPolicy,
  mayManageHolds,
  mayReview,
  staffRoles,
  type AccessRequest,
  type GrantFacts,
  type Policy,
} from './index.js';

const policy = loadPolicy();
const MIN = 60_000;
const t0 = Date.parse('2026-01-01T00:00:00Z');

// Few ids, so that generated grants and targets often name the same account or conversation.
const accountId = fc.constantFrom('a1', 'a2', 'a3');
const conversationId = fc.constantFrom('c1', 'c2', 'c3');
const staffId = fc.constantFrom('s1', 's2');
const instant = fc.integer({ min: 0, max: 48 * 60 }).map((m) => new Date(t0 + m * MIN));
const subject = fc.record({ accountId, conversationId: fc.option(conversationId, { nil: null }) });

const grantArb: fc.Arbitrary<GrantFacts> = fc
  .record({
    id: fc.uuid(),
    staffId,
    purpose: fc.constantFrom(...accessPurposes),
    caseRef: fc.constantFrom('CASE-1', 'T-77'),
    subject,
    createdAt: instant,
    ttl: fc.integer({ min: 1, max: 2000 }),
    revokedAt: fc.option(instant, { nil: null }),
    supportRequest: fc.option(subject, { nil: null }),
    approvedAt: fc.option(instant, { nil: null }),
    deniedAt: fc.option(instant, { nil: null }),
  })
  .map(({ ttl, ...g }) => ({ ...g, expiresAt: new Date(g.createdAt.getTime() + ttl * MIN) }));

const requestArb: fc.Arbitrary<AccessRequest> = fc
  .record({
    staff: fc.record({ id: staffId, role: fc.constantFrom(...staffRoles) }),
    action: fc.constantFrom(...accessActions),
    target: fc.record({ accountId, conversationId }),
    org: fc.option(fc.record({ accessApprovalRequired: fc.boolean() }), { nil: null }),
  })
  .map((r) => (r.action === 'list_conversations' ? { ...r, target: { ...r.target, conversationId: null } } : r));

/**
 * A grant built to fit the request, then broken in random ways (each flag breaks one fact), so
 * that scenarios land on both sides of every rule instead of almost always being refused.
 */
const seldom = fc.integer({ min: 0, max: 9 }).map((n) => n < 3);
const breaks = fc.record({
  staff: seldom, subject: seldom, expired: seldom, early: seldom, revoked: seldom,
  purpose: seldom, support: seldom, approval: seldom, ttl: seldom,
});
type Breaks = Record<string, boolean>;

function fittedGrant(request: AccessRequest, now: Date, random: GrantFacts, b: Breaks): GrantFacts {
  const purposes = policy.staffAccess.roles[request.staff.role];
  const purpose = request.action === 'unmask_review' ? 'policy_violation' : (purposes[0] ?? 'support');
  const subject = { accountId: request.target.accountId, conversationId: random.subject.conversationId === null ? null : request.target.conversationId };
  const maxTtl = policy.staffAccess.purposes[purpose].maxTtlMinutes * MIN;
  const createdAt = new Date(now.getTime() - 10 * MIN);
  return {
    ...random,
    staffId: b.staff ? random.staffId : request.staff.id,
    purpose: b.purpose ? random.purpose : purpose,
    subject: b.subject ? random.subject : subject,
    createdAt: b.early ? new Date(now.getTime() + MIN) : createdAt,
    expiresAt: b.expired ? now : b.ttl ? new Date(createdAt.getTime() + maxTtl + MIN) : new Date(createdAt.getTime() + Math.min(maxTtl, 30 * MIN)),
    revokedAt: b.revoked ? now : null,
    supportRequest: b.support ? random.supportRequest : subject,
    approvedAt: b.approval ? null : now,
    deniedAt: b.approval ? random.deniedAt : null,
  };
}

const scenario = fc
  .record({ request: requestArb, now: instant, random: fc.array(grantArb, { maxLength: 3 }), fitted: fc.array(fc.tuple(grantArb, breaks), { maxLength: 3 }) })
  .map(({ request, now, random, fitted }) => ({
    request,
    now,
    grants: [...random, ...fitted.map(([g, b]) => fittedGrant(request, now, g, b))],
  }));

function decide(s: { request: AccessRequest; grants: GrantFacts[]; now: Date }, p: Policy = policy) {
  const decision = decideAccess(s.request, s.grants, p, s.now);
  const grant = decision.allow ? s.grants.find((g) => g.id === decision.grantId) : undefined;
  return { decision, grant };
}

describe('decideAccess (P17, P19)', () => {
  it('the generated scenarios reach both answers, so the properties below are not vacuous', () => {
    const decisions = fc.sample(scenario, { numRuns: 2000, seed: 7 }).map((s) => decide(s).decision);
    expect(decisions.filter((d) => d.allow).length).toBeGreaterThan(20);
    const reasons = new Set(decisions.flatMap((d) => (d.allow ? [] : [d.reason])));
    expect(reasons.size).toBeGreaterThan(6);
  });

  it('a role uses only the purposes the policy file gives it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (decision.allow) expect(policy.staffAccess.roles[s.request.staff.role]).toContain(grant!.purpose);
      }),
    );
  });

  it('follows the policy file, not a built-in table: a role given no purposes opens nothing', () => {
    const closed: Policy = { ...policy, staffAccess: { ...policy.staffAccess, roles: { ...policy.staffAccess.roles, support: [] } } };
    fc.assert(
      fc.property(scenario, (s) => {
        const request = { ...s.request, staff: { ...s.request.staff, role: 'support' as const } };
        expect(decide({ ...s, request }, closed).decision).toEqual({ allow: false, reason: 'role_has_no_purpose' });
      }),
    );
  });

  it('only a grant of the caller serves, never one issued to another staff member', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (decision.allow) expect(grant!.staffId).toBe(s.request.staff.id);
      }),
    );
  });

  it('support needs a support request of the same account (and conversation, when it names one)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (decision.allow && grant!.purpose === 'support') {
          expect(grant!.supportRequest?.accountId).toBe(grant!.subject.accountId);
          const named = grant!.supportRequest!.conversationId;
          if (named !== null) expect(grant!.subject.conversationId).toBe(named);
        }
      }),
    );
  });

  it('an expired, revoked or not yet valid grant never allows', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (!decision.allow) return;
        expect(s.now.getTime()).toBeLessThan(grant!.expiresAt.getTime());
        expect(s.now.getTime()).toBeGreaterThanOrEqual(grant!.createdAt.getTime());
        if (grant!.revokedAt) expect(grant!.revokedAt.getTime()).toBeGreaterThan(s.now.getTime());
        expect(grant!.expiresAt.getTime() - grant!.createdAt.getTime()).toBeLessThanOrEqual(policy.staffAccess.purposes[grant!.purpose].maxTtlMinutes * MIN);
      }),
    );
  });

  it('a grant for one subject never opens another', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (!decision.allow) return;
        expect(grant!.subject.accountId).toBe(s.request.target.accountId);
        if (grant!.subject.conversationId !== null) {
          expect(s.request.action).not.toBe('list_conversations');
          expect(grant!.subject.conversationId).toBe(s.request.target.conversationId);
        }
      }),
    );
  });

  it('an organisation that requires approval is denied until its admin approves, and after a refusal', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (decision.allow && s.request.org?.accessApprovalRequired) {
          expect(grant!.approvedAt).not.toBeNull();
          expect(grant!.deniedAt).toBeNull();
        }
      }),
    );
  });

  it('unmasking a review item takes a policy-violation grant', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { decision, grant } = decide(s);
        if (decision.allow && s.request.action === 'unmask_review') expect(grant!.purpose).toBe('policy_violation');
      }),
    );
  });

  it('naming a grant restricts the decision to it', () => {
    fc.assert(
      fc.property(scenario, fc.uuid(), (s, unknownId) => {
        expect(decideAccess({ ...s.request, grantId: unknownId }, s.grants, policy, s.now)).toMatchObject({ allow: false });
        for (const g of s.grants) {
          const d = decideAccess({ ...s.request, grantId: g.id }, s.grants, policy, s.now);
          if (d.allow) expect(d.grantId).toBe(g.id);
        }
      }),
    );
  });

  it('allows a well-formed grant and says why each broken one is refused', () => {
    const now = new Date(t0 + 60 * MIN);
    const base: GrantFacts = {
      id: 'g1',
      staffId: 's1',
      purpose: 'policy_violation',
      caseRef: 'CASE-9',
      subject: { accountId: 'a1', conversationId: null },
      createdAt: new Date(t0),
      expiresAt: new Date(t0 + 120 * MIN),
      revokedAt: null,
      supportRequest: null,
      approvedAt: null,
      deniedAt: null,
    };
    const request: AccessRequest = {
      staff: { id: 's1', role: 'trust_safety' },
      action: 'read_conversation',
      target: { accountId: 'a1', conversationId: 'c1' },
      org: null,
    };
    const reason = (g: Partial<GrantFacts>, r: Partial<AccessRequest> = {}) => {
      const d = decideAccess({ ...request, ...r }, [{ ...base, ...g }], policy, now);
      return d.allow ? 'allow' : d.reason;
    };
    expect(decideAccess(request, [base], policy, now)).toEqual({
      allow: true,
      grantId: 'g1',
      obligations: { auditBeforeRead: true, grantId: 'g1', purpose: 'policy_violation', caseRef: 'CASE-9', expiresAt: base.expiresAt },
    });
    expect(reason({}, { staff: { id: 's1', role: 'admin' } })).toBe('role_has_no_purpose');
    expect(decideAccess(request, [], policy, now)).toEqual({ allow: false, reason: 'no_grant' });
    expect(reason({ staffId: 's2' })).toBe('no_grant');
    expect(reason({ subject: { accountId: 'a2', conversationId: null } })).toBe('subject_not_covered');
    expect(reason({ subject: { accountId: 'a1', conversationId: 'c2' } })).toBe('subject_not_covered');
    expect(reason({ subject: { accountId: 'a1', conversationId: 'c1' } }, { action: 'list_conversations', target: { accountId: 'a1', conversationId: null } })).toBe('subject_not_covered');
    expect(reason({ expiresAt: now })).toBe('grant_expired');
    expect(reason({ revokedAt: now })).toBe('grant_revoked');
    expect(reason({ createdAt: new Date(now.getTime() + 1) })).toBe('grant_not_yet_valid');
    expect(reason({ purpose: 'support' })).toBe('purpose_not_allowed_for_role');
    expect(reason({ purpose: 'legal_obligation' }, { staff: { id: 's1', role: 'privacy_officer' }, action: 'unmask_review' })).toBe('purpose_not_allowed_for_action');
    expect(reason({ purpose: 'support' }, { staff: { id: 's1', role: 'support' } })).toBe('support_request_required');
    expect(reason({ purpose: 'support', supportRequest: { accountId: 'a2', conversationId: null } }, { staff: { id: 's1', role: 'support' } })).toBe('support_request_required');
    expect(reason({ purpose: 'support', supportRequest: { accountId: 'a1', conversationId: null } }, { staff: { id: 's1', role: 'support' } })).toBe('allow');
    expect(reason({ expiresAt: new Date(t0 + 481 * MIN) })).toBe('ttl_exceeds_policy');
    expect(reason({}, { org: { accessApprovalRequired: true } })).toBe('approval_required');
    expect(reason({ approvedAt: now }, { org: { accessApprovalRequired: true } })).toBe('allow');
    expect(reason({ approvedAt: now, deniedAt: now }, { org: { accessApprovalRequired: true } })).toBe('approval_denied');
    expect(reason({}, { org: { accessApprovalRequired: false } })).toBe('allow');
  });

  it('an account grant covers its conversations, a conversation grant only itself', () => {
    expect(covers({ accountId: 'a', conversationId: null }, { accountId: 'a', conversationId: 'c' }, 'read_conversation')).toBe(true);
    expect(covers({ accountId: 'a', conversationId: null }, { accountId: 'a', conversationId: null }, 'list_conversations')).toBe(true);
    expect(covers({ accountId: 'a', conversationId: 'c' }, { accountId: 'a', conversationId: 'd' }, 'read_conversation')).toBe(false);
    expect(covers({ accountId: 'a', conversationId: null }, { accountId: 'b', conversationId: 'c' }, 'read_conversation')).toBe(false);
  });
});

describe('decideGrantRequest', () => {
  const request = {
    staff: { id: 's1', role: 'support' as const },
    purpose: 'support' as const,
    caseRef: 'TICKET-42',
    subject: { accountId: 'a1', conversationId: null },
    ttlMinutes: 60,
    supportRequest: { accountId: 'a1', conversationId: null },
    org: null,
  };
  const now = new Date(t0);

  it('issues a grant within the policy and dates its expiry from now', () => {
    expect(decideGrantRequest(request, policy, now)).toEqual({ allow: true, expiresAt: new Date(t0 + 60 * MIN), approvalRequired: false });
    expect(decideGrantRequest({ ...request, org: { accessApprovalRequired: true } }, policy, now)).toMatchObject({ allow: true, approvalRequired: true });
  });

  it('refuses what the policy does not allow', () => {
    const reason = (r: Partial<typeof request> | Record<string, unknown>) => {
      const d = decideGrantRequest({ ...request, ...r } as typeof request, policy, now);
      return d.allow ? 'allow' : d.reason;
    };
    expect(reason({ staff: { id: 's1', role: 'admin' } })).toBe('role_has_no_purpose');
    expect(reason({ purpose: 'legal_obligation' })).toBe('purpose_not_allowed_for_role');
    expect(reason({ caseRef: 'jane@example.com' })).toBe('invalid_case_ref');
    expect(reason({ caseRef: 'two words' })).toBe('invalid_case_ref');
    expect(reason({ ttlMinutes: 0 })).toBe('invalid_ttl');
    expect(reason({ ttlMinutes: policy.staffAccess.purposes.support.maxTtlMinutes + 1 })).toBe('ttl_exceeds_policy');
    expect(reason({ supportRequest: null })).toBe('support_request_required');
    expect(reason({ supportRequest: { accountId: 'a2', conversationId: null } })).toBe('support_request_required');
  });

  it('never issues a purpose outside the role, or a TTL beyond the purpose maximum', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...staffRoles),
        fc.constantFrom(...accessPurposes),
        fc.integer({ min: -5, max: 3000 }),
        fc.option(subject, { nil: null }),
        subject,
        (role, purpose, ttlMinutes, supportRequest, s) => {
          const d = decideGrantRequest({ ...request, staff: { id: 's1', role }, purpose, ttlMinutes, supportRequest, subject: s }, policy, now);
          if (!d.allow) return;
          expect(policy.staffAccess.roles[role]).toContain(purpose);
          expect(ttlMinutes).toBeLessThanOrEqual(policy.staffAccess.purposes[purpose].maxTtlMinutes);
          expect(ttlMinutes).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe('role capabilities come from the policy', () => {
  it('legal-obligation roles manage holds; policy-violation roles review', () => {
    expect(staffRoles.filter((r) => mayManageHolds(r, policy))).toEqual(['legal', 'privacy_officer']);
    expect(staffRoles.filter((r) => mayReview(r, policy))).toEqual(['trust_safety', 'privacy_officer']);
  });
});
