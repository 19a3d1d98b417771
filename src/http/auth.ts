import type { FastifyRequest } from 'fastify';
import type { AccountsModule, AuthContext, CredentialKind, RequestOrigin } from '../modules/accounts/accounts.service.js';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/index.js';
import { forbidden, unauthorized } from '../lib/errors.js';
import { cookieOf, SESSION_COOKIE } from './cookies.js';
import { checkCsrf, isStateChanging } from './csrf.js';
import { enforceAccountGates } from './gates.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/=]{1,512})$/;
const SESSION_TOKEN = /^[A-Za-z0-9_-]{1,512}$/;

/** The bearer token of a request, if it carries a well-formed one. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** The credential a request presents: a bearer header wins over the session cookie. */
export function credentialOf(request: FastifyRequest): { token: string; via: CredentialKind } | null {
  const bearer = bearerToken(request);
  if (bearer) return { token: bearer, via: 'bearer' };
  const cookie = cookieOf(request, SESSION_COOKIE);
  if (cookie && SESSION_TOKEN.test(cookie)) return { token: cookie, via: 'cookie' };
  return null;
}

export interface GuardOptions {
  policy: Policy;
  clock: Clock;
  /** Browser origins allowed besides the server's own (the CORS allowlist). */
  corsOrigins: readonly string[];
}

/**
 * A preHandler that requires a live session and puts its caller on the request. A session cookie
 * is as good as a bearer token, except that a state change carried by the cookie must also pass
 * the CSRF check. Then the account gates apply: terms accepted (P23), MFA where required (P22).
 */
export function requireUser(accounts: Pick<AccountsModule, 'authenticate'>, options: GuardOptions) {
  return async (request: FastifyRequest) => {
    const credential = credentialOf(request);
    if (!credential) throw unauthorized('unauthorized', 'a bearer token or a session cookie is required');
    const auth = await accounts.authenticate(credential.token, credential.via);
    if (!auth) throw unauthorized('invalid_token', 'the token is unknown, expired or revoked');
    if (credential.via === 'cookie' && isStateChanging(request.method)) {
      const csrf = checkCsrf(request, credential.token, options.corsOrigins);
      if (!csrf.ok) throw forbidden('csrf_failed', 'a change made with the session cookie needs the X-CSRF-Token header from sign-in, from the same origin');
    }
    request.auth = auth;
    enforceAccountGates(request, auth, options.policy, options.clock.now());
  };
}

/** Like requireUser for public routes that say more to a signed-in caller; bad credentials = anonymous. */
export function optionalUser(accounts: Pick<AccountsModule, 'authenticate'>) {
  return async (request: FastifyRequest) => {
    const credential = credentialOf(request);
    if (!credential) return;
    request.auth = await accounts.authenticate(credential.token, credential.via);
  };
}

export function callerOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw unauthorized();
  return request.auth;
}

export function originOf(request: FastifyRequest): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}

/** Spread into a route's options to require a signed-in user. */
export interface RouteGuard {
  preHandler: (request: FastifyRequest) => Promise<void>;
}
