import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses } from '../../http/schemas.js';
import { containsCardNumber, valueContainsCardNumber } from './card-number.js';
import { cardNumberRefused, type PaymentsModule } from './payments.service.js';

const paymentMethodBody = z.strictObject({
  processorToken: z.string().regex(/^[A-Za-z0-9_:.-]{4,255}$/).describe('the token your payment processor returned, e.g. pm_…'),
  brand: z.string().trim().min(1).max(32),
  last4: z.string().regex(/^[0-9]{4}$/),
  expMonth: z.number().int().min(1).max(12),
  expYear: z.number().int().min(2000).max(2100),
});

export const paymentMethodResponse = z.object({
  brand: z.string(),
  last4: z.string(),
  expMonth: z.number().int(),
  expYear: z.number().int(),
  updatedAt: z.string(),
});

export function registerPaymentRoutes(app: App, payments: PaymentsModule, guard: RouteGuard) {
  // Own scope: its JSON parser looks at the raw text before anything else sees the body.
  void app.register(async (scope: App) => {
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      // The raw text catches numbers too long for a JS number; the parsed values catch \u escapes.
      if (containsCardNumber(text)) return done(cardNumberRefused(), undefined);
      parseJson(request, text, (error: Error | null, parsed?: unknown) => {
        if (error) return done(error, undefined);
        if (valueContainsCardNumber(parsed)) return done(cardNumberRefused(), undefined);
        done(null, parsed);
      });
    });

    scope.put(
      '/v1/me/payment-method',
      { ...guard, ...smallBody, schema: { tags: ['payments'], body: paymentMethodBody, response: { 200: paymentMethodResponse, ...problemResponses } } },
      async (request) => payments.set(callerOf(request).accountId, request.body),
    );
  });

  app.get(
    '/v1/me/payment-method',
    { ...guard, schema: { tags: ['payments'], response: { 200: paymentMethodResponse, ...problemResponses } } },
    async (request) => payments.get(callerOf(request).accountId),
  );

  app.delete(
    '/v1/me/payment-method',
    { ...guard, schema: { tags: ['payments'], response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await payments.remove(callerOf(request).accountId);
      return reply.status(204).send(null);
    },
  );
}
