import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { SupportModule } from './support.service.js';

export const supportRequest = z.object({
  id: z.uuid(),
  reference: z.string().describe('quote it to support: a support grant must cite it'),
  conversationId: z.uuid().nullable(),
  createdAt: z.string(),
  closedAt: z.string().nullable(),
});

export function registerSupportRoutes(app: App, support: SupportModule, guard: RouteGuard) {
  const tags = ['support'];
  app.post(
    '/v1/support-requests',
    { ...guard, schema: { tags, body: z.strictObject({ conversationId: z.uuid().optional() }).optional(), response: { 201: supportRequest, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(await support.open(callerOf(request).accountId, { conversationId: request.body?.conversationId })),
  );
  app.get(
    '/v1/support-requests',
    { ...guard, schema: { tags, response: { 200: z.object({ requests: z.array(supportRequest) }), ...problemResponses } } },
    async (request) => ({ requests: await support.list(callerOf(request).accountId) }),
  );
  app.post(
    '/v1/support-requests/:id/close',
    { ...guard, schema: { tags, params: uuidParam, response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await support.close(callerOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
