import type { FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import type { TechnicalModule } from '../modules/technical/technical.service.js';
import { problemCodeOf } from './problem.js';
import type { App } from './types.js';

/**
 * One log line and one technical record per request (P24), both built from the same narrow facts:
 * method, route template, status, latency. Never the URL (its query may carry content), never a
 * body, never a header value other than the parsed user agent. Fastify's own request logging is
 * off because it logs the full URL.
 */
const started = new WeakMap<FastifyRequest, { at: Date; hr: bigint }>();

/** Routes not worth a record: probes that a load balancer calls every few seconds. */
const UNRECORDED = new Set(['/healthz']);

export const UNMATCHED_ROUTE = '(unmatched)';

export function registerRequestLog(app: App, technical: Pick<TechnicalModule, 'record' | 'flush'>, clock: Clock) {
  // Callback hooks, not async ones: they run on every request, and a promise per hook costs more
  // than the work they do.
  app.addHook('onRequest', (request, _reply, done) => {
    started.set(request, { at: clock.now(), hr: process.hrtime.bigint() });
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const start = started.get(request);
    const latencyMs = start ? Number(process.hrtime.bigint() - start.hr) / 1e6 : 0;
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const status = reply.statusCode;
    request.log.info({ method: request.method, route, status, latencyMs: Math.round(latencyMs * 10) / 10 }, 'request completed');
    if (!UNRECORDED.has(route)) {
      const ua = request.headers['user-agent'];
      technical.record({
        at: start?.at ?? clock.now(),
        accountId: request.auth?.accountId ?? null,
        ip: request.ip ?? null,
        userAgent: typeof ua === 'string' ? ua : null,
        method: request.method,
        route,
        status,
        latencyMs,
        errorCode: problemCodeOf(request),
      });
    }
    done();
  });

  app.addHook('onClose', async () => {
    await technical.flush();
  });
}
