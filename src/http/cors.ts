import { sendProblem } from './problem.js';
import type { App } from './types.js';

/**
 * CORS, closed by default: with no configured origins, no response carries an
 * Access-Control-Allow-Origin header, so browsers keep other sites from reading anything.
 * A configured origin is echoed back (never `*`) with credentials allowed.
 */
export const CORS_ALLOWED_HEADERS = 'authorization, content-type, x-csrf-token';
export const CORS_ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
export const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;

export function registerCors(app: App, allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  // A callback hook, not an async one: it runs on every request. A preflight it answers itself
  // ends the request there (no done()).
  app.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    const isAllowed = typeof origin === 'string' && allowed.has(origin);
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (isAllowed) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
      reply.header('access-control-expose-headers', 'retry-after');
    }
    if (!preflight) return done();
    if (!isAllowed) {
      sendProblem(reply, request, { status: 403, code: 'cors_origin_refused', detail: 'this origin may not call the API from a browser' });
      return;
    }
    reply.header('access-control-allow-methods', CORS_ALLOWED_METHODS);
    reply.header('access-control-allow-headers', CORS_ALLOWED_HEADERS);
    reply.header('access-control-max-age', String(CORS_PREFLIGHT_MAX_AGE_SECONDS));
    reply.status(204).send();
  });
}
