import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { StaffGuard } from '../staff/staff.guard.js';
import { staffOf } from '../staff/staff.guard.js';
import { MAX_BASIS_LENGTH, type HoldActor, type HoldsModule } from './holds.service.js';

const holdResponse = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  conversationId: z.uuid().nullable(),
  basis: z.string(),
  until: z.string().nullable(),
  notifySubject: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  releasedAt: z.string().nullable(),
});

const holdBody = z.strictObject({
  accountId: z.uuid(),
  conversationId: z.uuid().optional(),
  basis: z.string().min(1).max(MAX_BASIS_LENGTH),
  until: z.iso.datetime({ offset: true }).optional(),
  notifySubject: z.boolean().optional().describe('false when the law forbids telling the account owner'),
});

export const noticeResponse = z.object({
  holds: z.array(
    z.object({
      id: z.uuid(),
      scope: z.enum(['account', 'conversation']),
      conversationId: z.uuid().nullable(),
      basis: z.string(),
      createdAt: z.string(),
      until: z.string().nullable(),
      releasedAt: z.string().nullable(),
    }),
  ),
});

export function registerHoldRoutes(app: App, holds: HoldsModule, guards: { staff: StaffGuard; user: RouteGuard }) {
  const actor = (request: Parameters<typeof staffOf>[0]): HoldActor => {
    const s = staffOf(request);
    return { kind: 'staff', staffId: s.staffId, role: s.role };
  };

  app.post(
    '/v1/staff/holds',
    { ...guards.staff, schema: { tags: ['staff'], body: holdBody, response: { 201: holdResponse, ...problemResponses } } },
    async (request, reply) => {
      const body = request.body;
      const created = await holds.create(actor(request), {
        accountId: body.accountId,
        conversationId: body.conversationId ?? null,
        basis: body.basis,
        until: body.until ? new Date(body.until) : null,
        notifySubject: body.notifySubject ?? true,
      });
      return reply.status(201).send(created);
    },
  );

  app.post(
    '/v1/staff/holds/:id/release',
    { ...guards.staff, schema: { tags: ['staff'], params: uuidParam, response: { 200: holdResponse, ...problemResponses } } },
    async (request) => holds.release(actor(request), request.params.id),
  );

  app.get(
    '/v1/staff/holds',
    {
      ...guards.staff,
      schema: { tags: ['staff'], querystring: z.strictObject({ accountId: z.uuid().optional() }), response: { 200: z.object({ holds: z.array(holdResponse) }), ...problemResponses } },
    },
    async (request) => ({ holds: await holds.list(actor(request), { accountId: request.query.accountId }) }),
  );

  // P13: the owner of held data is told, unless the hold says the law forbids it.
  app.get(
    '/v1/me/legal-holds',
    { ...guards.user, schema: { tags: ['privacy'], response: { 200: noticeResponse, ...problemResponses } } },
    async (request) => ({ holds: await holds.noticesFor(callerOf(request).accountId) }),
  );
}
