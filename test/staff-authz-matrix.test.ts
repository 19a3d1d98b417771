import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness, type TestUser } from './support/harness.js';
import { conversationWith, newStaff, type TestStaff } from './support/staff.js';
import { staffRoles, mayManageHolds, mayRecordDisclosures, mayReview, type AccessPurpose, type StaffRole } from '../src/policy/index.js';

/**
 * The authorization matrix (P17, P19): every staff route × every role × every grant situation
 * gives the expected answer, and no refusal carries any content. Grants are written straight into
 * the database so that each situation is exactly what it says, whatever the issuing rules allow.
 */
const CANARY = 'matrix-canary-K7pW';
const CONTENT = `${CANARY} reach me at bob.jones@example.net`;

const states = ['no_grant', 'valid', 'expired', 'wrong_purpose', 'other_subject', 'enterprise_unapproved'] as const;
type State = (typeof states)[number];

let h: Harness;
let consumer: TestUser;
let otherUser: TestUser;
let member: TestUser;
let conv: string;
let memberConv: string;
let convMessage: string;
let memberConvMessage: string;
let safetyCopy: string;
let item: string;
let memberItem: string;
let supportRequest: string;
let memberSupportRequest: string;

interface Cell {
  role: StaffRole;
  state: State;
  staff: TestStaff;
  grantId: string | null;
  holdId: string;
  /** A queue item of its own, for recording an outcome. */
  reviewItem: string;
}
const cells: Cell[] = [];

/** The purpose a role would rightly use on a route; for unmasking, policy violation when the role has it. */
function rightPurpose(role: StaffRole, route: 'unmask' | 'other'): AccessPurpose {
  const purposes = h.policy.staffAccess.roles[role];
  if (route === 'unmask' && purposes.includes('policy_violation')) return 'policy_violation';
  return purposes[0] ?? 'support';
}

/** A purpose outside the role's purposes. */
const wrongPurpose = (role: StaffRole): AccessPurpose => (['support', 'policy_violation', 'legal_obligation'] as const).find((p) => !h.policy.staffAccess.roles[role].includes(p))!;

async function insertGrant(staff: TestStaff, purpose: AccessPurpose, accountId: string, options: { expired?: boolean; approvalRequired?: boolean; supportRequestId?: string | null } = {}) {
  const now = h.clock.now().getTime();
  const id = randomUUID();
  await h.container.db
    .insertInto('staff_grants')
    .values({
      id,
      staff_id: staff.id,
      purpose,
      case_ref: 'MATRIX-1',
      account_id: accountId,
      conversation_id: null,
      support_request_id: options.supportRequestId ?? null,
      created_at: new Date(now - (options.expired ? 120 : 10) * 60_000),
      expires_at: new Date(now + (options.expired ? -60 : 60) * 60_000),
      approval_required: options.approvalRequired ?? false,
    })
    .execute();
  return id;
}

beforeAll(async () => {
  h = await createHarness();
  consumer = await h.newUser();
  otherUser = await h.newUser();
  const org = await h.container.organisations.create({ name: 'Matrix Corp', kind: 'enterprise', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
  member = await h.newUser({ inviteToken: org.inviteToken });
  conv = await conversationWith(h, consumer, CONTENT, `${CANARY} title`);
  memberConv = await conversationWith(h, member, CONTENT, `${CANARY} title`);
  const firstMessage = async (conversationId: string) =>
    (await h.container.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).orderBy('seq').executeTakeFirstOrThrow()).id;
  convMessage = await firstMessage(conv);
  memberConvMessage = await firstMessage(memberConv);
  safetyCopy = (await h.container.safety.flagByStaff({ messageId: convMessage, category: 'matrix' })).id;
  await conversationWith(h, otherUser, 'other content');
  supportRequest = (await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: consumer.auth, payload: {} })).json().id;
  memberSupportRequest = (await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: member.auth, payload: {} })).json().id;
  const otherSupportRequest = (await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: otherUser.auth, payload: {} })).json().id;
  const sample = (await h.container.review.sample({ rate: 1, seed: 'matrix', source: 'command' }))!;
  item = (await h.container.db.selectFrom('review_items').select('id').where('sample_id', '=', sample.sampleId).where('conversation_id', '=', conv).executeTakeFirstOrThrow()).id;
  // Enterprise conversations that need approval are never sampled; one is queued by hand to prove the view still refuses.
  memberItem = randomUUID();
  await h.container.db.insertInto('review_items').values({ id: memberItem, sample_id: sample.sampleId, account_id: member.id, conversation_id: memberConv, flagged: false, sampled_at: h.clock.now() }).execute();

  for (const role of staffRoles) {
    for (const state of states) {
      const staff = await newStaff(h, role);
      let grantId: string | null = null;
      const purpose = rightPurpose(role, 'unmask');
      const srFor = (p: AccessPurpose, sr: string) => (p === 'support' ? sr : null);
      switch (state) {
        case 'valid':
          grantId = await insertGrant(staff, purpose, consumer.id, { supportRequestId: srFor(purpose, supportRequest) });
          break;
        case 'expired':
          grantId = await insertGrant(staff, purpose, consumer.id, { expired: true, supportRequestId: srFor(purpose, supportRequest) });
          break;
        case 'wrong_purpose':
          grantId = await insertGrant(staff, wrongPurpose(role), consumer.id, { supportRequestId: srFor(wrongPurpose(role), supportRequest) });
          break;
        case 'other_subject':
          grantId = await insertGrant(staff, purpose, otherUser.id, { supportRequestId: srFor(purpose, otherSupportRequest) });
          break;
        case 'enterprise_unapproved':
          grantId = await insertGrant(staff, purpose, member.id, { approvalRequired: true, supportRequestId: srFor(purpose, memberSupportRequest) });
          break;
      }
      const hold = await h.container.holds.create({ kind: 'operator' }, { accountId: otherUser.id, basis: 'matrix hold' });
      const reviewItem = randomUUID();
      await h.container.db.insertInto('review_items').values({ id: reviewItem, sample_id: sample.sampleId, account_id: consumer.id, conversation_id: conv, flagged: false, sampled_at: h.clock.now() }).execute();
      cells.push({ role, state, staff, grantId, holdId: hold.id, reviewItem });
    }
  }
});
afterAll(async () => h.close());

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** As the OpenAPI document names it. */
  path: string;
  request(cell: Cell): { url: string; payload?: Record<string, unknown> };
  /** Whether this role in this situation must be let through. */
  allowed(cell: Cell): boolean;
  /** What an allowed answer must contain (so that the matrix is not vacuous). */
  shows?: string;
}

