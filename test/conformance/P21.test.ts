import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { dumpDatabase } from '../support/dump.js';

/**
 * P21 Collected about an account: name, email, phone (optional), a pseudonymous identifier used
 * internally in place of the real identity, and payment details only as a payment processor's
 * token (never a full card number).
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('P21 account data', () => {
  it('P21: an account is name, email and an optional E.164 phone, and each has its own USER pseudonym', async () => {
    const users = await Promise.all([h.newUser(), h.newUser(), h.newUser()]);
    const profiles = await Promise.all(users.map(async (u) => (await h.app.inject({ method: 'GET', url: '/v1/me', headers: u.auth })).json()));
    for (const [i, p] of profiles.entries()) {
      expect(p).toMatchObject({ name: 'Test User', email: users[i]!.email, phone: null, emailVerified: false });
      expect(p.pseudonym).toMatch(/^USER\d{12}$/);
      expect(p.pseudonym).not.toContain(users[i]!.email);
    }
    expect(new Set(profiles.map((p) => p.pseudonym)).size).toBe(3);
    const phone = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: users[0]!.auth, payload: { phone: '+14155552671' } });
    expect(phone.json().phone).toBe('+14155552671');
    const notE164 = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: users[0]!.auth, payload: { phone: '(415) 555-2671' } });
    expect(notE164.statusCode).toBe(422);
    // Nothing else about the person is asked for: the profile has exactly these personal fields.
    expect(Object.keys(profiles[0]).sort()).toEqual(['createdAt', 'email', 'emailVerified', 'id', 'kind', 'name', 'orgId', 'pendingEmail', 'phone', 'pseudonym']);
  });

  it('P21: the email is confirmed by a link sent to it, and a changed email only after its own link', async () => {
    const user = await h.newUser();
    const token = (to: string) => decodeURIComponent(/token=([^\s]+)/.exec([...h.outbox.sent].reverse().find((m) => m.to === to)!.text)![1]!);
    expect((await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token: token(user.email) } })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json().emailVerified).toBe(true);
    const next = `new-${user.email}`;
    await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { email: next } });
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json()).toMatchObject({ email: user.email, emailVerified: true, pendingEmail: next });
    await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token: token(next) } });
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json()).toMatchObject({ email: next, emailVerified: true });
  });

  it('P21: the email stays in the account record; technical records, sessions and sign-in counters use ids, hashes and the pseudonym', async () => {
    const user = await h.newUser();
    await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: 'a wrong password' } });
    const c = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} });
    await h.app.inject({ method: 'GET', url: `/v1/conversations/${c.json().id}`, headers: user.auth });
    await h.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: user.auth });
    await h.container.technical.flush();
    const dump = await dumpDatabase(h.database.db);
    const tablesWithEmail = dump
      .split(/\n(?=-- )/)
      .filter((section) => section.toLowerCase().includes(user.email.toLowerCase()))
      .map((section) => section.split('\n')[0]);
    expect(tablesWithEmail).toEqual(['-- public.accounts', '-- public.email_verifications']);
    expect(h.logs.join('').toLowerCase()).not.toContain(user.email.toLowerCase());
  });

  it('P21: payment details are a processor token and display fields; a full card number in any field is refused and neither stored nor logged', async () => {
    const user = await h.newUser();
    const ok = await h.app.inject({
      method: 'PUT',
      url: '/v1/me/payment-method',
      headers: user.auth,
      payload: { processorToken: 'pm_1PzQ8rLkdIwHu7ix', brand: 'visa', last4: '1111', expMonth: 4, expYear: 2031 },
    });
    expect(ok.statusCode).toBe(200);
    // Luhn-valid test numbers no other test uses, so a hit anywhere can only come from here.
    const cards = ['4111 1111 1111 1111', '5555-5555-5555-4444', '378734493671000', '6011000990139424'];
    const fields = ['processorToken', 'brand', 'last4', 'comment'];
    for (const [i, card] of cards.entries()) {
      const payload = { processorToken: 'pm_1PzQ8rLkdIwHu7ix', brand: 'visa', last4: '1111', expMonth: 4, expYear: 2031, [fields[i]!]: card };
      const res = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload });
      expect(res.statusCode).toBe(422);
      expect(res.json().code).toBe('card_number_refused');
    }
    await h.container.technical.flush();
    const dump = await dumpDatabase(h.database.db);
    const logs = h.logs.join('\n');
    for (const card of cards) {
      const digits = card.replace(/\D/g, '');
      for (const form of [card, digits]) {
        expect(dump).not.toContain(form);
        expect(logs).not.toContain(form);
      }
      expect(dump).not.toContain(Buffer.from(digits).toString('hex'));
    }
    const stored = await h.database.db.selectFrom('payment_methods').selectAll().where('account_id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ processor_token: 'pm_1PzQ8rLkdIwHu7ix', last4: '1111' });
  });
});
