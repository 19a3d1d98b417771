import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, originOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { PrivacyModule } from './privacy.service.js';

export const consentChange = z.object({ trainingOptIn: z.boolean(), policyVersion: z.string(), changedAt: z.string(), source: z.string() });

export const privacyResponse = z.object({
  trainingOptIn: z.boolean(),
  accountKind: z.enum(['consumer', 'team', 'enterprise', 'api']),
  policyVersion: z.string(),
  policy: z.object({
    version: z.string(),
    publishedAt: z.string(),
    yourChoiceRecordedUnder: z.string().nullable().describe('the policy version in force when the training choice was last recorded'),
    changedSinceYourChoice: z.boolean().describe('the policy changed after that choice: show it to the user for review'),
  }),
  windows: z.object({
    conversationDays: z.union([z.number(), z.object({ optedIn: z.number(), optedOut: z.number() })]),
    incognitoDays: z.number(),
    deletedConversationMaxDays: z.number(),
    feedbackDays: z.number(),
    safetyFlaggedDays: z.number(),
    classifierScoresDays: z.number(),
    technicalDays: z.number(),
    zeroDataRetention: z.boolean(),
  }),
});

export function registerPrivacyRoutes(app: App, privacy: PrivacyModule, guard: RouteGuard) {

  app.get(
    '/v1/me/privacy',
    { ...guard, schema: { tags: ['privacy'], response: { 200: privacyResponse, ...problemResponses } } },
    async (request) => privacy.settings(callerOf(request).accountId),
  );

  app.put(
    '/v1/me/privacy',
    {
      ...guard,
      schema: { tags: ['privacy'], body: z.strictObject({ trainingOptIn: z.boolean() }), response: { 200: privacyResponse, ...problemResponses } },
    },
    async (request) => privacy.setTrainingOptIn(callerOf(request).accountId, request.body.trainingOptIn, originOf(request)),
  );

  app.get(
    '/v1/me/privacy/consent-history',
    {
      ...guard,
      schema: {
        tags: ['privacy'],
        response: {
          200: z.object({ changes: z.array(consentChange) }),
          ...problemResponses,
        },
      },
    },
    async (request) => ({ changes: await privacy.consentHistory(callerOf(request).accountId) }),
  );
}