const subjectAccount = (cell: Cell) => (cell.state === 'enterprise_unapproved' ? member.id : consumer.id);
const subjectConversation = (cell: Cell) => (cell.state === 'enterprise_unapproved' ? memberConv : conv);
const subjectItem = (cell: Cell) => (cell.state === 'enterprise_unapproved' ? memberItem : item);
const hasPurposes = (role: StaffRole) => h.policy.staffAccess.roles[role].length > 0;
const grantOpens = (cell: Cell) => cell.state === 'valid' && hasPurposes(cell.role);

const routes: Route[] = [
  { method: 'GET', path: '/v1/staff/me', request: () => ({ url: '/v1/staff/me' }), allowed: () => true },
  { method: 'GET', path: '/v1/staff/grants', request: () => ({ url: '/v1/staff/grants' }), allowed: () => true },
  {
    method: 'GET',
    path: '/v1/staff/accounts/{id}/conversations',
    request: (c) => ({ url: `/v1/staff/accounts/${subjectAccount(c)}/conversations` }),
    allowed: grantOpens,
    shows: CANARY,
  },
  {
    method: 'GET',
    path: '/v1/staff/conversations/{id}',
    request: (c) => ({ url: `/v1/staff/conversations/${subjectConversation(c)}` }),
    allowed: grantOpens,
    shows: CANARY,
  },
  {
    method: 'POST',
    path: '/v1/staff/flags',
    request: (c) => ({ url: '/v1/staff/flags', payload: { messageId: c.state === 'enterprise_unapproved' ? memberConvMessage : convMessage, category: 'matrix' } }),
    // Flagging is investigating a message one may read: a grant that opens it, and a role that investigates.
    allowed: (c) => grantOpens(c) && mayReview(c.role, h.policy),
    // (before the grant-creating rows below, which would leave each staff member a grant)
  },
  { method: 'GET', path: '/v1/staff/review/items', request: () => ({ url: '/v1/staff/review/items' }), allowed: (c) => mayReview(c.role, h.policy) },
  {
    method: 'GET',
    path: '/v1/staff/review/items/{id}',
    request: (c) => ({ url: `/v1/staff/review/items/${subjectItem(c)}` }),
    allowed: (c) => mayReview(c.role, h.policy) && c.state !== 'enterprise_unapproved',
    shows: CANARY,
  },
  {
    method: 'POST',
    path: '/v1/staff/review/items/{id}/unmask',
    request: (c) => ({ url: `/v1/staff/review/items/${subjectItem(c)}/unmask`, payload: { fields: ['1.1'] } }),
    allowed: (c) => c.state === 'valid' && mayReview(c.role, h.policy) && rightPurpose(c.role, 'unmask') === 'policy_violation',
    shows: 'bob.jones@example.net',
  },
  {
    method: 'POST',
    path: '/v1/staff/review/items/{id}/complete',
    request: (c) => ({ url: `/v1/staff/review/items/${c.reviewItem}/complete`, payload: { outcome: 'no_action' } }),
    // Recording an outcome shows nothing: it is the reviewer's role that counts.
    allowed: (c) => mayReview(c.role, h.policy),
  },
  { method: 'GET', path: '/v1/staff/holds', request: () => ({ url: `/v1/staff/holds?accountId=${otherUser.id}` }), allowed: (c) => mayManageHolds(c.role, h.policy) },
  {
    method: 'POST',
    path: '/v1/staff/holds',
    request: (c) => ({ url: '/v1/staff/holds', payload: { accountId: subjectAccount(c), basis: 'matrix' } }),
    allowed: (c) => mayManageHolds(c.role, h.policy),
  },
  {
    method: 'POST',
    path: '/v1/staff/holds/{id}/release',
    request: (c) => ({ url: `/v1/staff/holds/${c.holdId}/release` }),
    allowed: (c) => mayManageHolds(c.role, h.policy),
  },
  {
    method: 'POST',
    path: '/v1/staff/disclosures',
    request: (c) => ({ url: '/v1/staff/disclosures', payload: { accountId: subjectAccount(c), recipientId: h.policy.recipients[0]!.id, purpose: 'matrix', scope: ['account'] } }),
    // Recording a disclosure shows no content: the role decides, not a grant.
    allowed: (c) => mayRecordDisclosures(c.role, h.policy),
  },
  // Aggregates name no one: every role, no grant.
  { method: 'GET', path: '/v1/staff/analytics/usage', request: () => ({ url: '/v1/staff/analytics/usage?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z' }), allowed: () => true },
  // These change grants, so they come after every route that reads under one.
  {
    method: 'POST',
    path: '/v1/staff/grants',
    request: (c) => {
      const purpose = c.state === 'wrong_purpose' ? wrongPurpose(c.role) : rightPurpose(c.role, 'other');
      const account = c.state === 'other_subject' ? otherUser.id : subjectAccount(c);
      return { url: '/v1/staff/grants', payload: { subject: { accountId: account }, purpose, caseRef: 'MATRIX-2', ttlMinutes: 10 } };
    },
    // Issuing follows the role's purposes; support grants here cite no support request, so they are refused.
    allowed: (c) => c.state !== 'wrong_purpose' && hasPurposes(c.role) && rightPurpose(c.role, 'other') !== 'support',
  },
  {
    method: 'POST',
    path: '/v1/staff/grants/{id}/revoke',
    request: (c) => ({ url: `/v1/staff/grants/${c.grantId ?? randomUUID()}/revoke` }),
    // Only one's own grant; with none, there is nothing to revoke.
    allowed: (c) => c.grantId !== null,
  },
  // Last: it ends the session the other rows use.
  {
    // Last of the content routes: an allowed re-identification leaves its investigator a grant.
    method: 'POST',
    path: '/v1/staff/safety-copies/{id}/reidentify',
    request: () => ({ url: `/v1/staff/safety-copies/${safetyCopy}/reidentify`, payload: { caseRef: 'REID-MATRIX', justification: 'matrix: enforcement check' } }),
    allowed: (c) => mayReview(c.role, h.policy),
  },
  { method: 'DELETE', path: '/v1/staff/sessions/current', request: () => ({ url: '/v1/staff/sessions/current' }), allowed: () => true },
];

