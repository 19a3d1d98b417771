import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { nonEssentialAllowed } from '../../src/http/consent.js';

/** P25 Non-essential cookies only with consent; a browser's Global Privacy Control signal is honoured. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

type Category = { name: string; essential: boolean; chosen: boolean | null; allowed: boolean };
const category = (body: { categories: Category[] }, name: string) => body.categories.find((c) => c.name === name)!;
const nonEssential = () => Object.entries(h.policy.cookies.categories).filter(([, c]) => !c.essential).map(([name]) => name);

describe('P25 cookies', () => {
  it('P25: every cookie the server sets is strictly necessary: the session cookie is HttpOnly and SameSite=Lax, nothing else is set without a choice', async () => {
    const user = await h.newUser();
    const login = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } });
    const names = ([] as string[]).concat(login.headers['set-cookie'] ?? []).map((c) => c.split('=')[0]);
    expect(names.sort()).toEqual(['custos_csrf', 'custos_session']);
    const session = ([] as string[]).concat(login.headers['set-cookie'] ?? []).find((c) => c.startsWith('custos_session='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth }),
      await h.app.inject({ method: 'GET', url: '/v1/terms' }),
      await h.app.inject({ method: 'GET', url: '/v1/cookie-consent' }),
      await h.app.inject({ method: 'GET', url: '/healthz' }),
    ]) {
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('P25: non-essential categories start off and turn on only by a recorded choice', async () => {
    const user = await h.newUser();
    const initial = (await h.app.inject({ method: 'GET', url: '/v1/me/cookie-consent', headers: user.auth })).json();
    for (const name of nonEssential()) expect(category(initial, name)).toMatchObject({ chosen: null, allowed: false });
    for (const [name, c] of Object.entries(h.policy.cookies.categories)) if (c.essential) expect(category(initial, name).allowed).toBe(true);
    expect(await h.container.cookies.allows({ accountId: user.id }, 'analytics', false)).toBe(false);

    const chosen = await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: user.auth, payload: { categories: { analytics: true, preferences: false } } });
    expect(chosen.statusCode).toBe(200);
    expect(category(chosen.json(), 'analytics')).toMatchObject({ chosen: true, allowed: true });
    expect(category(chosen.json(), 'preferences')).toMatchObject({ chosen: false, allowed: false });
    expect(await h.container.cookies.allows({ accountId: user.id }, 'analytics', false)).toBe(true);
    const rows = await h.database.db.selectFrom('cookie_consents').selectAll().where('account_id', '=', user.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ granted: ['analytics'], gpc: false, policy_version: h.policy.version });

    const refused = await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: user.auth, payload: { categories: { tracking: true } } });
    expect(refused.statusCode).toBe(400);
  });

  it('P25: a request with Sec-GPC: 1 is an opt-out of every non-essential category and overrides a stored opt-in', async () => {
    const user = await h.newUser();
    await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: user.auth, payload: { categories: Object.fromEntries(nonEssential().map((n) => [n, true])) } });
    const withGpc = (await h.app.inject({ method: 'GET', url: '/v1/me/cookie-consent', headers: { ...user.auth, 'sec-gpc': '1' } })).json();
    expect(withGpc.gpc).toBe(true);
    for (const name of nonEssential()) expect(category(withGpc, name)).toMatchObject({ chosen: true, allowed: false });
    expect(await h.container.cookies.allows({ accountId: user.id }, 'analytics', true)).toBe(false);
    // A choice made while sending GPC is recorded, and still off while GPC is sent.
    const put = await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: { ...user.auth, 'sec-gpc': '1' }, payload: { categories: { analytics: true } } });
    expect(category(put.json(), 'analytics')).toMatchObject({ chosen: true, allowed: false });
    const latest = await h.database.db.selectFrom('cookie_consents').selectAll().where('account_id', '=', user.id).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(latest.gpc).toBe(true);
    // Without the signal, the stored choice applies again.
    const withoutGpc = (await h.app.inject({ method: 'GET', url: '/v1/me/cookie-consent', headers: user.auth })).json();
    expect(category(withoutGpc, 'analytics').allowed).toBe(true);
  });

  it('P25: anything non-essential asks first, for accounts and for anonymous visitors alike', async () => {
    const visitorChoice = await h.app.inject({ method: 'PUT', url: '/v1/cookie-consent', payload: { categories: { preferences: true } } });
    const visitor = /custos_consent=([^;]+)/.exec(String(visitorChoice.headers['set-cookie']))![1]!;
    const request = (headers: Record<string, string>, auth: FastifyRequest['auth'] = null) => ({ headers, auth }) as unknown as FastifyRequest;
    const cookies = h.container.cookies;
    expect(await nonEssentialAllowed(cookies, request({ cookie: `custos_consent=${visitor}` }), 'preferences')).toBe(true);
    expect(await nonEssentialAllowed(cookies, request({ cookie: `custos_consent=${visitor}` }), 'analytics')).toBe(false);
    expect(await nonEssentialAllowed(cookies, request({ cookie: `custos_consent=${visitor}`, 'sec-gpc': '1' }), 'preferences')).toBe(false);
    expect(await nonEssentialAllowed(cookies, request({}), 'preferences')).toBe(false);
    expect(await nonEssentialAllowed(cookies, request({}), 'necessary')).toBe(true);
    expect(await nonEssentialAllowed(cookies, request({ cookie: 'custos_consent=ccid_forged' }), 'preferences')).toBe(false);
  });
});
