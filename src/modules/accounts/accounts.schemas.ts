import { z } from 'zod';

export const registerBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(10).max(256),
  name: z.string().trim().min(1).max(200),
  inviteToken: z.string().min(1).max(200).optional(),
});

export const accountResponse = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  kind: z.enum(['consumer', 'team', 'enterprise', 'api']),
  orgId: z.uuid().nullable(),
});

export const loginBody = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
});

export const sessionResponse = z.object({ token: z.string(), expiresAt: z.string() });
