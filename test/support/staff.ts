import type { StaffRole } from '../../src/policy/index.js';
import { totpCodeAt } from '../../src/modules/mfa/totp.js';
import type { Harness, TestUser } from './harness.js';

export interface TestStaff {
  id: string;
  email: string;
  role: StaffRole;
  password: string;
  totpSecret: string;
  token: string;
  auth: { authorization: string };
}

let counter = 0;

/** A staff member created as the operator would (`custos staff create`), signed in with password and TOTP. */
export async function newStaff(h: Harness, role: StaffRole): Promise<TestStaff> {
  const email = `staff${++counter}-${Math.random().toString(36).slice(2, 8)}@operator.test`;
  const created = await h.container.staff.create({ email, role });
  const login = await h.app.inject({
    method: 'POST',
    url: '/v1/staff/sessions',
    payload: { email, password: created.password, totp: totpCodeAt(created.totpSecret, h.clock.now()) },
  });
  if (login.statusCode !== 201) throw new Error(`staff login failed: ${login.statusCode} ${login.body}`);
  const token = login.json().token as string;
  return { id: created.id, email, role, password: created.password, totpSecret: created.totpSecret, token, auth: { authorization: `Bearer ${token}` } };
}

/** A conversation of `user` holding `content` (one user message and one assistant reply). */
export async function conversationWith(h: Harness, user: TestUser, content: string, title = 'a chat'): Promise<string> {
  const created = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { title } });
  if (created.statusCode !== 201) throw new Error(`conversation creation failed: ${created.statusCode} ${created.body}`);
  const id = created.json().id as string;
  for (const [role, text] of [['user', content], ['assistant', `reply to: ${content}`]] as const) {
    const m = await h.app.inject({ method: 'POST', url: `/v1/conversations/${id}/messages`, headers: user.auth, payload: { role, content: text } });
    if (m.statusCode !== 201) throw new Error(`message failed: ${m.statusCode} ${m.body}`);
  }
  return id;
}

/** The pseudonym of an account, as audit entries name it. */
export async function pseudonymOf(h: Harness, accountId: string): Promise<string> {
  const row = await h.container.db.selectFrom('accounts').select('pseudonym').where('id', '=', accountId).executeTakeFirstOrThrow();
  return row.pseudonym;
}

/** Every audit entry as it is stored (pending or sequenced), oldest first. */
export async function auditRows(h: Harness) {
  const rows = await h.container.db.selectFrom('audit_entries').selectAll().orderBy('id').execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown>, subject: JSON.parse(r.subject) as Record<string, string> }));
}
