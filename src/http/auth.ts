import type { FastifyRequest } from 'fastify';
import type { AccountsModule, AuthContext, RequestOrigin } from '../modules/accounts/accounts.service.js';
import { unauthorized } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/=]{1,512})$/;

/** The bearer token of a request, if it carries a well-formed one. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  return BEARER.exec(header)?.[1] ?? null;
}

/** A preHandler that requires a live session and puts its caller on the request. */
export function requireUser(accounts: Pick<AccountsModule, 'authenticate'>) {
  return async (request: FastifyRequest) => {
    const token = bearerToken(request);
    if (!token) throw unauthorized('unauthorized', 'a bearer token is required');
    const auth = await accounts.authenticate(token);
    if (!auth) throw unauthorized('invalid_token', 'the token is unknown, expired or revoked');
    request.auth = auth;
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
