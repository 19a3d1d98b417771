import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import { sessionListResponse } from '../accounts/accounts.schemas.js';
import { accessLogResponse } from '../audit/audit.routes.js';
import { conversationResponse } from '../conversations/conversations.schemas.js';
import { consentResponse } from '../cookies/cookies.routes.js';
import { connectionView } from '../connections/connections.routes.js';
import { disclosureView } from '../disclosures/disclosures.routes.js';
import { noticeResponse } from '../holds/holds.routes.js';
import { profileResponse } from '../identity/identity.schemas.js';
import { paymentMethodResponse } from '../payments/payments.routes.js';
import { consentChange, privacyResponse } from '../privacy/privacy.routes.js';
import { supportRequest } from '../support/support.routes.js';
import { technicalResponse } from '../technical/technical.routes.js';
import { renderExportPage } from './export.page.js';
import { EXPORT_FORMAT, type ExportModule } from './export.service.js';

// Each part has the schema of the route that serves it on its own: the export says nothing those routes would not.
const exportResponse = z.object({
  format: z.literal(EXPORT_FORMAT),
  generatedAt: z.string(),
  policyVersion: z.string(),
  account: profileResponse,
  privacy: privacyResponse,
  consentHistory: z.array(consentChange),
  conversations: z.array(conversationResponse),
  sessions: sessionListResponse.shape.sessions,
  technicalData: technicalResponse.shape.records,
  cookieConsent: consentResponse,
  paymentMethod: paymentMethodResponse.nullable(),
  connections: z.array(connectionView).describe('what each connected service can reach; credentials are never exported'),
  supportRequests: z.array(supportRequest),
  legalHoldNotices: noticeResponse.shape.holds,
  disclosures: z.array(disclosureView).describe('disclosures to third parties the law allows telling the user about'),
  staffAccessLog: accessLogResponse.nullable().describe('null until the audit log has its first signed checkpoint'),
});

const attachment = (ext: string, at: string) => `attachment; filename="my-data-${at.slice(0, 10)}.${ext}"`;

/** P29: the caller's data, machine-readable (JSON) and human-readable (an HTML page). */
export function registerExportRoutes(app: App, exports: ExportModule, guard: RouteGuard) {
  app.get(
    '/v1/me/export',
    { ...guard, schema: { tags: ['privacy'], response: { 200: exportResponse, ...problemResponses } } },
    async (request, reply) => {
      const data = await exports.exportFor(callerOf(request));
      void reply.header('content-disposition', attachment('json', data.generatedAt)).header('cache-control', 'no-store');
      return data;
    },
  );

  app.get(
    '/v1/me/export.html',
    { ...guard, schema: { tags: ['privacy'], produces: ['text/html'], response: { 200: z.string(), ...problemResponses } } },
    async (request, reply) => {
      const data = await exports.exportFor(callerOf(request));
      void reply.type('text/html; charset=utf-8').header('content-disposition', attachment('html', data.generatedAt)).header('cache-control', 'no-store');
      return renderExportPage(data);
    },
  );
}
