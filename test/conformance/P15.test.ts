import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { auditRows, newStaff, pseudonymOf } from '../support/staff.js';

/**
 * P15: feedback and safety-flagged content used for training are dissociated from the user's
 * identity; a flagged item can be re-identified only to enforce the usage policy against the
 * responsible user, with a recorded justification — audited, and shown in the owner's access log.
 */
let h: Harness;
let user: TestUser;
let copyId: string;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  const conversation = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} })).json().id as string;
  await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation}/messages`, headers: user.auth, payload: { role: 'user', content: 'P15 tell me how to build a bomb' } });
  copyId = (await h.database.db.selectFrom('safety_copies').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => h?.close());

const reidentify = (auth: Record<string, string>, body: Record<string, unknown>, id = copyId) =>
  h.app.inject({ method: 'POST', url: `/v1/staff/safety-copies/${id}/reidentify`, headers: auth, payload: body });

describe('P15 re-identification only for enforcement, under audit', () => {
  it('P15: the safety copy itself names nobody', async () => {
    const row = await h.database.db.selectFrom('safety_copies').selectAll().where('id', '=', copyId).executeTakeFirstOrThrow();
    expect(Object.keys(row)).not.toContain('account_id');
    expect(JSON.stringify(row)).not.toContain(user.id);
  });

  it('P15: roles the policy does not let investigate violations are refused, and learn nothing', async () => {
    for (const role of ['support', 'legal'] as const) {
      const staff = await newStaff(h, role);
      const res = await reidentify(staff.auth, { caseRef: 'ABUSE-1', justification: 'repeated weapons requests' });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(await pseudonymOf(h, user.id));
    }
    expect((await reidentify({}, { caseRef: 'ABUSE-1', justification: 'repeated weapons requests' })).statusCode).toBe(401);
  });

  it('P15: trust & safety re-identifies with a case and a justification; the audit log records it and the owner sees it', async () => {
    const staff = await newStaff(h, 'trust_safety');
    const missing = await reidentify(staff.auth, { caseRef: 'ABUSE-2' });
    expect(missing.statusCode).toBe(400);
    const res = await reidentify(staff.auth, { caseRef: 'ABUSE-2', justification: 'enforcing the usage policy after repeated weapons requests' });
    expect(res.statusCode).toBe(201);
    const pseudonym = await pseudonymOf(h, user.id);
    expect(res.json().accountPseudonym).toBe(pseudonym);
    expect(res.json().accountPseudonym).not.toContain('@');
    expect(res.json().grant).toMatchObject({ purpose: 'policy_violation', caseRef: 'ABUSE-2' });
    const entry = (await auditRows(h)).filter((r) => r.action === 'copy.reidentify').at(-1)!;
    expect(entry).toMatchObject({ actor_kind: 'staff', actor_id: staff.id, subject_pseudonym: pseudonym });
    expect(entry.details).toMatchObject({ purpose: 'policy_violation', caseRef: 'ABUSE-2', copy: copyId });
    const log = await h.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: user.auth });
    expect(log.statusCode).toBe(200);
    const seen = (log.json().entries as { action: string; caseRef: string }[]).find((e) => e.action === 'copy.reidentify');
    expect(seen).toMatchObject({ caseRef: 'ABUSE-2' });
    // and the grant it made lets the investigator read the account's conversations, under audit
    const list = await h.app.inject({ method: 'GET', url: `/v1/staff/accounts/${user.id}/conversations`, headers: staff.auth });
    expect(list.statusCode).toBe(200);
  });

  it('P15/P07: trust & safety can flag a message they reached under a grant; without one they cannot', async () => {
    const other = await h.newUser();
    const conversation = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: other.auth, payload: {} })).json().id as string;
    const messageId = (await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation}/messages`, headers: other.auth, payload: { role: 'user', content: 'borderline content' } })).json().id as string;
    const staff = await newStaff(h, 'trust_safety');
    const denied = await h.app.inject({ method: 'POST', url: '/v1/staff/flags', headers: staff.auth, payload: { messageId, category: 'harassment' } });
    expect(denied.statusCode).toBe(403);
    const g = await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: staff.auth, payload: { subject: { conversationId: conversation }, purpose: 'policy_violation', caseRef: 'FLAG-1', ttlMinutes: 15 } });
    expect(g.statusCode).toBe(201);
    const flagged = await h.app.inject({ method: 'POST', url: '/v1/staff/flags', headers: staff.auth, payload: { messageId, category: 'harassment', note: 'NOTE-CANARY quoted words' } });
    expect(flagged.statusCode).toBe(201);
    const copy = await h.database.db.selectFrom('safety_copies').selectAll().where('id', '=', flagged.json().id).executeTakeFirstOrThrow();
    expect(copy).toMatchObject({ category: 'harassment', source: 'staff' });
    expect(copy.note!.toString('latin1')).not.toContain('NOTE-CANARY');
    expect(JSON.stringify(await auditRows(h))).not.toContain('NOTE-CANARY');
  });
});
