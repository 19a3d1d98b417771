import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { auditRows, conversationWith, newStaff, pseudonymOf, type TestStaff } from '../support/staff.js';

/**
 * P19: enterprise organisations get stricter review controls: staff access to their members'
 * data works only after an administrator of the organisation approves it.
 */
const CANARY = 'P19 enterprise secret Vb3';

let h: Harness;
let orgId: string;
let member: TestUser;
let admin: TestUser;
let conv: string;
let ts: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  const org = await h.container.organisations.create({ name: 'Acme', kind: 'enterprise', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
  orgId = org.id;
  member = await h.newUser({ inviteToken: org.inviteToken });
  admin = await h.newUser({ inviteToken: org.inviteToken });
  await h.container.grants.setOrgAdmin(orgId, admin.id, true);
  conv = await conversationWith(h, member, CANARY);
  ts = await newStaff(h, 'trust_safety');
});
afterAll(async () => h.close());

const requestGrant = () =>
  h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: ts.auth, payload: { subject: { conversationId: conv }, purpose: 'policy_violation', caseRef: 'ENT-1', ttlMinutes: 60 } });
const read = () => h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}`, headers: ts.auth });
const answer = (who: TestUser, grantId: string, verb: 'approve' | 'deny', org = orgId) =>
  h.app.inject({ method: 'POST', url: `/v1/orgs/${org}/access-requests/${grantId}/${verb}`, headers: who.auth });

describe('P19 enterprise approval of staff access', () => {
  it('P19 enterprise organisations require approval by default; a grant opens nothing until an org admin approves it', async () => {
    const settings = await h.container.db.selectFrom('organisations').select('access_approval_required').where('id', '=', orgId).executeTakeFirstOrThrow();
    expect(settings.access_approval_required).toBe(true);
    const g = await requestGrant();
    expect(g.json()).toMatchObject({ approvalRequired: true, approvedAt: null });
    const pending = await read();
    expect(pending.json().code).toBe('approval_required');
    expect(pending.body).not.toContain(CANARY);

    // The admin sees the request: who (by role), why, which case, whose data (by pseudonym).
    const list = await h.app.inject({ method: 'GET', url: `/v1/orgs/${orgId}/access-requests`, headers: admin.auth });
    expect(list.json().requests).toEqual([
      expect.objectContaining({ grantId: g.json().id, staffRole: 'trust_safety', purpose: 'policy_violation', caseRef: 'ENT-1', subject: await pseudonymOf(h, member.id), status: 'pending' }),
    ]);
    // A member who is not an admin cannot answer; nor can anyone from outside the organisation.
    expect((await answer(member, g.json().id, 'approve')).json().code).toBe('not_org_admin');
    const outsider = await h.newUser();
    expect((await answer(outsider, g.json().id, 'approve')).statusCode).toBe(404);

    const approved = await answer(admin, g.json().id, 'approve');
    expect(approved.statusCode).toBe(200);
    expect(approved.json().approvedAt).not.toBeNull();
    const ok = await read();
    expect(ok.statusCode).toBe(200);
    expect(ok.json().messages[0].content).toBe(CANARY);
    const entry = (await auditRows(h)).find((r) => r.action === 'grant.approve')!;
    expect(entry).toMatchObject({ actor_kind: 'user', actor_id: await pseudonymOf(h, admin.id), subject_pseudonym: await pseudonymOf(h, member.id) });
    expect(entry.details).toMatchObject({ grant: g.json().id, org: orgId, actorRole: 'org_admin' });
    expect((await answer(admin, g.json().id, 'deny')).json().code).toBe('already_answered');
  });

  it('P19 a denied request never opens anything', async () => {
    const g = await requestGrant();
    expect((await answer(admin, g.json().id, 'deny')).statusCode).toBe(200);
    // The earlier approved grant of the same staff member still serves; naming this one shows the refusal.
    const res = await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}?grantId=${g.json().id}`, headers: ts.auth });
    expect(res.json().code).toBe('approval_denied');
    expect(res.body).not.toContain(CANARY);
  });

  it('P19 a consumer account needs no approval, and an organisation may be set to require none', async () => {
    const consumer = await h.newUser();
    const c = await conversationWith(h, consumer, 'consumer text');
    await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: ts.auth, payload: { subject: { conversationId: c }, purpose: 'policy_violation', caseRef: 'C-1', ttlMinutes: 60 } });
    expect((await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${c}`, headers: ts.auth })).statusCode).toBe(200);
    const team = await h.container.organisations.create({ name: 'Small team', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
    const teammate = await h.newUser({ inviteToken: team.inviteToken });
    const tc = await conversationWith(h, teammate, 'team text');
    const g = await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: ts.auth, payload: { subject: { conversationId: tc }, purpose: 'policy_violation', caseRef: 'T-1', ttlMinutes: 60 } });
    expect(g.json().approvalRequired).toBe(false);
    expect((await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${tc}`, headers: ts.auth })).statusCode).toBe(200);
  });

  it('P19 `org admin` makes only a member of that organisation an admin, and is audited', async () => {
    const outsider = await h.newUser();
    await expect(h.container.grants.setOrgAdmin(orgId, outsider.id, true)).rejects.toMatchObject({ status: 404 });
    const entry = (await auditRows(h)).find((r) => r.action === 'org.admin')!;
    expect(entry).toMatchObject({ subject_pseudonym: await pseudonymOf(h, admin.id) });
    expect(entry.details).toMatchObject({ org: orgId, admin: true });
  });
});
