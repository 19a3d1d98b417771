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

/** The session behind a token hash, with what every request needs to know about its account. */
export async function findSessionByTokenHash(exec: Executor, tokenHash: Buffer) {
  return exec
    .selectFrom('sessions as s')
    .innerJoin('accounts as a', 'a.id', 's.account_id')
    .leftJoin('organisations as o', 'o.id', 'a.org_id')
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
    ])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}
