import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { auditRows, conversationWith, newStaff, pseudonymOf, type TestStaff } from '../support/staff.js';
import { dumpDatabase } from '../support/dump.js';
import type { AccessPurpose, StaffRole } from '../../src/policy/index.js';

/**
 * P17: staff open a user's content only for support the user asked for, to investigate a policy
 * violation, or for a legal obligation; each access names its purpose and case, is limited in
 * time and scope, and is logged in the tamper-evident audit log.
 */
const CANARY = 'P17-canary Zq81 my private words';

let h: Harness;
let user: TestUser;
let conv: string;
let other: string;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  conv = await conversationWith(h, user, CANARY);
  other = await conversationWith(h, user, `${CANARY} (second)`);
});
afterAll(async () => h.close());

const grant = (staff: TestStaff, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: staff.auth, payload });
const read = (staff: TestStaff, id: string) => h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${id}`, headers: staff.auth });

describe('P17 purpose-bound staff access', () => {
  it('P17 each purpose the policy names opens content for the roles it names, and each read is logged with its purpose and case', async () => {
    const request = await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: user.auth, payload: {} });
    const cases: [StaffRole, AccessPurpose, Record<string, unknown>][] = [
      ['support', 'support', { supportRequestRef: request.json().reference }],
      ['trust_safety', 'policy_violation', {}],
      ['legal', 'legal_obligation', {}],
    ];
    for (const [role, purpose, extra] of cases) {
      expect(h.policy.staffAccess.roles[role]).toContain(purpose);
      const staff = await newStaff(h, role);
      const g = await grant(staff, { subject: { conversationId: conv }, purpose, caseRef: `CASE-${role}`, ttlMinutes: 15, ...extra });
      expect(g.statusCode).toBe(201);
      const res = await read(staff, conv);
      expect(res.statusCode).toBe(200);
      expect(res.json().messages[0].content).toBe(CANARY);
      const entry = (await auditRows(h)).at(-1)!;
      expect(entry).toMatchObject({ action: 'staff.read', actor_kind: 'staff', actor_id: staff.id, subject_pseudonym: await pseudonymOf(h, user.id) });
      expect(entry.details).toMatchObject({ purpose, caseRef: `CASE-${role}`, role, grant: g.json().id });
    }
  });

  it('P17 access is limited in scope: a grant on one conversation opens neither another nor the account\'s list', async () => {
    const staff = await newStaff(h, 'trust_safety');
    await grant(staff, { subject: { conversationId: conv }, purpose: 'policy_violation', caseRef: 'V-9', ttlMinutes: 15 });
    expect((await read(staff, conv)).statusCode).toBe(200);
    const denied = await read(staff, other);
    expect(denied.json().code).toBe('subject_not_covered');
    expect(denied.body).not.toContain(CANARY);
    const list = await h.app.inject({ method: 'GET', url: `/v1/staff/accounts/${user.id}/conversations`, headers: staff.auth });
    expect(list.json().code).toBe('subject_not_covered');
  });

  it('P17 access is limited in time: the grant ends at its TTL, at most the policy\'s maximum for the purpose', async () => {
    const staff = await newStaff(h, 'trust_safety');
    const max = h.policy.staffAccess.purposes.policy_violation.maxTtlMinutes;
    expect((await grant(staff, { subject: { accountId: user.id }, purpose: 'policy_violation', caseRef: 'V-10', ttlMinutes: max + 1 })).statusCode).toBe(403);
    await grant(staff, { subject: { accountId: user.id }, purpose: 'policy_violation', caseRef: 'V-10', ttlMinutes: 5 });
    expect((await read(staff, conv)).statusCode).toBe(200);
    h.clock.set(new Date(h.clock.now().getTime() + 5 * 60_000));
    expect((await read(staff, conv)).json().code).toBe('grant_expired');
  });

  it('P17 the log is tamper-evident: it verifies, and the reads are in it, never the content', async () => {
    await h.container.audit.sequence();
    const report = await h.container.audit.verify();
    expect(report).toMatchObject({ ok: true, pending: 0 });
    expect(report.size).toBeGreaterThan(5);
    const audit = [
      ...(await sql<{ r: string }>`select row_to_json(a)::text as r from audit_entries a`.execute(h.container.db)).rows.map((r) => r.r),
      ...(await sql<{ r: string }>`select row_to_json(c)::text as r from audit_checkpoints c`.execute(h.container.db)).rows.map((r) => r.r),
    ].join('\n');
    expect(audit).toContain('staff.read');
    expect(audit).not.toContain('P17-canary');
    expect(audit).not.toContain('private words');
    expect(audit).not.toContain(user.email);
    expect(audit).not.toMatch(/@operator\.test/);
    // Nor anywhere else in the clear: content is stored encrypted (P02).
    expect(await dumpDatabase(h.container.db)).not.toContain('P17-canary');
  });
});
