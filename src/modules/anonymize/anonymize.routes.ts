import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import { AppError } from '../../lib/errors.js';
import { createAnonymizer, createPiiEngine, depseudonymize, PII_ENTITY_TYPES, type PiiEngine } from '../../pii/index.js';

/**
 * P31: a helper that replaces personal data with placeholders before text is sent or used.
 * Pseudonyms are bound (AES-GCM associated data) to the calling account: only the same account
 * can turn them back, through /v1/deanonymize.
 */
export function registerAnonymizeRoutes(app: App, guard: RouteGuard, options: { key: Buffer; maxTextBytes: number; engine?: PiiEngine }) {
  const engine = options.engine ?? createPiiEngine();
  const text = z.string().min(1).max(options.maxTextBytes);
  const entity = z.object({ type: z.enum(PII_ENTITY_TYPES), start: z.number().int(), end: z.number().int(), score: z.number() });

  app.post(
    '/v1/anonymize',
    {
      ...guard,
      schema: {
        tags: ['privacy tools'],
        body: z.strictObject({ text, operator: z.enum(['replace', 'mask', 'hash', 'pseudonymize']).default('replace') }),
        response: { 200: z.object({ text: z.string(), entities: z.array(entity) }), ...problemResponses },
      },
    },
    async (request) => {
      const { accountId } = callerOf(request);
      const spans = engine.detect(request.body.text);
      const result = createAnonymizer(request.body.operator, { hashKey: options.key, pseudonymKey: options.key, aad: `account:${accountId}` }).apply(request.body.text, spans);
      return {
        text: result.text,
        entities: result.spans.map((s) => ({ type: s.type, start: s.start, end: s.end, score: s.score })),
      };
    },
  );

  app.post(
    '/v1/deanonymize',
    {
      ...guard,
      schema: {
        tags: ['privacy tools'],
        body: z.strictObject({ text }),
        response: { 200: z.object({ text: z.string() }), ...problemResponses },
      },
    },
    async (request) => {
      const { accountId } = callerOf(request);
      try {
        return { text: depseudonymize(request.body.text, { pseudonymKey: options.key, aad: `account:${accountId}` }) };
      } catch {
        throw new AppError('pseudonym_invalid', 422, 'the text holds a pseudonym that was not made for this account or was altered');
      }
    },
  );
}