describe('staff authorization matrix', () => {
  it('covers every staff route of the API', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const staffRoutes = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/v1/staff/'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((r) => r !== 'POST /v1/staff/sessions') // sign-in: no role yet
      .sort();
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual(staffRoutes);
  });

  it('every route × role × situation answers as expected, and no refusal carries content', async () => {
    const outcomes: string[] = [];
    const mismatches: string[] = [];
    for (const route of routes) {
      for (const cell of cells) {
        const { url, payload } = route.request(cell);
        const res = await h.app.inject({ method: route.method, url, headers: cell.staff.auth, ...(payload ? { payload } : {}) });
        const allowed = res.statusCode < 300;
        const expected = route.allowed(cell);
        outcomes.push(`${route.method} ${route.path} ${cell.role} ${cell.state} ${res.statusCode}`);
        if (allowed !== expected) mismatches.push(`${route.method} ${route.path} as ${cell.role} with ${cell.state}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (!allowed) {
          expect(res.body).not.toContain(CANARY);
          expect(res.body).not.toContain('bob.jones');
          expect([401, 403, 404, 409]).toContain(res.statusCode);
        } else if (route.shows) {
          expect(res.body).toContain(route.shows);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // 13 routes below the sign-in × 5 roles × 6 situations.
    expect(outcomes).toHaveLength(routes.length * staffRoles.length * states.length);
  });

  it('every denial of a content route names its reason', async () => {
    const fresh = await newStaff(h, 'trust_safety');
    const grantId = await insertGrant(fresh, 'policy_violation', member.id, { approvalRequired: true });
    const res = await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${memberConv}`, headers: fresh.auth });
    expect(res.json()).toMatchObject({ status: 403, code: 'approval_required' });
    expect(grantId).toBeTruthy();
  });
});
