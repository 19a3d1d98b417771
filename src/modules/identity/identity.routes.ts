import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { conflict } from '../../lib/errors.js';
import { problemResponses } from '../../http/schemas.js';
import type { IdentityModule } from './identity.service.js';
import { profilePatchBody, profileResponse, verifyEmailBody, verifyEmailResponse } from './identity.schemas.js';

export function registerIdentityRoutes(app: App, identity: IdentityModule, guard: RouteGuard) {
  app.get(
    '/v1/me',
    { ...guard, schema: { tags: ['identity'], response: { 200: profileResponse, ...problemResponses } } },
    async (request) => identity.profile(callerOf(request).accountId),
  );

  app.patch(
    '/v1/me',
    { ...guard, ...smallBody, schema: { tags: ['identity'], body: profilePatchBody, response: { 200: profileResponse, ...problemResponses } } },
    async (request) => identity.update(callerOf(request).accountId, request.body),
  );

  app.post(
    '/v1/me/email-verification',
    { ...guard, ...smallBody, schema: { tags: ['identity'], response: { 202: z.object({ sentTo: z.string() }), ...problemResponses } } },
    async (request, reply) => {
      const me = await identity.profile(callerOf(request).accountId);
      const to = me.pendingEmail ?? me.email;
      if (!me.pendingEmail && me.emailVerified) throw conflict('email_already_verified', 'the address is already confirmed');
      await identity.sendVerification(me.id, to);
      return reply.status(202).send({ sentTo: to });
    },
  );

  // The token is the credential: no session needed, so the link works on any device.
  app.post(
    '/v1/email-verifications',
    { ...smallBody, schema: { tags: ['identity'], body: verifyEmailBody, response: { 200: verifyEmailResponse, ...problemResponses } } },
    async (request) => identity.verifyEmail(request.body.token),
  );
}
