import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { backoffMs, liveFailures, loginThrottleLimits, remainingBlockMs } from './login-throttle.js';
import { argon2Parameters } from './passwords.js';
import { eraseAccountSecurityData } from './security-data.repository.js';
import { totpCodeAt } from '../mfa/totp.js';
import { runLifecycleSweep } from '../../jobs/lifecycle-sweep.js';
import { EMAIL_TOKEN_TTL_MS } from '../identity/identity.service.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

let ipCounter = 0;
/** Each scenario signs in from its own address so the per-IP counter of one does not leak into another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

const login = (payload: Record<string, unknown>, ip: string) =>
  h.app.inject({ method: 'POST', url: '/v1/sessions', payload, remoteAddress: ip });

describe('login throttle decisions', () => {
  it('allows the free failures, then blocks for a delay that doubles up to the cap', () => {
    const limits = loginThrottleLimits.account;
    for (let n = 0; n <= limits.freeFailures; n++) expect(backoffMs(n, limits)).toBe(0);
    expect(backoffMs(limits.freeFailures + 1, limits)).toBe(limits.baseDelayMs);
    expect(backoffMs(limits.freeFailures + 2, limits)).toBe(limits.baseDelayMs * 2);
    expect(backoffMs(limits.freeFailures + 3, limits)).toBe(limits.baseDelayMs * 4);
    expect(backoffMs(10_000, limits)).toBe(limits.maxDelayMs);
  });

  it('never shrinks as failures grow, never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), (n) => {
        for (const limits of [loginThrottleLimits.account, loginThrottleLimits.ip]) {
          expect(backoffMs(n + 1, limits)).toBeGreaterThanOrEqual(backoffMs(n, limits));
          expect(backoffMs(n, limits)).toBeLessThanOrEqual(limits.maxDelayMs);
        }
      }),
    );
  });

  it('forgets failures after the quiet period and reports the time left of a block', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const state = { failures: 9, lastFailureAt: new Date(now.getTime() - loginThrottleLimits.forgetAfterMs), blockedUntil: new Date(now.getTime() + 5_000) };
    expect(liveFailures(state, now, loginThrottleLimits)).toBe(0);
    expect(liveFailures({ ...state, lastFailureAt: new Date(now.getTime() - 1) }, now, loginThrottleLimits)).toBe(9);
    expect(remainingBlockMs(state, now)).toBe(5_000);
    expect(remainingBlockMs(null, now)).toBe(0);
  });

  it('argon2id parameters are the documented ones', () => {
    expect(argon2Parameters).toEqual({ algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  });
});

describe('login throttle over HTTP', () => {
  it('blocks an account after its free failures with 429 and Retry-After, whatever the IP, and the right password waits too', async () => {
    const user = await h.newUser();
    const free = loginThrottleLimits.account.freeFailures;
    for (let i = 0; i <= free; i++) {
      const res = await login({ email: user.email, password: 'wrong password' }, freshIp());
      expect(res.statusCode).toBe(401);
    }
    const blocked = await login({ email: user.email, password: user.password }, freshIp());
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('too_many_attempts');
    expect(Number(blocked.headers['retry-after'])).toBe(loginThrottleLimits.account.baseDelayMs / 1000);
    // The block passes with time; the right password then succeeds and clears the counter.
    h.clock.set(new Date(h.clock.now().getTime() + loginThrottleLimits.account.baseDelayMs));
    expect((await login({ email: user.email, password: user.password }, freshIp())).statusCode).toBe(201);
    expect((await login({ email: user.email, password: 'wrong again' }, freshIp())).statusCode).toBe(401);
  });

  it('the back-off grows with each further failure', async () => {
    const user = await h.newUser();
    const limits = loginThrottleLimits.account;
    const delays: number[] = [];
    for (let i = 0; i < limits.freeFailures + 3; i++) {
      await login({ email: user.email, password: 'wrong password' }, freshIp());
      const probe = await login({ email: user.email, password: 'wrong password' }, freshIp());
      if (probe.statusCode === 429) {
        delays.push(Number(probe.headers['retry-after']));
        h.clock.set(new Date(h.clock.now().getTime() + Number(probe.headers['retry-after']) * 1000));
      }
    }
    expect(delays.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]!);
  });

  it('blocks an IP that guesses across many accounts, even for an account it knows the password of', async () => {
    const ip = freshIp();
    const user = await h.newUser();
    for (let i = 0; i <= loginThrottleLimits.ip.freeFailures; i++) {
      await login({ email: `nobody${i}-${ip}@example.test`, password: 'guess' }, ip);
    }
    const res = await login({ email: user.email, password: user.password }, ip);
    expect(res.statusCode).toBe(429);
    // Another address is not affected.
    expect((await login({ email: user.email, password: user.password }, freshIp())).statusCode).toBe(201);
  });

  it('unknown email and wrong password: same status, same body, same throttling, similar time', async () => {
    const users = [];
    for (let i = 0; i < 10; i++) users.push(await h.newUser());
    const samples = { wrong: [] as number[], unknown: [] as number[] };
    const bodies = new Set<string>();
    const time = async (payload: Record<string, unknown>) => {
      const started = process.hrtime.bigint();
      const res = await login(payload, freshIp());
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      expect(res.statusCode).toBe(401);
      bodies.add(res.body);
      return ms;
    };
    for (const [i, user] of users.entries()) {
      samples.wrong.push(await time({ email: user.email, password: `not it ${i}` }));
      samples.unknown.push(await time({ email: `absent-${i}@example.test`, password: `not it ${i}` }));
    }
    expect(bodies.size).toBe(1);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(samples.wrong) / median(samples.unknown);
    // Both paths verify an argon2id hash and count two throttle keys: the same work.
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
    // An unknown email is throttled exactly like a known one: the throttle reveals nothing either.
    const statuses: number[] = [];
    for (let i = 0; i <= loginThrottleLimits.account.freeFailures + 1; i++) {
      statuses.push((await login({ email: 'ghost@example.test', password: 'x' }, freshIp())).statusCode);
    }
    expect(statuses.at(-2)).toBe(401);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe('sessions', () => {
  it('lists the live sessions with the current one marked, and ends one of them', async () => {
    const user = await h.newUser();
    const second = (await login({ email: user.email, password: user.password }, freshIp())).json().token as string;
    const list = await h.app.inject({
      method: 'GET',
      url: '/v1/me/sessions',
      headers: { ...user.auth, 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15' },
    });
    expect(list.statusCode).toBe(200);
    const sessions = list.json().sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: user.auth })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${second}` } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: user.auth })).statusCode).toBe(404);
    // Another account's session is not found, not forbidden.
    const stranger = await h.newUser();
    const current = sessions.find((s) => s.current)!;
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${current.id}`, headers: stranger.auth })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).statusCode).toBe(200);
  });

  it('a password change ends every other session and keeps the current one', async () => {
    const user = await h.newUser();
    const others = await Promise.all([1, 2].map(async () => (await login({ email: user.email, password: user.password }, freshIp())).json().token as string));
    const wrong = await h.app.inject({ method: 'PUT', url: '/v1/me/password', headers: user.auth, payload: { currentPassword: 'nope', newPassword: 'a brand new password' } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('invalid_credentials');
    const res = await h.app.inject({ method: 'PUT', url: '/v1/me/password', headers: user.auth, payload: { currentPassword: user.password, newPassword: 'a brand new password' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().endedSessions).toBe(2);
    for (const token of others) expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth })).statusCode).toBe(200);
    expect((await login({ email: user.email, password: user.password }, freshIp())).statusCode).toBe(401);
    expect((await login({ email: user.email, password: 'a brand new password' }, freshIp())).statusCode).toBe(201);
  });
});

describe('erasure of sign-in and identity data', () => {
  it('removes MFA, email links, payment token, cookie choices and phone of an account, and nothing of another', async () => {
    const [gone, kept] = [await h.newUser(), await h.newUser()];
    for (const user of [gone, kept]) {
      const secret = (await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth })).json().secret as string;
      await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: user.auth, payload: { code: totpCodeAt(secret, h.clock.now()) } });
      await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: user.auth, payload: { processorToken: 'pm_erase', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 } });
      await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: user.auth, payload: { categories: { analytics: true } } });
      await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: { phone: '+14155552671' } });
    }
    await h.database.db.transaction().execute((trx) => eraseAccountSecurityData(trx, gone.id));
    const count = async (table: 'mfa_totp' | 'mfa_recovery_codes' | 'email_verifications' | 'payment_methods' | 'cookie_consents', id: string) =>
      (await h.database.db.selectFrom(table).select('account_id').where('account_id', '=', id).execute()).length;
    for (const table of ['mfa_totp', 'mfa_recovery_codes', 'email_verifications', 'payment_methods', 'cookie_consents'] as const) {
      expect(await count(table, gone.id)).toBe(0);
      expect(await count(table, kept.id)).toBeGreaterThan(0);
    }
    const phones = await h.database.db.selectFrom('accounts').select(['id', 'phone']).where('id', 'in', [gone.id, kept.id]).execute();
    expect(phones.find((p) => p.id === gone.id)!.phone).toBeNull();
    expect(phones.find((p) => p.id === kept.id)!.phone).toBe('+14155552671');
  });
});

describe('lifecycle of sign-in data', () => {
  it('the lifecycle sweep forgets stale throttle counters, spent email links and visitors\' lapsed cookie choices', async () => {
    await login({ email: 'forgotten@example.test', password: 'x' }, freshIp());
    await h.newUser();
    await h.app.inject({ method: 'PUT', url: '/v1/cookie-consent', payload: { categories: { analytics: true } } });
    const horizon = Math.max(loginThrottleLimits.forgetAfterMs, EMAIL_TOKEN_TTL_MS, h.policy.cookies.consentDays * 86_400_000);
    const receipt = await runLifecycleSweep(h.container, { now: new Date(h.clock.now().getTime() + horizon), batchSize: 100 });
    expect(receipt.counts.login_throttle_counters).toBeGreaterThan(0);
    expect(receipt.counts.email_verifications).toBeGreaterThan(0);
    expect(receipt.counts.visitor_cookie_consents).toBeGreaterThan(0);
    expect(await h.database.db.selectFrom('login_throttle').select('key').execute()).toEqual([]);
    expect(await h.database.db.selectFrom('cookie_consents').select('id').where('visitor_hash', 'is not', null).execute()).toEqual([]);
  });
});
