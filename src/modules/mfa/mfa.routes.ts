import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses } from '../../http/schemas.js';
import type { IdentityModule } from '../identity/identity.service.js';
import type { MfaModule } from './mfa.service.js';

const statusResponse = z.object({
  totp: z.object({ enabled: z.boolean(), enabledAt: z.string().nullable() }),
  recoveryCodesRemaining: z.number().int(),
  webauthn: z.object({ available: z.boolean() }).describe('security keys and passkeys are planned, not yet offered'),
  requiredByOrganisation: z.boolean(),
});

export function registerMfaRoutes(app: App, mfa: MfaModule, identity: Pick<IdentityModule, 'profile'>, guard: RouteGuard) {
  app.get(
    '/v1/me/mfa',
    { ...guard, schema: { tags: ['mfa'], response: { 200: statusResponse, ...problemResponses } } },
    async (request) => {
      const caller = callerOf(request);
      return { ...(await mfa.status(caller.accountId)), requiredByOrganisation: caller.orgRequiresMfa };
    },
  );

  app.post(
    '/v1/me/mfa/totp',
    {
      ...guard,
      ...smallBody,
      schema: {
        tags: ['mfa'],
        response: { 201: z.object({ secret: z.string(), otpauthUri: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const me = await identity.profile(caller.accountId);
      return reply.status(201).send(await mfa.startTotpEnrolment(caller.accountId, me.email));
    },
  );

  app.post(
    '/v1/me/mfa/totp/verify',
    {
      ...guard,
      ...smallBody,
      schema: {
        tags: ['mfa'],
        body: z.strictObject({ code: z.string().min(1).max(16) }),
        response: { 200: z.object({ enabled: z.literal(true), recoveryCodes: z.array(z.string()) }), ...problemResponses },
      },
    },
    async (request) => ({ enabled: true as const, ...(await mfa.confirmTotpEnrolment(callerOf(request).accountId, request.body.code)) }),
  );

  app.delete(
    '/v1/me/mfa/totp',
    {
      ...guard,
      ...smallBody,
      schema: {
        tags: ['mfa'],
        body: z.strictObject({ password: z.string().min(1).max(256), code: z.string().min(1).max(32) }),
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await mfa.disable(callerOf(request).accountId, request.body);
      return reply.status(204).send(null);
    },
  );
}
