import { z } from 'zod';
import type { App } from '../../http/types.js';
import { problemResponses } from '../../http/schemas.js';
import type { StaffGuard } from '../staff/staff.guard.js';
import type { AnalyticsModule } from './analytics.service.js';

const usageResponse = z.object({
  from: z.string(),
  to: z.string(),
  minGroupSize: z.number().int(),
  cells: z.array(z.object({ day: z.string(), accountKind: z.string(), accounts: z.number().int(), conversations: z.number().int(), messages: z.number().int() })),
  suppressedGroups: z.number().int().describe('groups left out for having fewer accounts than minGroupSize'),
});

/** P16: aggregated usage for any staff member: it names no one, so it needs no grant. */
export function registerAnalyticsRoutes(app: App, analytics: AnalyticsModule, staffGuard: StaffGuard) {
  app.get(
    '/v1/staff/analytics/usage',
    {
      ...staffGuard,
      schema: { tags: ['staff'], querystring: z.strictObject({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }), response: { 200: usageResponse, ...problemResponses } },
    },
    async (request) => analytics.usage({ from: new Date(request.query.from), to: new Date(request.query.to) }),
  );
}
