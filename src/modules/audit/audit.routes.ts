import { z } from 'zod';
import type { App } from '../../http/types.js';
import { callerOf, type RouteGuard } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import type { AuditModule } from './audit.service.js';

const checkpointSchema = z.object({
  origin: z.string(),
  size: z.number().int(),
  rootHash: z.string().describe('base64 of the 32-byte RFC 6962 root'),
  keyId: z.string(),
  signature: z.string().describe('base64 Ed25519 signature over "<origin>\\n<size>\\n<base64 root>\\n"'),
  signedAt: z.string().nullable(),
  note: z.string().nullable().describe('the same checkpoint as a C2SP signed note'),
});

const keySchema = z.object({
  keyId: z.string(),
  algorithm: z.literal('Ed25519'),
  publicKey: z.string().describe('base64 of the raw 32-byte public key'),
  publicKeyPem: z.string(),
  noteVerifierKey: z.string().describe('C2SP signed-note verifier key'),
});

export const accessLogResponse = z.object({
  checkpoint: checkpointSchema,
  key: keySchema,
  entries: z.array(
    z.object({
      at: z.string(),
      action: z.string(),
      staffRole: z.string().nullable(),
      purpose: z.string().nullable(),
      caseRef: z.string().nullable(),
      opened: z.string().nullable(),
      conversationId: z.string().nullable(),
      grantId: z.string().nullable(),
      leafIndex: z.number().int(),
      leafHash: z.string().describe('base64 SHA-256(0x00 || entry)'),
      entry: z.string().describe('the canonical entry, exactly the bytes that were hashed (UTF-8)'),
      proof: z.array(z.string()).describe('RFC 6962 audit path to the checkpoint root, deepest sibling first (base64)'),
    }),
  ),
});

export function registerAuditRoutes(app: App, audit: AuditModule, guard: RouteGuard) {
  const tags = ['audit'];

  app.get(
    '/v1/audit/checkpoint',
    { schema: { tags, response: { 200: z.object({ checkpoint: checkpointSchema, key: keySchema }), ...problemResponses } } },
    async () => audit.checkpoint(),
  );

  app.get(
    '/v1/audit/consistency',
    {
      schema: {
        tags,
        querystring: z.strictObject({ from: z.coerce.number().int().min(1), to: z.coerce.number().int().min(1).optional() }),
        response: { 200: z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(z.string()) }), ...problemResponses },
      },
    },
    async (request) => audit.consistencyProof(request.query.from, request.query.to),
  );

  // P20: every staff access to the caller's data, each provably in the signed log.
  app.get(
    '/v1/me/access-log',
    { ...guard, schema: { tags: ['privacy'], querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(200) }), response: { 200: accessLogResponse, ...problemResponses } } },
    async (request) => audit.accessLog(callerOf(request).pseudonym, request.query.limit),
  );
}
