import type { FastifyRequest } from 'fastify';
import { constantTimeEqual, sha256 } from '../lib/ids.js';

/**
 * CSRF protection for requests authenticated by the session cookie. A browser attaches the cookie
 * to cross-site requests; it cannot make a cross-site page read our responses or cookies. So a
 * state change must echo, in the `X-CSRF-Token` header, a value derived from the session secret:
 * the page that signed in got it in the login response (and in a readable cookie), an attacking
 * page never sees it. Deriving it from the session token means nothing more is stored.
 */
export const CSRF_HEADER = 'x-csrf-token';

export const csrfTokenFor = (sessionToken: string): string => sha256(`csrf\0${sessionToken}`).toString('base64url');

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isStateChanging = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

export type CsrfVerdict = { ok: true } | { ok: false; reason: 'missing_token' | 'wrong_token' | 'cross_origin' };

/**
 * Checks a cookie-authenticated state change. `allowedOrigins` are the configured CORS origins;
 * the server's own origin is always allowed. An Origin header is checked when present (browsers
 * send it on cross-origin and on all POST/PUT/PATCH/DELETE requests), the token always.
 */
export function checkCsrf(request: FastifyRequest, sessionToken: string, allowedOrigins: readonly string[]): CsrfVerdict {
  if (!originAllowed(request, allowedOrigins)) return { ok: false, reason: 'cross_origin' };
  const header = request.headers[CSRF_HEADER];
  if (typeof header !== 'string' || header.length === 0 || header.length > 128) return { ok: false, reason: 'missing_token' };
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  return constantTimeEqual(Buffer.from(header), expected) ? { ok: true } : { ok: false, reason: 'wrong_token' };
}

/** No Origin header (not a browser, or a same-origin GET), the server's own origin, or an allowed one. */
export function originAllowed(request: FastifyRequest, allowedOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  return origin === `${request.protocol}://${request.host}` || allowedOrigins.includes(origin);
}
