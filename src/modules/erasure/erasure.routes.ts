import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { ErasureModule } from './erasure.service.js';

export function registerErasureRoutes(app: App, erasure: ErasureModule, guard: RouteGuard) {
  app.delete(
    '/v1/me',
    {
      ...guard,
      schema: {
        tags: ['privacy'],
        description: 'Delete the account: its content becomes unreadable at once (its key is destroyed) and is swept later.',
        body: z.strictObject({ password: z.string().min(1).max(256) }),
        response: { 204: z.null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await erasure.deleteAccount(callerOf(request).accountId, request.body.password);
      return reply.status(204).send(null);
    },
  );
}
