import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { conversationWith } from '../support/staff.js';

/**
 * P29 Data subject rights: a user can export all of their data in a machine-readable and a
 * human-readable form, correct their account data, and delete their account.
 */
let h: Harness;
let user: TestUser;
let other: TestUser;
const CANARY = 'P29-canary-7f3a <script>alert("x")</script> & more';
const INCOGNITO_CANARY = 'P29-incognito-canary-91bd';
const OTHER_CANARY = 'P29-someone-else-c0de';

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  other = await h.newUser();
  await conversationWith(h, user, CANARY, 'first chat');
  const incognito = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito: true } });
  await h.app.inject({ method: 'POST', url: `/v1/conversations/${incognito.json().id}/messages`, headers: user.auth, payload: { role: 'user', content: INCOGNITO_CANARY } });
  await conversationWith(h, other, OTHER_CANARY);
  for (const trainingOptIn of [true, false]) await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn } });
  await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload: { processorToken: 'pm_p29', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 } });
  await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: user.auth, payload: {} });
});
afterAll(async () => h.close());

const exportJson = async (u: TestUser) => h.app.inject({ method: 'GET', url: '/v1/me/export', headers: u.auth });

describe('P29 data subject rights', () => {
  it('P29 the machine-readable export holds every kind of data kept about the user, and nobody else\'s', async () => {
    const res = await exportJson(user);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="my-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(res.headers['cache-control']).toBe('no-store');
    const data = res.json();
    expect(data).toMatchObject({ format: 'custos.export/1', policyVersion: h.policy.version, account: { id: user.id, email: user.email, name: 'Test User' } });
    // Conversations with their decrypted messages, the incognito one too: it is data held about the user.
    expect(data.conversations).toHaveLength(2);
    type Exported = { incognito: boolean; title: string | null; messages: { role: string; content: string }[]; retention: { deleteAfter: string | null } };
    const ordinary = (data.conversations as Exported[]).find((c) => !c.incognito)!;
    const incognito = (data.conversations as Exported[]).find((c) => c.incognito)!;
    expect(ordinary.title).toBe('first chat');
    expect(ordinary.messages.map((m) => m.content)).toEqual([CANARY, `reply to: ${CANARY}`]);
    expect(incognito.messages).toMatchObject([{ role: 'user', content: INCOGNITO_CANARY }]);
    expect(incognito.retention.deleteAfter).not.toBeNull();
    // Settings, the consent ledger, sessions, technical data, cookies, payment token, support requests.
    expect(data.privacy).toMatchObject({ trainingOptIn: false });
    // The ledger from sign-up on: the opt-in, then the opt-out last.
    expect(data.consentHistory.length).toBeGreaterThanOrEqual(2);
    expect(data.consentHistory.at(-2)).toMatchObject({ trainingOptIn: true, source: 'settings' });
    expect(data.consentHistory.at(-1)).toMatchObject({ trainingOptIn: false, source: 'settings', policyVersion: h.policy.version });
    expect(data.sessions).toHaveLength(1);
    expect(data.technicalData.length).toBeGreaterThan(0);
    expect(data.technicalData.every((r: { route: string }) => !r.route.includes(user.id))).toBe(true);
    expect(data.cookieConsent.policyVersion).toBe(h.policy.version);
    expect(data.paymentMethod).toMatchObject({ brand: 'visa', last4: '4242' });
    expect(data.supportRequests).toHaveLength(1);
    expect(data.legalHoldNotices).toEqual([]);
    expect(data.staffAccessLog.entries).toEqual([]);
    expect(res.body).not.toContain(OTHER_CANARY);
    expect(res.body).not.toContain(other.email);
  });

  it('P29 the human-readable export is a page with the same content, escaped', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/me/export.html', headers: user.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/\.html"$/);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('P29-canary-7f3a &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(res.body).not.toContain('<script>');
    expect(res.body).toContain(INCOGNITO_CANARY);
    expect(res.body).toContain(user.email);
    for (const section of ['account', 'consent history', 'sessions', 'technical data', 'payment method', 'staff access log', 'conversations']) {
      expect(res.body).toContain(`<h2>${section}</h2>`);
    }
    expect(res.body).not.toContain(OTHER_CANARY);
  });

  it('P29 a correction of the account data shows in the next export', async () => {
    const patched = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { name: 'Corrected Name', phone: '+14155552671' } });
    expect(patched.statusCode).toBe(200);
    expect((await exportJson(user)).json().account).toMatchObject({ name: 'Corrected Name', phone: '+14155552671' });
  });

  it('P29 the export never writes conversation content to the logs', () => {
    const logs = h.logs.join('\n');
    expect(logs).not.toContain('P29-canary-7f3a');
    expect(logs).not.toContain(INCOGNITO_CANARY);
  });

  it('P29 a deleted account can no longer be exported or signed in to', async () => {
    const deleted = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } });
    expect(deleted.statusCode).toBe(204);
    expect((await exportJson(user)).statusCode).toBe(401);
    const login = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } });
    expect(login.statusCode).toBe(401);
    // The other user's export is untouched.
    expect((await exportJson(other)).json().conversations[0].messages[0].content).toBe(OTHER_CANARY);
  });
});
