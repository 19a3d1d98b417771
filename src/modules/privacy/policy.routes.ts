import { z } from 'zod';
import type { App } from '../../http/types.js';
import { policyStatements, type Policy } from '../../policy/index.js';
import { renderPolicyPage } from './policy-page.js';

const policyResponse = z.object({
  version: z.string(),
  publishedAt: z.string(),
  operator: z.object({ name: z.string(), contact: z.string() }),
  statements: z.array(z.object({ id: z.string(), title: z.string(), text: z.string() })),
});

/** The published policy: a page for people, the same statements as JSON for machines. Public. */
export function registerPolicyRoutes(app: App, policy: Policy) {
  // Made once: the policy of a running process does not change.
  const page = renderPolicyPage(policy);
  const body = { version: policy.version, publishedAt: policy.publishedAt, operator: policy.operator, statements: policyStatements(policy) };
  app.get('/v1/policy', { schema: { tags: ['privacy'], response: { 200: policyResponse } } }, async () => body);
  app.get('/policy', { schema: { tags: ['privacy'], produces: ['text/html'], response: { 200: z.string() } } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
}
