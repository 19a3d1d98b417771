import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { auditRows, conversationWith, newStaff, pseudonymOf, type TestStaff } from '../../../test/support/staff.js';
import { totpCodeAt } from '../mfa/totp.js';

const CANARY = 'canary-staff-7Qx9 the secret plan';

let h: Harness;
let user: TestUser;
let conversationId: string;
let support: TestStaff;
let ts: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  conversationId = await conversationWith(h, user, CANARY);
  support = await newStaff(h, 'support');
  ts = await newStaff(h, 'trust_safety');
});
afterAll(async () => h.close());

const grant = (staff: TestStaff, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: staff.auth, payload });

describe('staff sign-in', () => {
  it('needs the password and a current TOTP code; a code is accepted once', async () => {
    const created = await h.container.staff.create({ email: 'login-test@operator.test', role: 'legal' });
    expect(created.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const code = totpCodeAt(created.totpSecret, h.clock.now());
    const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const attempt = (password: string, totp: string) => h.app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: 'login-test@operator.test', password, totp } });
    expect((await attempt(created.password, wrongCode)).json().code).toBe('invalid_credentials');
    expect((await attempt('not the password', code)).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/v1/staff/sessions', payload: { email: 'login-test@operator.test', password: created.password } })).statusCode).toBe(400);
    const ok = await attempt(created.password, code);
    expect(ok.statusCode).toBe(201);
    expect(ok.json().role).toBe('legal');
    expect((await attempt(created.password, code)).statusCode).toBe(401); // replay
    // The TOTP secret is stored sealed, never in clear.
    const row = await h.container.db.selectFrom('staff').select('totp_secret_sealed').where('email_normalized', '=', 'login-test@operator.test').executeTakeFirstOrThrow();
    expect(row.totp_secret_sealed.toString('utf8')).not.toContain(created.totpSecret);
  });

  it('staff and user tokens are separate: neither opens the other\'s routes', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/me', headers: user.auth })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/privacy', headers: support.auth })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/me', headers: support.auth })).json()).toMatchObject({ role: 'support' });
  });

  it('a disabled staff member is signed out at once', async () => {
    const legal = await newStaff(h, 'legal');
    await h.container.staff.disable(legal.email);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/me', headers: legal.auth })).statusCode).toBe(401);
  });
});

describe('grants', () => {
  it('support needs the user\'s own support request; the grant names purpose, case and expiry and is audited', async () => {
    const subject = { accountId: user.id };
    expect((await grant(support, { subject, purpose: 'support', caseRef: 'T-1', ttlMinutes: 30 })).json().code).toBe('support_request_required');
    const other = await h.newUser();
    const othersRequest = await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: other.auth, payload: {} });
    expect((await grant(support, { subject, purpose: 'support', caseRef: 'T-1', ttlMinutes: 30, supportRequestRef: othersRequest.json().reference })).json().code).toBe('support_request_required');
    const request = await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: user.auth, payload: { conversationId } });
    expect(request.statusCode).toBe(201);
    const ok = await grant(support, { subject: { conversationId }, purpose: 'support', caseRef: 'T-1', ttlMinutes: 30, supportRequestRef: request.json().reference });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ purpose: 'support', caseRef: 'T-1', subject: { accountId: user.id, conversationId }, approvalRequired: false });
    expect(Date.parse(ok.json().expiresAt) - h.clock.now().getTime()).toBe(30 * 60_000);
    const entry = (await auditRows(h)).filter((r) => r.action === 'grant.create').at(-1)!;
    expect(entry).toMatchObject({ actor_kind: 'staff', actor_id: support.id, subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(entry.details).toMatchObject({ grant: ok.json().id, purpose: 'support', caseRef: 'T-1', role: 'support' });
    // A request that names one conversation does not justify the whole account.
    expect((await grant(support, { subject, purpose: 'support', caseRef: 'T-1', ttlMinutes: 30, supportRequestRef: request.json().reference })).json().code).toBe('support_request_required');
  });

  it('the policy file decides which role may use which purpose, and the longest time', async () => {
    const subject = { accountId: user.id };
    expect((await grant(ts, { subject, purpose: 'legal_obligation', caseRef: 'L-1', ttlMinutes: 30 })).json().code).toBe('purpose_not_allowed_for_role');
    const max = h.policy.staffAccess.purposes.policy_violation.maxTtlMinutes;
    expect((await grant(ts, { subject, purpose: 'policy_violation', caseRef: 'V-1', ttlMinutes: max + 1 })).json().code).toBe('ttl_exceeds_policy');
    expect((await grant(ts, { subject, purpose: 'policy_violation', caseRef: 'jane@example.com', ttlMinutes: 30 })).json().code).toBe('invalid_case_ref');
    const admin = await newStaff(h, 'admin');
    expect((await grant(admin, { subject, purpose: 'support', caseRef: 'A-1', ttlMinutes: 30 })).json().code).toBe('role_has_no_purpose');
    expect((await grant(ts, { subject: { accountId: '0190a0b0-0000-7000-8000-00000000dead' }, purpose: 'policy_violation', caseRef: 'V-1', ttlMinutes: 30 })).statusCode).toBe(404);
  });
});

