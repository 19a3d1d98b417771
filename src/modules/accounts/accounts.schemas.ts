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
  pseudonym: z.string().describe('the pseudonymous identifier used in place of the email in audit entries, exports and staff views'),
});

export const loginBody = z.strictObject({
  email: z.string().min(1).max(254),
  password: z.string().min(1).max(256),
  totp: z.string().max(16).optional().describe('the current code of the authenticator, when MFA is on'),
  recoveryCode: z.string().max(32).optional().describe('a single-use recovery code, instead of totp'),
});

export const sessionResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  csrfToken: z.string().describe('echo in X-CSRF-Token on state-changing requests that rely on the session cookie'),
});

export const sessionListResponse = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      createdAt: z.string(),
      expiresAt: z.string(),
      ip: z.string().nullable(),
      browser: z.string().nullable(),
      os: z.string().nullable(),
      deviceClass: z.string(),
      current: z.boolean(),
    }),
  ),
});

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: z.string().min(10).max(256),
});

export const changePasswordResponse = z.object({ endedSessions: z.number().int() });
