import type { Executor } from '../../db/executor.js';
import type { AccountRow, OrganisationRow } from '../../db/schema.js';

export interface NewAccount {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  kind: AccountRow['kind'];
  orgId: string | null;
  pseudonym: string;
  trainingOptIn: boolean;
  createdAt: Date;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export async function insertAccount(exec: Executor, a: NewAccount): Promise<boolean> {
  const result = await exec
    .insertInto('accounts')
    .values({
      id: a.id,
      email: a.email,
      email_normalized: normalizeEmail(a.email),
      name: a.name,
      password_hash: a.passwordHash,
      kind: a.kind,
      org_id: a.orgId,
      pseudonym: a.pseudonym,
      training_opt_in: a.trainingOptIn,
      created_at: a.createdAt,
    })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findLiveAccountByEmail(exec: Executor, email: string): Promise<AccountRow | undefined> {
  return exec
    .selectFrom('accounts')
    .selectAll()
    .where('email_normalized', '=', normalizeEmail(email))
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function findAccount(exec: Executor, id: string): Promise<AccountRow | undefined> {
  return exec.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findOrganisation(exec: Executor, id: string): Promise<OrganisationRow | undefined> {
  return exec.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertSession(
  exec: Executor,
  s: { id: string; accountId: string; tokenHash: Buffer; createdAt: Date; expiresAt: Date; ip: string | null; userAgent: string | null },
): Promise<void> {
  await exec
    .insertInto('sessions')
    .values({
      id: s.id,
      account_id: s.accountId,
      token_hash: s.tokenHash,
      created_at: s.createdAt,
      expires_at: s.expiresAt,
      ip: s.ip,
      user_agent: s.userAgent,
    })
    .execute();
}

/**
 * The session behind a token hash, with what every request needs to know about its account:
 * whether it accepted the terms in force (`termsVersion`) and whether MFA is on or required.
 * One indexed query per request.
 */
export async function findSessionByTokenHash(exec: Executor, tokenHash: Buffer, termsVersion: string | null = null) {
  return exec
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('organisations as o', 'o.id', 'a.org_id')
    .leftJoin('mfa_totp as m', 'm.account_id', 'a.id')
    .leftJoin('terms_acceptances as t', (join) =>
      join.onRef('t.account_id', '=', 'a.id').on('t.version', '=', termsVersion ?? ''),
    )
    .select([
      's.id as sessionId',
      's.token_hash as tokenHash',
      's.expires_at as expiresAt',
      's.revoked_at as revokedAt',
      'a.id as accountId',
      'a.kind as kind',
      'a.org_id as orgId',
      'a.pseudonym as pseudonym',
      'a.training_opt_in as trainingOptIn',
      'a.deleted_at as accountDeletedAt',
      'o.zero_data_retention as orgZeroDataRetention',
      'o.retention_days as orgRetentionDays',
      'o.training_consent as orgTrainingConsent',
      'o.require_mfa as orgRequireMfa',
      'm.enabled_at as mfaEnabledAt',
      't.accepted_at as termsAcceptedAt',
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Sessions that still work: not revoked, not expired, of a live account. */
export async function listLiveSessions(exec: Executor, accountId: string, now: Date) {
  return exec
    .selectFrom('sessions')
    .select(['id', 'created_at', 'expires_at', 'ip', 'user_agent'])
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function revokeSession(exec: Executor, accountId: string, sessionId: string, now: Date): Promise<boolean> {
  const result = await exec
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends every session of the account except `keepSessionId` (null = all of them). */
export async function revokeOtherSessions(exec: Executor, accountId: string, keepSessionId: string | null, now: Date): Promise<number> {
  let query = exec.updateTable('sessions').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null);
  if (keepSessionId) query = query.where('id', '<>', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function updatePasswordHash(exec: Executor, accountId: string, passwordHash: string, now: Date): Promise<void> {
  await exec.updateTable('accounts').set({ password_hash: passwordHash, password_changed_at: now }).where('id', '=', accountId).execute();
}
