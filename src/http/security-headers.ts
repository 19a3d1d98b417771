import type { App } from './types.js';

/**
 * Headers on every response. The API answers JSON that no browser should sniff, frame or cache;
 * the web app served by the same process loads only its own scripts and styles.
 */
export const securityHeaders: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Voice input (P04) needs the microphone on our own pages; nothing else does.
  'permissions-policy': 'camera=(), geolocation=(), payment=(), usb=(), microphone=(self)',
  'x-permitted-cross-domain-policies': 'none',
});

/** One year, and subdomains: only ever sent over TLS, where the browser honours it. */
export const HSTS = 'max-age=31536000; includeSubDomains';

export function registerSecurityHeaders(app: App, options: { tls: boolean }) {
  const headers: Record<string, string> = options.tls ? { ...securityHeaders, 'strict-transport-security': HSTS } : { ...securityHeaders };
  // A callback hook, not an async one: it runs on every response, and a promise per hook costs
  // more than the work it does.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.headers(headers);
    // Personal data must not sit in shared or browser caches.
    if (request.url.startsWith('/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
