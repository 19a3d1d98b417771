import { z } from 'zod';
import { accessPurposes, staffRoles } from '../../policy/index.js';

export const staffLoginBody = z.strictObject({
  email: z.string().min(3).max(320),
  password: z.string().min(1).max(1024),
  totp: z.string().regex(/^[0-9]{6}$/),
});

export const staffLoginResponse = z.object({ token: z.string(), expiresAt: z.string(), role: z.enum(staffRoles) });

export const staffMeResponse = z.object({ id: z.uuid(), email: z.string(), role: z.enum(staffRoles) });

export const grantBody = z.strictObject({
  subject: z.union([z.strictObject({ accountId: z.uuid() }), z.strictObject({ conversationId: z.uuid() })]),
  purpose: z.enum(accessPurposes),
  caseRef: z.string().min(1).max(64),
  ttlMinutes: z.number().int().min(1).max(10_080),
  supportRequestRef: z.string().min(1).max(64).optional(),
});

export const grantResponse = z.object({
  id: z.uuid(),
  purpose: z.enum(accessPurposes),
  caseRef: z.string(),
  subject: z.object({ accountId: z.uuid(), conversationId: z.uuid().nullable() }),
  supportRequestRef: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  approvalRequired: z.boolean(),
  approvedAt: z.string().nullable(),
  deniedAt: z.string().nullable(),
});

export const grantQuery = z.strictObject({ grantId: z.uuid().optional() });

export const accessSchema = z.object({ grantId: z.uuid(), purpose: z.enum(accessPurposes), caseRef: z.string(), expiresAt: z.string() });

export const staffConversationListResponse = z.object({
  account: z.object({ id: z.uuid(), pseudonym: z.string(), kind: z.string() }),
  access: accessSchema,
  conversations: z.array(
    z.object({
      id: z.uuid(),
      incognito: z.boolean(),
      title: z.string().nullable(),
      messageCount: z.number().int(),
      createdAt: z.string(),
      lastActivityAt: z.string(),
      deletedAt: z.string().nullable(),
    }),
  ),
});

export const staffConversationResponse = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  pseudonym: z.string(),
  incognito: z.boolean(),
  title: z.string().nullable(),
  createdAt: z.string(),
  deletedAt: z.string().nullable(),
  access: accessSchema,
  messages: z.array(
    z.object({
      id: z.uuid(),
      seq: z.number().int(),
      role: z.enum(['user', 'assistant']),
      content: z.string().nullable().describe('null when no content was kept, or its key was destroyed'),
      createdAt: z.string(),
    }),
  ),
});

export const accessRequestsResponse = z.object({
  requests: z.array(
    z.object({
      grantId: z.uuid(),
      staffRole: z.enum(staffRoles),
      purpose: z.enum(accessPurposes),
      caseRef: z.string(),
      subject: z.string().describe('the pseudonym of the member whose data would be opened'),
      conversationId: z.uuid().nullable(),
      requestedAt: z.string(),
      expiresAt: z.string(),
      status: z.enum(['pending', 'approved', 'denied', 'closed']),
    }),
  ),
});

export const orgGrantParams = z.strictObject({ id: z.uuid(), grantId: z.uuid() });
