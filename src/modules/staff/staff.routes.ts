import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { StaffModule } from './staff.service.js';
import type { GrantsModule } from './grants.service.js';
import type { StaffAccessModule } from './staff-access.service.js';
import { decorateStaff, requireStaff, staffOf } from './staff.guard.js';
import {
  accessRequestsResponse,
  grantBody,
  grantQuery,
  grantResponse,
  orgGrantParams,
  staffConversationListResponse,
  staffConversationResponse,
  staffLoginBody,
  staffLoginResponse,
  staffMeResponse,
} from './staff.schemas.js';

export interface StaffRouteDeps {
  staff: StaffModule;
  grants: GrantsModule;
  access: StaffAccessModule;
  /** The user guard, for the organisation admin routes (P19). */
  userGuard: RouteGuard;
}

export function registerStaffRoutes(app: App, { staff, grants, access, userGuard }: StaffRouteDeps) {
  decorateStaff(app);
  const guard = requireStaff(staff);
  const tags = ['staff'];

  app.post(
    '/v1/staff/sessions',
    { schema: { tags, body: staffLoginBody, response: { 201: staffLoginResponse, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(await staff.login(request.body, { ip: request.ip ?? null })),
  );

  app.delete(
    '/v1/staff/sessions/current',
    { ...guard, schema: { tags, response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await staff.logout(staffOf(request).sessionId);
      return reply.status(204).send(null);
    },
  );

  app.get('/v1/staff/me', { ...guard, schema: { tags, response: { 200: staffMeResponse, ...problemResponses } } }, async (request) =>
    staff.me(staffOf(request).staffId),
  );

  app.post(
    '/v1/staff/grants',
    { ...guard, schema: { tags, body: grantBody, response: { 201: grantResponse, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(await grants.request(staffOf(request), request.body)),
  );

  app.get(
    '/v1/staff/grants',
    { ...guard, schema: { tags, response: { 200: z.object({ grants: z.array(grantResponse) }), ...problemResponses } } },
    async (request) => ({ grants: await grants.list(staffOf(request)) }),
  );

  app.post(
    '/v1/staff/grants/:id/revoke',
    { ...guard, schema: { tags, params: uuidParam, response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await grants.revoke(staffOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/v1/staff/accounts/:id/conversations',
    { ...guard, schema: { tags, params: uuidParam, querystring: grantQuery, response: { 200: staffConversationListResponse, ...problemResponses } } },
    async (request) => access.listConversations(staffOf(request), request.params.id, request.query.grantId),
  );

  app.get(
    '/v1/staff/conversations/:id',
    { ...guard, schema: { tags, params: uuidParam, querystring: grantQuery, response: { 200: staffConversationResponse, ...problemResponses } } },
    async (request) => access.readConversation(staffOf(request), request.params.id, request.query.grantId),
  );

  // P19: the organisation's admins see and answer staff access requests to their members' data.
  app.get(
    '/v1/orgs/:id/access-requests',
    { ...userGuard, schema: { tags: ['organisations'], params: uuidParam, response: { 200: accessRequestsResponse, ...problemResponses } } },
    async (request) => ({ requests: await grants.accessRequests(callerOf(request), request.params.id) }),
  );

  app.post(
    '/v1/orgs/:id/access-requests/:grantId/approve',
    { ...userGuard, schema: { tags: ['organisations'], params: orgGrantParams, response: { 200: grantResponse, ...problemResponses } } },
    async (request) => grants.approve(callerOf(request), request.params.id, request.params.grantId),
  );

  app.post(
    '/v1/orgs/:id/access-requests/:grantId/deny',
    { ...userGuard, schema: { tags: ['organisations'], params: orgGrantParams, response: { 200: grantResponse, ...problemResponses } } },
    async (request) => grants.deny(callerOf(request), request.params.id, request.params.grantId),
  );
}
