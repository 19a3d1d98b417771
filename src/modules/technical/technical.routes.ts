import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { TechnicalModule } from './technical.service.js';

const technicalQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime({ offset: true }).optional(),
});

export const technicalResponse = z.object({
  records: z.array(
    z.object({
      at: z.string(),
      ip: z.string().nullable(),
      ipTruncated: z.boolean(),
      browser: z.string().nullable(),
      os: z.string().nullable(),
      deviceClass: z.string(),
      method: z.string(),
      route: z.string().describe('the route template, never the URL'),
      status: z.number().int(),
      latencyMs: z.number().int(),
      errorCode: z.string().nullable(),
      deleteAfter: z.string(),
    }),
  ),
});

export function registerTechnicalRoutes(app: App, technical: TechnicalModule, guard: RouteGuard) {
  app.get(
    '/v1/me/technical-data',
    { ...guard, schema: { tags: ['technical'], querystring: technicalQuery, response: { 200: technicalResponse, ...problemResponses } } },
    async (request) => ({
      records: await technical.list(callerOf(request).accountId, {
        limit: request.query.limit,
        before: request.query.before ? new Date(request.query.before) : null,
      }),
    }),
  );
}
