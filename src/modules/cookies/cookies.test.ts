import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPolicy } from '../../policy/index.js';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { allowsCategory, effectiveConsent, grantedFromChoice } from './cookie-consent.js';
import { purgeExpiredVisitorConsents } from './cookies.repository.js';
import { parseCookies, serializeCookie } from '../../http/cookies.js';

const policy = loadPolicy();
const categories = Object.keys(policy.cookies.categories);
const nonEssential = categories.filter((c) => !policy.cookies.categories[c]!.essential);
const DAY = 86_400_000;

describe('cookie consent decisions', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const stored = fc.record({
    granted: fc.subarray(nonEssential),
    recordedAt: fc.integer({ min: -800, max: 0 }).map((d) => new Date(now.getTime() + d * DAY)),
  });

  it('essential categories are always allowed; with GPC no non-essential one ever is', () => {
    fc.assert(
      fc.property(fc.option(stored, { nil: null }), fc.boolean(), (s, gpc) => {
        const effective = effectiveConsent(policy, s, gpc, now);
        for (const c of categories) {
          if (policy.cookies.categories[c]!.essential) expect(effective[c]).toBe(true);
          else if (gpc || !s) expect(effective[c]).toBe(false);
        }
      }),
    );
  });

  it('a non-essential category needs an opt-in that still stands', () => {
    fc.assert(
      fc.property(stored, fc.constantFrom(...nonEssential), (s, c) => {
        const standing = now.getTime() - s.recordedAt.getTime() < policy.cookies.consentDays * DAY;
        expect(allowsCategory(policy, c, s, false, now)).toBe(standing && s.granted.includes(c));
      }),
    );
    expect(allowsCategory(policy, 'no_such_category', { granted: ['no_such_category'], recordedAt: now }, false, now)).toBe(false);
  });

  it('a choice may not name unknown categories or turn an essential one off', () => {
    expect(grantedFromChoice(policy, { analytics: true, preferences: false, necessary: true })).toEqual(['analytics']);
    expect(() => grantedFromChoice(policy, { tracking: true })).toThrow(expect.objectContaining({ code: 'unknown_cookie_category' }));
    expect(() => grantedFromChoice(policy, { necessary: false })).toThrow(expect.objectContaining({ code: 'essential_cookie_category' }));
  });
});

describe('cookie headers', () => {
  it('parses and writes cookies', () => {
    expect(parseCookies('a=1; b="two"; bad; =x; a=3')).toEqual(new Map([['a', '1'], ['b', 'two']]));
    expect(serializeCookie('s', 'v', { maxAgeSeconds: 60, httpOnly: true, secure: true, sameSite: 'Lax' })).toBe('s=v; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure');
    expect(() => serializeCookie('s', 'v;x', { maxAgeSeconds: 1, httpOnly: true, secure: false, sameSite: 'Lax' })).toThrow();
  });
});

describe('visitor consent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('remembers an anonymous choice under a consent-id cookie stored only as a hash, and forgets it after consentDays', async () => {
    const fresh = await h.app.inject({ method: 'GET', url: '/v1/cookie-consent' });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers['set-cookie']).toBeUndefined();
    expect(fresh.json().categories.find((c: { name: string }) => c.name === 'analytics')).toMatchObject({ chosen: null, allowed: false });

    const put = await h.app.inject({ method: 'PUT', url: '/v1/cookie-consent', payload: { categories: { analytics: true } } });
    expect(put.statusCode).toBe(200);
    const setCookie = String(put.headers['set-cookie']);
    expect(setCookie).toMatch(/^custos_consent=ccid_[A-Za-z0-9_-]+; Path=\/; Max-Age=\d+; SameSite=Lax; HttpOnly$/);
    expect(setCookie).toContain(`Max-Age=${h.policy.cookies.consentDays * 86_400}`);
    const id = /custos_consent=([^;]+)/.exec(setCookie)![1]!;
    const rows = await h.database.db.selectFrom('cookie_consents').selectAll().where('visitor_hash', 'is not', null).execute();
    expect(JSON.stringify(rows)).not.toContain(id);

    const back = await h.app.inject({ method: 'GET', url: '/v1/cookie-consent', headers: { cookie: `custos_consent=${id}` } });
    expect(back.json().categories.find((c: { name: string }) => c.name === 'analytics')).toMatchObject({ chosen: true, allowed: true });
    const gpc = await h.app.inject({ method: 'GET', url: '/v1/cookie-consent', headers: { cookie: `custos_consent=${id}`, 'sec-gpc': '1' } });
    expect(gpc.json()).toMatchObject({ gpc: true });
    expect(gpc.json().categories.find((c: { name: string }) => c.name === 'analytics')).toMatchObject({ chosen: true, allowed: false });

    h.clock.set(new Date(h.clock.now().getTime() + h.policy.cookies.consentDays * DAY));
    const expired = await h.app.inject({ method: 'GET', url: '/v1/cookie-consent', headers: { cookie: `custos_consent=${id}` } });
    expect(expired.json().categories.find((c: { name: string }) => c.name === 'analytics')).toMatchObject({ chosen: null, allowed: false });
    expect((await purgeExpiredVisitorConsents(h.database.db, new Date(h.clock.now().getTime() - 1), 100)).length).toBe(0);
    expect((await purgeExpiredVisitorConsents(h.database.db, h.clock.now(), 100)).length).toBeGreaterThan(0);
    expect(await h.database.db.selectFrom('cookie_consents').select('id').where('visitor_hash', 'is not', null).execute()).toEqual([]);
  });

  it('another site cannot record a choice for a visitor', async () => {
    const res = await h.app.inject({ method: 'PUT', url: '/v1/cookie-consent', headers: { origin: 'https://evil.example' }, payload: { categories: { analytics: true } } });
    expect(res.statusCode).toBe(403);
  });
});
