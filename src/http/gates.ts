import type { FastifyRequest } from 'fastify';
import type { AuthContext } from '../modules/accounts/accounts.service.js';
import { decideTermsGate } from '../modules/terms/terms.js';
import type { Policy } from '../policy/index.js';
import { forbidden } from '../lib/errors.js';

/**
 * What a signed-in account may reach while something is missing. Both lists name routes by
 * method and template, in one place, so a new route is gated by default (fail closed).
 */
const routeKey = (request: FastifyRequest) => `${request.method} ${request.routeOptions.url ?? ''}`;

/**
 * P23: after the deadline, an account that has not accepted the terms in force may still read and
 * accept them, export its data and delete itself, and sign out. `DELETE /v1/me` and
 * `GET /v1/me/export` are listed here ahead of the routes themselves.
 */
export const TERMS_GATE_EXEMPT: ReadonlySet<string> = new Set([
  'GET /v1/terms',
  'POST /v1/terms/accept',
  'GET /v1/me/export',
  'DELETE /v1/me',
  'DELETE /v1/me/sessions/:id',
]);

/**
 * P22: a member of an organisation that requires MFA, without MFA, reaches only what it needs to
 * enrol and to manage its own account; no content.
 */
export const MFA_ENROLMENT_ALLOWED: ReadonlySet<string> = new Set([
  ...TERMS_GATE_EXEMPT,
  'GET /v1/me',
  'GET /v1/me/mfa',
  'POST /v1/me/mfa/totp',
  'POST /v1/me/mfa/totp/verify',
  'GET /v1/me/sessions',
  'PUT /v1/me/password',
  'GET /v1/me/cookie-consent',
  'PUT /v1/me/cookie-consent',
]);

export function enforceAccountGates(request: FastifyRequest, auth: AuthContext, policy: Policy, now: Date): void {
  const key = routeKey(request);
  if (!TERMS_GATE_EXEMPT.has(key)) {
    const terms = decideTermsGate(policy, now, auth.acceptedCurrentTerms);
    if (!terms.allow) {
      throw forbidden('terms_not_accepted', `accept the terms version ${terms.version} (POST /v1/terms/accept) to continue`);
    }
  }
  if (auth.orgRequiresMfa && !auth.mfaEnabled && !MFA_ENROLMENT_ALLOWED.has(key)) {
    throw forbidden('mfa_enrollment_required', 'your organisation requires multi-factor authentication: enrol at POST /v1/me/mfa/totp');
  }
}
