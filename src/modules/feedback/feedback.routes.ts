import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { FeedbackModule } from './feedback.service.js';

export function registerFeedbackRoutes(app: App, feedback: FeedbackModule, guard: RouteGuard) {
  app.post(
    '/v1/messages/:id/feedback',
    {
      ...guard,
      schema: {
        tags: ['feedback'],
        description: 'Rate an output. The conversation up to this message is kept as de-identified feedback for the policy window.',
        params: uuidParam,
        body: z.strictObject({ rating: z.enum(['up', 'down']), comment: z.string().min(1).max(4000).optional() }),
        response: { 201: z.object({ id: z.uuid(), snapshotKept: z.boolean(), deleteAfter: z.string() }), ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await feedback.submit(callerOf(request).accountId, request.params.id, request.body)),
  );
}
