import { z } from 'zod';

export const profileResponse = z.object({
  id: z.uuid(),
  pseudonym: z.string().describe('USER + 12 digits: stands for this account in audit entries, exports and staff views'),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  pendingEmail: z.string().nullable().describe('a new address waiting for its confirmation link'),
  phone: z.string().nullable().describe('E.164'),
  kind: z.enum(['consumer', 'team', 'enterprise', 'api']),
  orgId: z.uuid().nullable(),
  createdAt: z.string(),
});

export const profilePatchBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.email().max(254).optional(),
    phone: z.string().max(32).nullable().optional().describe('E.164, e.g. +14155552671; null removes it'),
  })
  .refine((b) => b.name !== undefined || b.email !== undefined || b.phone !== undefined, { message: 'name, email or phone is required' });

export const verifyEmailBody = z.strictObject({ token: z.string().min(1).max(200) });

export const verifyEmailResponse = z.object({ email: z.string(), verified: z.literal(true) });
