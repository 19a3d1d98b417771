import type { FastifyRequest } from 'fastify';
import type { ConsentHolder, CookiesModule } from '../modules/cookies/cookies.service.js';
import { CONSENT_COOKIE, cookieOf } from './cookies.js';

/** `Sec-GPC: 1` is the browser's Global Privacy Control: an opt-out of everything non-essential. */
export const gpcOf = (request: FastifyRequest): boolean => request.headers['sec-gpc'] === '1';

export function consentHolderOf(request: FastifyRequest): ConsentHolder {
  if (request.auth) return { accountId: request.auth.accountId };
  const visitor = cookieOf(request, CONSENT_COOKIE);
  return visitor ? { visitorToken: visitor } : null;
}

/**
 * What anything non-essential (analytics, preference cookies, third-party embeds) calls before it
 * acts on a request: false unless the caller opted in to `category` and sends no GPC signal.
 */
export function nonEssentialAllowed(cookies: Pick<CookiesModule, 'allows'>, request: FastifyRequest, category: string): Promise<boolean> {
  return cookies.allows(consentHolderOf(request), category, gpcOf(request));
}
