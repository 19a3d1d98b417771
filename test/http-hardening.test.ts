import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { SMALL_BODY_BYTES } from '../src/http/limits.js';
import { createHarness, type Harness, type TestUser } from './support/harness.js';

let h: Harness;
let user: TestUser;
beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
});
afterAll(async () => h?.close());

async function cookieLogin(u: TestUser) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: u.email, password: u.password } });
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const session = cookies.find((c) => c.startsWith('custos_session='))!;
  const csrf = cookies.find((c) => c.startsWith('custos_csrf='))!;
  return { session, csrf, csrfToken: res.json().csrfToken as string, cookie: `custos_session=${/custos_session=([^;]+)/.exec(session)![1]}` };
}

describe('security headers', () => {
  it('are on every response, errors included; no HSTS over plain HTTP; no caching of /v1', async () => {
    for (const res of [
      await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth }),
      await h.app.inject({ method: 'GET', url: '/v1/nothing-here' }),
      await h.app.inject({ method: 'GET', url: '/v1/me' }),
    ]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});

describe('session cookie and CSRF', () => {
  it('sign-in sets an HttpOnly, SameSite=Lax session cookie (not Secure over plain HTTP) and a readable CSRF cookie', async () => {
    const { session, csrf, csrfToken } = await cookieLogin(user);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toContain(`custos_csrf=${csrfToken}`);
  });

  it('the cookie authenticates reads; a change needs the CSRF token from the same origin', async () => {
    const { cookie, csrfToken } = await cookieLogin(user);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode).toBe(200);
    const change = { method: 'PATCH' as const, url: '/v1/me', payload: { name: 'Changed By Cookie' } };
    const none = await h.app.inject({ ...change, headers: { cookie } });
    expect(none.statusCode).toBe(403);
    expect(none.json().code).toBe('csrf_failed');
    const wrong = await h.app.inject({ ...change, headers: { cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect(wrong.statusCode).toBe(403);
    const crossSite = await h.app.inject({ ...change, headers: { cookie, 'x-csrf-token': csrfToken, origin: 'https://evil.example' } });
    expect(crossSite.statusCode).toBe(403);
    const ok = await h.app.inject({ ...change, headers: { cookie, 'x-csrf-token': csrfToken, origin: 'http://localhost:80' } });
    expect(ok.statusCode).toBe(200);
    // Another session's token does not fit this session.
    const other = await cookieLogin(user);
    expect((await h.app.inject({ ...change, headers: { cookie, 'x-csrf-token': other.csrfToken } })).statusCode).toBe(403);
    // A bearer token is never sent by a browser on its own: no CSRF token needed.
    expect((await h.app.inject({ ...change, headers: user.auth })).statusCode).toBe(200);
  });

  it('signing out the current cookie session clears the cookies', async () => {
    const { cookie, csrfToken } = await cookieLogin(user);
    const sessions = (await h.app.inject({ method: 'GET', url: '/v1/me/sessions', headers: { cookie } })).json().sessions as { id: string; current: boolean }[];
    const current = sessions.find((s) => s.current)!;
    const out = await h.app.inject({ method: 'DELETE', url: `/v1/me/sessions/${current.id}`, headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(([] as string[]).concat(out.headers['set-cookie'] ?? []).some((c) => /^custos_session=; .*Max-Age=0/.test(c))).toBe(true);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode).toBe(401);
  });
});

describe('CORS', () => {
  it('is closed by default: no allow-origin header, preflights refused', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/me', headers: { ...user.auth, origin: 'https://app.example.com' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await h.app.inject({ method: 'OPTIONS', url: '/v1/me', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' } });
    expect(preflight.statusCode).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a configured origin, and only that one', async () => {
    const open = await createHarness({ config: { corsOrigins: ['https://app.example.com'] } });
    try {
      const preflight = await open.app.inject({ method: 'OPTIONS', url: '/v1/me', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(preflight.headers['access-control-allow-credentials']).toBe('true');
      expect(preflight.headers['access-control-allow-headers']).toContain('x-csrf-token');
      const other = await open.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://other.example.com' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });
});

describe('body limits', () => {
  it('small routes refuse bodies beyond their limit with 413; conversation content keeps its own limit', async () => {
    const big = { name: 'x'.repeat(SMALL_BODY_BYTES) };
    const res = await h.app.inject({ method: 'PATCH', url: '/v1/me', headers: user.auth, payload: big });
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('body_too_large');
    const login = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: 'p'.repeat(SMALL_BODY_BYTES) } });
    expect(login.statusCode).toBe(413);
  });
});

describe('TLS', () => {
  it('serves HTTPS with the given certificate; cookies are Secure and HSTS is sent', async () => {
    const cert = readFileSync(new URL('./fixtures/tls/cert.pem', import.meta.url));
    const key = readFileSync(new URL('./fixtures/tls/key.pem', import.meta.url));
    const app = await buildApp(h.container, { https: { cert, key } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const port = (app.server.address() as AddressInfo).port;
      const body = JSON.stringify({ email: user.email, password: user.password });
      const res = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
        const req = httpsRequest(
          { host: '127.0.0.1', port, path: '/v1/sessions', method: 'POST', ca: cert, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (r) => {
            r.resume();
            r.on('end', () => resolve({ status: r.statusCode ?? 0, headers: r.headers }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status).toBe(201);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
      expect(cookies.find((c) => c.startsWith('custos_session='))).toMatch(/; HttpOnly; Secure$/);
      expect(cookies.find((c) => c.startsWith('custos_csrf='))).toMatch(/; Secure$/);
    } finally {
      await app.close();
    }
  });
});
