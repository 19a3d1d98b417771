import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { appendCookie, CONSENT_COOKIE, cookieOf, isSecureRequest, serializeCookie } from '../../http/cookies.js';
import { gpcOf } from '../../http/consent.js';
import { originAllowed } from '../../http/csrf.js';
import { forbidden } from '../../lib/errors.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses } from '../../http/schemas.js';
import type { Policy } from '../../policy/index.js';
import type { CookiesModule } from './cookies.service.js';

export const consentResponse = z.object({
  policyVersion: z.string(),
  gpc: z.boolean().describe('this request carried Sec-GPC: 1, which turns every non-essential category off'),
  recordedAt: z.string().nullable(),
  expiresAt: z.string().nullable().describe('after this the choice no longer stands and is asked again'),
  categories: z.array(
    z.object({
      name: z.string(),
      essential: z.boolean(),
      description: z.string(),
      chosen: z.boolean().nullable().describe('what was recorded; null when nothing was'),
      allowed: z.boolean().describe('what is in force for this request'),
    }),
  ),
});

const consentBody = z.strictObject({
  categories: z.record(z.string().max(64), z.boolean()).refine((c) => Object.keys(c).length <= 32, { message: 'too many categories' }),
});

export function registerCookieRoutes(app: App, cookies: CookiesModule, deps: { policy: Policy; guard: RouteGuard; corsOrigins: readonly string[] }) {
  const { policy, guard } = deps;
  // A visitor's choice rides on a cookie, so another site must not be able to record one for them.
  const sameOrigin = {
    preHandler: async (request: FastifyRequest) => {
      if (!originAllowed(request, deps.corsOrigins)) throw forbidden('csrf_failed', 'cookie choices can only be made from this site');
    },
  };
  const schema = (withBody: boolean) => ({
    tags: ['cookies'],
    ...(withBody ? { body: consentBody } : {}),
    response: { 200: consentResponse, ...problemResponses },
  });

  app.get('/v1/me/cookie-consent', { ...guard, schema: schema(false) }, async (request) =>
    cookies.view({ accountId: callerOf(request).accountId }, gpcOf(request)),
  );

  app.put('/v1/me/cookie-consent', { ...guard, ...smallBody, schema: { ...schema(true), body: consentBody } }, async (request) => {
    const result = await cookies.record({ accountId: callerOf(request).accountId }, request.body.categories, gpcOf(request));
    return result.view;
  });

  // Visitors without an account: the choice is kept under a random consent id in a strictly
  // necessary cookie (remembering a refusal needs it), stored only as a hash.
  app.get('/v1/cookie-consent', { schema: schema(false) }, async (request) => {
    const visitor = cookieOf(request, CONSENT_COOKIE);
    return cookies.view(visitor ? { visitorToken: visitor } : null, gpcOf(request));
  });

  app.put('/v1/cookie-consent', { ...sameOrigin, ...smallBody, schema: { ...schema(true), body: consentBody } }, async (request, reply) => {
    const visitor = cookieOf(request, CONSENT_COOKIE);
    const result = await cookies.record(visitor ? { visitorToken: visitor } : null, request.body.categories, gpcOf(request));
    if (result.newVisitorToken) {
      appendCookie(
        reply,
        serializeCookie(CONSENT_COOKIE, result.newVisitorToken, {
          maxAgeSeconds: policy.cookies.consentDays * 86_400,
          httpOnly: true,
          secure: isSecureRequest(request),
          sameSite: 'Lax',
        }),
      );
    }
    return result.view;
  });
}
