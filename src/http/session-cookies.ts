import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendCookie, CSRF_COOKIE, isSecureRequest, serializeCookie, SESSION_COOKIE } from './cookies.js';
import { csrfTokenFor } from './csrf.js';

/**
 * The session cookie is strictly necessary (P25): HttpOnly so no script reads it, SameSite=Lax so
 * other sites' sub-requests do not carry it, Secure whenever the server speaks TLS. The CSRF cookie
 * is readable on purpose: the page's own script copies it into the X-CSRF-Token header.
 */
export function setSessionCookies(request: FastifyRequest, reply: FastifyReply, token: string, maxAgeSeconds: number) {
  const secure = isSecureRequest(request);
  appendCookie(reply, serializeCookie(SESSION_COOKIE, token, { maxAgeSeconds, httpOnly: true, secure, sameSite: 'Lax' }));
  appendCookie(reply, serializeCookie(CSRF_COOKIE, csrfTokenFor(token), { maxAgeSeconds, httpOnly: false, secure, sameSite: 'Lax' }));
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply) {
  const secure = isSecureRequest(request);
  appendCookie(reply, serializeCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, httpOnly: true, secure, sameSite: 'Lax' }));
  appendCookie(reply, serializeCookie(CSRF_COOKIE, '', { maxAgeSeconds: 0, httpOnly: false, secure, sameSite: 'Lax' }));
}
