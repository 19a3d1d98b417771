import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { smallBody } from '../../http/limits.js';
import { problemResponses, uuidParam } from '../../http/schemas.js';
import type { ConnectionsModule } from './connections.service.js';

export const connectionView = z.object({
  id: z.uuid(),
  service: z.string(),
  scopes: z.array(z.string()).describe('what the service can reach on the user\'s behalf'),
  connectedAt: z.string(),
});

// A service and its scopes are identifiers, never free text: they show in lists and exports.
const identifier = z.string().min(1).max(100).regex(/^[a-z0-9][a-z0-9._:/-]*$/, 'lower-case letters, digits and . _ : / -');

const connectBody = z.strictObject({
  service: identifier,
  scopes: z.array(identifier).min(1).max(50),
  credential: z.string().min(1).max(8192).describe('the token or key the service is reached with; stored encrypted and never returned'),
});

/** P28: the user lists their connected services, sees what each can reach, and removes one. */
export function registerConnectionRoutes(app: App, connections: ConnectionsModule, guard: RouteGuard) {
  const tags = ['connections'];
  app.get('/v1/me/connections', { ...guard, schema: { tags, response: { 200: z.object({ connections: z.array(connectionView) }), ...problemResponses } } }, async (request) => ({
    connections: await connections.list(callerOf(request).accountId),
  }));

  app.post('/v1/me/connections', { ...guard, ...smallBody, schema: { tags, body: connectBody, response: { 201: connectionView, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(await connections.connect(callerOf(request).accountId, request.body)),
  );

  app.delete('/v1/me/connections/:id', { ...guard, schema: { tags, params: uuidParam, response: { 204: z.null(), ...problemResponses } } }, async (request, reply) => {
    await connections.remove(callerOf(request).accountId, request.params.id);
    return reply.status(204).send(null);
  });
}