describe('reads under a grant', () => {
  it('the audit entry is written before the content is shown; without a grant nothing is shown', async () => {
    const read = () => h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conversationId}`, headers: ts.auth });
    const denied = await read();
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('no_grant');
    expect(denied.body).not.toContain(CANARY);
    const g = await grant(ts, { subject: { accountId: user.id }, purpose: 'policy_violation', caseRef: 'V-42', ttlMinutes: 60 });
    const before = (await auditRows(h)).length;
    const ok = await read();
    expect(ok.statusCode).toBe(200);
    expect(ok.json().messages.map((m: { content: string }) => m.content)).toEqual([CANARY, `reply to: ${CANARY}`]);
    expect(ok.json().access).toMatchObject({ grantId: g.json().id, purpose: 'policy_violation', caseRef: 'V-42' });
    const rows = await auditRows(h);
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)).toMatchObject({ action: 'staff.read', actor_id: ts.id, subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(rows.at(-1)!.details).toMatchObject({ grant: g.json().id, purpose: 'policy_violation', caseRef: 'V-42', opened: 'conversation', role: 'trust_safety' });
    expect(rows.at(-1)!.subject).toMatchObject({ conversationId });
    // The account list opens under the same account grant.
    const list = await h.app.inject({ method: 'GET', url: `/v1/staff/accounts/${user.id}/conversations`, headers: ts.auth });
    expect(list.statusCode).toBe(200);
    expect(list.json().conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    // After its expiry the grant opens nothing.
    h.clock.set(new Date(h.clock.now().getTime() + 61 * 60_000));
    const expired = await read();
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('grant_expired');
    expect(expired.body).not.toContain(CANARY);
  });

  it('fails closed: when the audit entry cannot be written, no content leaves', async () => {
    await grant(ts, { subject: { accountId: user.id }, purpose: 'policy_violation', caseRef: 'V-43', ttlMinutes: 60 });
    await sql`create function audit_refuse() returns trigger language plpgsql as $$ begin raise exception 'audit store unavailable'; end $$`.execute(h.container.db);
    await sql`create trigger audit_refuse before insert on audit_entries for each row execute function audit_refuse()`.execute(h.container.db);
    try {
      const res = await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conversationId}`, headers: ts.auth });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain(CANARY);
      expect(res.body).not.toContain('reply to');
    } finally {
      await sql`drop trigger audit_refuse on audit_entries`.execute(h.container.db);
      await sql`drop function audit_refuse`.execute(h.container.db);
    }
    expect((await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conversationId}`, headers: ts.auth })).statusCode).toBe(200);
  });

  it('a revoked grant opens nothing', async () => {
    const other = await h.newUser();
    const conv = await conversationWith(h, other, 'another secret');
    const g = await grant(ts, { subject: { conversationId: conv }, purpose: 'policy_violation', caseRef: 'V-44', ttlMinutes: 60 });
    expect((await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}`, headers: ts.auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: `/v1/staff/grants/${g.json().id}/revoke`, headers: ts.auth })).statusCode).toBe(204);
    const res = await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}`, headers: ts.auth });
    expect(res.json().code).toBe('grant_revoked');
  });
});
