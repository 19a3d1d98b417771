import Fastify, { LogController, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Container } from './container.js';
import { errorHandler, notFoundHandler } from './http/problem.js';
import { createRecentSessions } from './modules/accounts/recent-sessions.js';
import { optionalUser, requireUser } from './http/auth.js';
import { registerCors } from './http/cors.js';
import { registerRequestLog } from './http/request-log.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerMfaRoutes } from './modules/mfa/mfa.routes.js';
import { registerIdentityRoutes } from './modules/identity/identity.routes.js';
import { registerTermsRoutes } from './modules/terms/terms.routes.js';
import { registerPaymentRoutes } from './modules/payments/payments.routes.js';
import { registerTechnicalRoutes } from './modules/technical/technical.routes.js';
import { registerCookieRoutes } from './modules/cookies/cookies.routes.js';
import { registerAccountRoutes } from './modules/accounts/accounts.routes.js';
import { registerConversationRoutes } from './modules/conversations/conversations.routes.js';
import { registerVoiceRoutes } from './modules/voice/voice.routes.js';
import { registerPrivacyRoutes } from './modules/privacy/privacy.routes.js';
import { registerErasureRoutes } from './modules/erasure/erasure.routes.js';
import { registerFeedbackRoutes } from './modules/feedback/feedback.routes.js';
import { registerAnonymizeRoutes } from './modules/anonymize/anonymize.routes.js';
import { registerAuditRoutes } from './modules/audit/audit.routes.js';
import { registerExportRoutes } from './modules/export/export.routes.js';
import { registerConnectionRoutes } from './modules/connections/connections.routes.js';
import { registerDisclosureRoutes } from './modules/disclosures/disclosures.routes.js';
import { registerPolicyRoutes } from './modules/privacy/policy.routes.js';
import { registerAnalyticsRoutes } from './modules/analytics/analytics.routes.js';
import { registerStaffRoutes } from './modules/staff/staff.routes.js';
import { registerOrganisationRoutes } from './modules/organisations/organisations.routes.js';
import { requireStaff } from './modules/staff/staff.guard.js';
import { registerHoldRoutes } from './modules/holds/holds.routes.js';
import { registerReviewRoutes } from './modules/review/review.routes.js';
import { registerSafetyStaffRoutes } from './modules/safety/safety-staff.routes.js';
import { registerSupportRoutes } from './modules/support/support.routes.js';
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
    // Fastify's request log lines carry the full URL, whose query may hold content: ours do not (http/request-log.ts).
    logController: new LogController({ disableRequestLogging: true }),
    ...(options.https ? { https: options.https } : {}),
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.decorateRequest('auth', null);
  registerRequestLog(app, container.technical, container.clock);
  registerSecurityHeaders(app, { tls: Boolean(options.https) });
  registerCors(app, container.config.corsOrigins);

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

  const guardOptions = { policy: container.policy, clock: container.clock, corsOrigins: container.config.corsOrigins };
  const guard = { preHandler: requireUser(container.accounts, guardOptions) };
  const messageGuard = { preHandler: requireUser(createRecentSessions(container.accounts, container.clock), guardOptions) };
  const optionalGuard = { preHandler: optionalUser(container.accounts) };
  registerAccountRoutes(app, { accounts: container.accounts, identity: container.identity, guard });
  registerMfaRoutes(app, container.mfa, container.identity, guard);
  registerIdentityRoutes(app, container.identity, guard);
  registerTermsRoutes(app, container.terms, { user: guard, optionalUser: optionalGuard });
  registerPaymentRoutes(app, container.payments, guard);
  registerTechnicalRoutes(app, container.technical, guard);
  registerCookieRoutes(app, container.cookies, { policy: container.policy, guard, corsOrigins: container.config.corsOrigins });
  registerConversationRoutes(app, container.conversations, { guard, messageGuard });
  registerVoiceRoutes(app, container.voice, { guard, maxAudioBytes: container.config.maxAudioBytes });
  registerPrivacyRoutes(app, container.privacy, guard);
  registerErasureRoutes(app, container.erasure, guard);
  registerFeedbackRoutes(app, container.feedback, guard);
  registerAnonymizeRoutes(app, guard, { key: container.piiKey, maxTextBytes: container.config.maxContentBytes });
  // Staff access, its audit trail and what users see of it (P13, P17–P20).
  const staffGuard = requireStaff(container.staff);
  registerOrganisationRoutes(app, container.organisations, guard);
  registerStaffRoutes(app, { staff: container.staff, grants: container.grants, access: container.staffAccess, userGuard: guard });
  registerHoldRoutes(app, container.holds, { staff: staffGuard, user: guard });
  registerReviewRoutes(app, container.review, staffGuard);
  registerSafetyStaffRoutes(app, container.safetyStaff, { guard: staffGuard, policy: container.policy });
  registerSupportRoutes(app, container.support, guard);
  registerAuditRoutes(app, container.audit, guard);
  registerExportRoutes(app, container.dataExport, guard);
  registerConnectionRoutes(app, container.connections, guard);
  registerDisclosureRoutes(app, container.disclosures, { staff: staffGuard, user: guard });
  registerPolicyRoutes(app, container.policy);
  registerAnalyticsRoutes(app, container.analytics, staffGuard);

  return app;
}
