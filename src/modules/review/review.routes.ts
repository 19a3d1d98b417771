import { z } from 'zod';
import type { App } from '../../http/types.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import { staffOf, type StaffGuard } from '../staff/staff.guard.js';
import { accessSchema } from '../staff/staff.schemas.js';
import type { ReviewModule } from './review.service.js';

const fieldRef = z.object({ id: z.string(), kind: z.string().describe('email, phone, card, number, person, address, …') });

const itemView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  flagged: z.boolean(),
  sampledAt: z.string(),
  reviewedAt: z.string().nullable(),
  outcome: z.string().nullable(),
  title: z.string().nullable(),
  titleFields: z.array(fieldRef),
  messages: z.array(
    z.object({
      seq: z.number().int(),
      role: z.enum(['user', 'assistant']),
      createdAt: z.string(),
      text: z.string().nullable().describe('personal data replaced by [kind id] placeholders'),
      fields: z.array(fieldRef),
    }),
  ),
});

export function registerReviewRoutes(app: App, review: ReviewModule, guard: StaffGuard) {
  const tags = ['review'];

  app.get(
    '/v1/staff/review/items',
    {
      ...guard,
      schema: {
        tags,
        response: {
          200: z.object({ items: z.array(z.object({ id: z.uuid(), conversationId: z.uuid(), flagged: z.boolean(), sampledAt: z.string(), messageCount: z.number().int() })) }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({ items: await review.queue(staffOf(request)) }),
  );

  app.get(
    '/v1/staff/review/items/:id',
    { ...guard, schema: { tags, params: uuidParam, response: { 200: itemView, ...problemResponses } } },
    async (request) => review.view(staffOf(request), request.params.id),
  );

  app.post(
    '/v1/staff/review/items/:id/unmask',
    {
      ...guard,
      schema: {
        tags,
        params: uuidParam,
        body: z.strictObject({ fields: z.array(z.string().regex(/^(t|[0-9]{1,9})\.[0-9]{1,5}$/)).min(1).max(50), grantId: z.uuid().optional() }),
        response: {
          200: z.object({ id: z.uuid(), access: accessSchema, fields: z.array(z.object({ id: z.string(), kind: z.string(), value: z.string() })) }),
          ...problemResponses,
        },
      },
    },
    async (request) => review.unmask(staffOf(request), request.params.id, request.body),
  );

  app.post(
    '/v1/staff/review/items/:id/complete',
    {
      ...guard,
      schema: { tags, params: uuidParam, body: z.strictObject({ outcome: z.enum(['no_action', 'violation', 'escalated']) }), response: { 204: z.null(), ...problemResponses } },
    },
    async (request, reply) => {
      await review.complete(staffOf(request), request.params.id, request.body.outcome);
      return reply.status(204).send(null);
    },
  );
}
