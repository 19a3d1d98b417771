import { z } from 'zod';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { ConversationsModule } from './conversations.service.js';
import {
  appendMessageBody,
  appendMessageResponse,
  appendedMessageJson,
  conversationResponse,
  createConversationBody,
  createConversationResponse,
  historyQuery,
  historyResponse,
} from './conversations.schemas.js';

/**
 * `messageGuard` authenticates the message append, the one hot write: it may reuse a session
 * looked up a few seconds earlier because the write itself checks that the session is live.
 */
export function registerConversationRoutes(app: App, conversations: ConversationsModule, guards: { guard: RouteGuard; messageGuard: RouteGuard }) {
  const { guard, messageGuard } = guards;

  app.post(
    '/v1/conversations',
    { ...guard, schema: { tags: ['conversations'], body: createConversationBody.optional(), response: { 201: createConversationResponse, ...problemResponses } } },
    async (request, reply) => {
      const created = await conversations.create(callerOf(request).accountId, { incognito: request.body?.incognito ?? false, title: request.body?.title });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/conversations',
    { ...guard, schema: { tags: ['conversations'], querystring: historyQuery, response: { 200: historyResponse, ...problemResponses } } },
    async (request) => ({
      conversations: await conversations.history(callerOf(request).accountId, {
        limit: request.query.limit,
        before: request.query.before ? new Date(request.query.before) : null,
      }),
    }),
  );

  app.get(
    '/v1/conversations/:id',
    { ...guard, schema: { tags: ['conversations'], params: uuidParam, response: { 200: conversationResponse, ...problemResponses } } },
    async (request) => conversations.get(callerOf(request).accountId, request.params.id),
  );

  app.delete(
    '/v1/conversations/:id',
    { ...guard, schema: { tags: ['conversations'], params: uuidParam, response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await conversations.delete(callerOf(request).accountId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/v1/conversations/:id/messages',
    {
      ...messageGuard,
      schema: { tags: ['conversations'], params: uuidParam, body: appendMessageBody, response: { 201: appendMessageResponse, ...problemResponses } },
      // The one hot route: its success body is written without a schema pass (what it holds is
      // checked as cheaply, see appendedMessageJson); every other status as on every route.
      // (Fastify hands each status its own response schema, typed here as the route's whole schema.)
      serializerCompiler: (route) => (route.httpStatus === '201' ? appendedMessageJson : serializerCompiler(route as unknown as Parameters<typeof serializerCompiler>[0])),
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const message = await conversations.appendMessage(caller.accountId, request.params.id, request.body, { sessionId: caller.sessionId });
      return reply.status(201).send(message);
    },
  );
}
