import { z } from 'zod';
import { retentionSchema } from '../../http/schemas.js';

export const createConversationBody = z.strictObject({ incognito: z.boolean().optional(), title: z.string().min(1).max(500).optional() });

export const createConversationResponse = z.object({ id: z.uuid(), incognito: z.boolean(), retention: retentionSchema });

/** The content bound here is generous; the configured byte limit is checked by the service (413). */
export const appendMessageBody = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.string().max(10_000_000),
});

export const appendMessageResponse = z.object({ id: z.uuid() });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The 201 body of a message append, `appendMessageResponse` written by hand: only `id`, only a
 * lower-case UUID (what the service returns), else it fails as a schema-checked serialiser would.
 */
export function appendedMessageJson(data: unknown): string {
  const id = (data as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || !UUID.test(id)) throw new Error('the appended message has no valid id');
  return `{"id":"${id}"}`;
}

export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

export const historyResponse = z.object({
  conversations: z.array(
    z.object({
      id: z.uuid(),
      createdAt: z.string(),
      lastActivityAt: z.string(),
      messageCount: z.number().int(),
      retention: retentionSchema,
    }),
  ),
});

export const conversationResponse = z.object({
  id: z.uuid(),
  incognito: z.boolean(),
  title: z.string().nullable(),
  messages: z.array(
    z.object({
      id: z.uuid(),
      role: z.enum(['user', 'assistant']),
      content: z.string().nullable().describe('null when the policy keeps no content (zero data retention)'),
      createdAt: z.string(),
    }),
  ),
  retention: retentionSchema,
});
