import Fastify, { type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from './container.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { requireUser } from './http/auth.js';
import { registerAccountRoutes } from './modules/accounts/accounts.routes.js';
import { registerConversationRoutes } from './modules/conversations/conversations.routes.js';
import { registerPrivacyRoutes } from './modules/privacy/privacy.routes.js';
import { registerErasureRoutes } from './modules/erasure/erasure.routes.js';
import type { App } from './http/types.js';

export interface BuildAppOptions {
  /** Fastify's logger options, or an existing pino logger. */
  logger?: FastifyServerOptions['loggerInstance'];
  https?: { cert: Buffer; key: Buffer } | null;
}

/** Builds the HTTP application on a container. No listen, no environment reads. */
export async function buildApp(container: Container, options: BuildAppOptions = {}): Promise<App> {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: container.config.bodyLimitBytes,
    trustProxy: false,
    ...(options.https ? { https: options.https } : {}),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('auth', null);

  await app.register(swagger, {
    openapi: { info: { title: 'Custos', version: container.policy.version }, components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } },
    transform: jsonSchemaTransform,
  });

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']), policyVersion: z.string() }) } } },
    async () => ({ status: 'ok' as const, database: container.database.kind, policyVersion: container.policy.version }),
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const guard = { preHandler: requireUser(container.accounts) };
  registerAccountRoutes(app, container.accounts);
  registerConversationRoutes(app, container.conversations, guard);
  registerPrivacyRoutes(app, container.privacy, guard);
  registerErasureRoutes(app, container.erasure, guard);

  return app;
}
