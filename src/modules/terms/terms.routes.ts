import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses } from '../../http/schemas.js';
import type { TermsModule } from './terms.service.js';

const termsResponse = z.object({
  current: z.string().nullable().describe('the version in force now'),
  versions: z.array(
    z.object({
      version: z.string(),
      effectiveAt: z.string(),
      acceptBy: z.string(),
      url: z.string(),
      status: z.enum(['current', 'upcoming', 'superseded']),
    }),
  ),
  account: z
    .object({
      accepted: z.array(z.object({ version: z.string(), acceptedAt: z.string() })),
      acceptedCurrent: z.boolean(),
      mustAcceptBy: z.string().nullable(),
      blocked: z.boolean().describe('past the deadline without accepting: only the terms, export and deletion are reachable'),
    })
    .nullable()
    .describe('present when the request is signed in'),
});

export function registerTermsRoutes(app: App, terms: TermsModule, guards: { user: RouteGuard; optionalUser: RouteGuard }) {
  app.get(
    '/v1/terms',
    { ...guards.optionalUser, schema: { tags: ['terms'], response: { 200: termsResponse, ...problemResponses } } },
    async (request) => terms.overview(request.auth?.accountId ?? null),
  );

  app.post(
    '/v1/terms/accept',
    {
      ...guards.user,
      ...smallBody,
      schema: { tags: ['terms'], body: z.strictObject({ version: z.string().min(1).max(64) }), response: { 200: termsResponse, ...problemResponses } },
    },
    async (request) => terms.accept(callerOf(request).accountId, request.body.version),
  );
}
