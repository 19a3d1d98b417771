import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses } from '../../http/schemas.js';
import { staffOf, type StaffGuard } from '../staff/staff.guard.js';
import type { DisclosuresModule } from './disclosures.service.js';

export const disclosureView = z.object({
  id: z.uuid(),
  recipient: z.object({ id: z.string(), kind: z.enum(['subprocessor', 'affiliate', 'authority']), name: z.string() }),
  purpose: z.string(),
  legalBasis: z.string().nullable(),
  scope: z.array(z.string()).describe('the categories of data disclosed'),
  transfer: z.object({ to: z.string(), basis: z.string() }).nullable().describe('set when the data left this deployment\'s region, with the rule that allowed it'),
  disclosedAt: z.string(),
});

const identifier = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9._-]*$/);

const disclosureBody = z.strictObject({
  accountId: z.uuid(),
  recipientId: identifier.describe('a recipient of the policy file'),
  purpose: z.string().min(1).max(1000),
  legalBasis: z.string().min(1).max(1000).optional().describe('required for an authority, and whenever the user is not to be told'),
  scope: z.array(identifier).min(1).max(20),
  notifySubject: z.boolean().optional().describe('false only when the law forbids telling the user'),
});

const publishedResponse = z.object({
  region: z.string().describe('where this deployment keeps its data'),
  recipients: z.array(z.object({ id: z.string(), kind: z.enum(['subprocessor', 'affiliate', 'authority']), name: z.string(), purpose: z.string(), regions: z.array(z.string()) })),
  transfers: z.array(z.object({ from: z.string(), to: z.string(), basis: z.string() })),
});

/** P26, P27, P32: disclosures recorded by staff, shown to the user, and the published recipient list. */
export function registerDisclosureRoutes(app: App, disclosures: DisclosuresModule, guards: { staff: StaffGuard; user: RouteGuard }) {
  app.post(
    '/v1/staff/disclosures',
    { ...guards.staff, ...smallBody, schema: { tags: ['staff'], body: disclosureBody, response: { 201: disclosureView.extend({ notifySubject: z.boolean() }), ...problemResponses } } },
    async (request, reply) => {
      const staff = staffOf(request);
      const body = request.body;
      const recorded = await disclosures.record(
        { staffId: staff.staffId, role: staff.role },
        { accountId: body.accountId, recipientId: body.recipientId, purpose: body.purpose, legalBasis: body.legalBasis ?? null, scope: body.scope, notifySubject: body.notifySubject ?? true },
      );
      return reply.status(201).send(recorded);
    },
  );

  app.get('/v1/me/disclosures', { ...guards.user, schema: { tags: ['privacy'], response: { 200: z.object({ disclosures: z.array(disclosureView) }), ...problemResponses } } }, async (request) => ({
    disclosures: await disclosures.forSubject(callerOf(request).accountId),
  }));

  app.get('/v1/policy/recipients', { schema: { tags: ['privacy'], response: { 200: publishedResponse } } }, async () => disclosures.published());
}
