import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { OrganisationsModule } from './organisations.service.js';

const settingsResponse = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(['team', 'enterprise', 'api']),
  zeroDataRetention: z.boolean(),
  retentionDays: z.number().int().nullable(),
  retentionBounds: z.object({ minDays: z.number(), maxDays: z.number(), defaultDays: z.number() }).nullable(),
  trainingConsent: z.boolean(),
  requireMfa: z.boolean(),
  accessApprovalRequired: z.boolean(),
});

// Kind and zero data retention are not here: they are fixed when the organisation is created.
const settingsChangeBody = z
  .strictObject({
    retentionDays: z.number().int().positive().nullable().optional().describe('null: the policy default for the kind'),
    trainingConsent: z.boolean().optional(),
    requireMfa: z.boolean().optional(),
    accessApprovalRequired: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

const settingsChangeResponse = z.object({
  id: z.uuid(),
  kind: z.enum(['team', 'enterprise', 'api']),
  zeroDataRetention: z.boolean(),
  retentionDays: z.number().int().nullable(),
  trainingConsent: z.boolean(),
  requireMfa: z.boolean(),
  accessApprovalRequired: z.boolean(),
  changed: z.array(z.string()),
  recomputedConversations: z.number().int(),
});

/** An organisation's administrators read and change its settings (P08, P10, P19). */
export function registerOrganisationRoutes(app: App, organisations: OrganisationsModule, guard: RouteGuard) {
  const tags = ['organisations'];

  app.get(
    '/v1/orgs/:id/settings',
    { ...guard, schema: { tags, params: uuidParam, response: { 200: settingsResponse, ...problemResponses } } },
    async (request) => organisations.settings(callerOf(request), request.params.id),
  );

  app.patch(
    '/v1/orgs/:id/settings',
    { ...guard, schema: { tags, params: uuidParam, body: settingsChangeBody, response: { 200: settingsChangeResponse, ...problemResponses } } },
    async (request) => organisations.updateSettings(request.params.id, request.body, callerOf(request)),
  );
}
