import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The cookies the server sets. All three are strictly necessary (P25): the session, the token a
 * browser script echoes to prove a change is not cross-site, and the id under which a visitor's
 * cookie choice is remembered. Nothing non-essential is ever set without consent.
 */
export const SESSION_COOKIE = 'custos_session';
export const CSRF_COOKIE = 'custos_csrf';
export const CONSENT_COOKIE = 'custos_consent';

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#$%&'()*+\-./0-9:<=>?@A-Z[\]^_`a-z{|}~]*$/;

/** Parses a Cookie header; malformed pairs are skipped, the first occurrence of a name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (!header) return cookies;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (!COOKIE_NAME.test(name) || !COOKIE_VALUE.test(value) || cookies.has(name)) continue;
    cookies.set(name, value);
  }
  return cookies;
}

export interface CookieOptions {
  maxAgeSeconds: number;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Lax' | 'Strict';
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  if (!COOKIE_NAME.test(name) || !COOKIE_VALUE.test(value)) throw new Error('invalid cookie name or value');
  const parts = [`${name}=${value}`, 'Path=/', `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`, `SameSite=${o.sameSite}`];
  if (o.httpOnly) parts.push('HttpOnly');
  if (o.secure) parts.push('Secure');
  return parts.join('; ');
}

export const cookieOf = (request: FastifyRequest, name: string): string | null =>
  parseCookies(request.headers.cookie).get(name) ?? null;

/** Served over TLS: cookies get `Secure`. Behind no proxy, the socket tells the truth. */
export const isSecureRequest = (request: FastifyRequest): boolean => request.protocol === 'https';

/** Fastify accumulates Set-Cookie values: each call adds one cookie. */
export function appendCookie(reply: FastifyReply, cookie: string) {
  reply.header('set-cookie', cookie);
}
