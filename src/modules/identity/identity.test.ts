import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { sha256 } from '../../lib/ids.js';
import { createFileMailer } from './nodemailer-mailers.js';
import { validE164 } from './phone.js';
import { EMAIL_TOKEN_TTL_MS } from './identity.service.js';
import { purgeSpentEmailVerifications } from './identity.repository.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const tokenIn = (text: string) => /token=([A-Za-z0-9_%-]+)/.exec(text)?.[1] ?? '';
const lastMailTo = (to: string) => [...h.outbox.sent].reverse().find((m) => m.to === to);

describe('phone numbers', () => {
  it('accepts valid E.164 numbers only, exactly as written', () => {
    expect(validE164('+14155552671')).toBe('+14155552671');
    expect(validE164('+447911123456')).toBe('+447911123456');
    for (const bad of ['4155552671', '+1 415 555 2671', '+1-415-555-2671', '+1415555267', '+0123456789', '+999123', '']) {
      expect(validE164(bad)).toBeNull();
    }
  });
});

describe('email verification', () => {
  it('sign-up sends a link; opening it confirms the address once; the token is stored only as a hash', async () => {
    const user = await h.newUser();
    const mail = lastMailTo(user.email);
    expect(mail?.subject).toMatch(/confirm/i);
    const token = decodeURIComponent(tokenIn(mail!.text));
    expect(token).toMatch(/^evt_/);
    const rows = await h.database.db.selectFrom('email_verifications').selectAll().where('account_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash.equals(sha256(token))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);

    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json().emailVerified).toBe(false);
    const ok = await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token } });
    expect(ok.statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json().emailVerified).toBe(true);
    const again = await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token } });
    expect(again.statusCode).toBe(400);
    expect(again.json().code).toBe('invalid_verification_token');
  });

  it('a link expires', async () => {
    const user = await h.newUser();
    const token = decodeURIComponent(tokenIn(lastMailTo(user.email)!.text));
    h.clock.set(new Date(h.clock.now().getTime() + EMAIL_TOKEN_TTL_MS));
    expect((await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token } })).statusCode).toBe(400);
    const resent = await h.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: user.auth });
    expect(resent.statusCode).toBe(202);
    const fresh = decodeURIComponent(tokenIn(lastMailTo(user.email)!.text));
    expect(fresh).not.toBe(token);
    expect((await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token: fresh } })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: user.auth })).statusCode).toBe(409);
  });

  it('spent and expired links are purged', async () => {
    const user = await h.newUser();
    await h.app.inject({ method: 'POST', url: '/v1/me/email-verification', headers: user.auth });
    h.clock.set(new Date(h.clock.now().getTime() + EMAIL_TOKEN_TTL_MS + 1));
    await purgeSpentEmailVerifications(h.database.db, h.clock.now(), 100);
    expect(await h.database.db.selectFrom('email_verifications').selectAll().where('account_id', '=', user.id).execute()).toEqual([]);
  });
});

describe('PATCH /v1/me', () => {
  it('corrects the name and the phone at once; a bad phone is refused', async () => {
    const user = await h.newUser();
    const res = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { name: 'Ada Lovelace', phone: '+447911123456' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: 'Ada Lovelace', phone: '+447911123456', pseudonym: expect.stringMatching(/^USER\d{12}$/) });
    const bad = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { phone: '07911 123456' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().code).toBe('invalid_phone');
    const cleared = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { phone: null } });
    expect(cleared.json().phone).toBeNull();
    expect((await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: {} })).statusCode).toBe(400);
  });

  it('a new email stays pending until the link sent to it is opened', async () => {
    const user = await h.newUser();
    const next = `moved-${user.email}`;
    const res = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { email: next } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ email: user.email, pendingEmail: next });
    const token = decodeURIComponent(tokenIn(lastMailTo(next)!.text));
    expect((await h.app.inject({ method: 'POST', url: '/v1/email-verifications', payload: { token } })).statusCode).toBe(200);
    const me = (await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).json();
    expect(me).toMatchObject({ email: next, emailVerified: true, pendingEmail: null });
    expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: next, password: user.password } })).statusCode).toBe(201);
  });

  it('an email another account uses is refused', async () => {
    const a = await h.newUser();
    const b = await h.newUser();
    const res = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: a.auth, payload: { email: b.email.toUpperCase() } });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('email_taken');
  });
});

describe('file mailer', () => {
  it('writes each message as an owner-only .eml file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-mail-'));
    try {
      const mailer = createFileMailer(join(dir, 'mail'), 'Custos <no-reply@localhost>');
      await mailer.send({ to: 'someone@example.test', subject: 'Confirm your email address', text: 'hello there' });
      const files = readdirSync(join(dir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.eml$/);
      const eml = readFileSync(join(dir, 'mail', files[0]!), 'utf8');
      expect(eml).toContain('To: someone@example.test');
      expect(eml).toContain('Subject: Confirm your email address');
      expect(eml).toContain('hello there');
      expect(statSync(join(dir, 'mail', files[0]!)).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
