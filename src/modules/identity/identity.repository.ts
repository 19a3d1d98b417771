import type { Executor } from '../../db/executor.js';
import { normalizeEmail } from '../accounts/accounts.repository.js';

export async function insertEmailVerification(
  exec: Executor,
  v: { id: string; accountId: string; email: string; tokenHash: Buffer; createdAt: Date; expiresAt: Date },
): Promise<void> {
  // A new link supersedes the earlier ones: only the latest address asked for can be confirmed.
  await exec
    .updateTable('email_verifications')
    .set({ used_at: v.createdAt })
    .where('account_id', '=', v.accountId)
    .where('used_at', 'is', null)
    .execute();
  await exec
    .insertInto('email_verifications')
    .values({
      id: v.id,
      account_id: v.accountId,
      email: v.email,
      token_hash: v.tokenHash,
      created_at: v.createdAt,
      expires_at: v.expiresAt,
      used_at: null,
    })
    .execute();
}

/** Spends a verification token at `now`: returns what it confirms, or nothing if it is not usable. */
export async function spendEmailVerification(exec: Executor, tokenHash: Buffer, now: Date) {
  return exec
    .updateTable('email_verifications')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['account_id', 'email', 'token_hash'])
    .executeTakeFirst();
}

export async function findPendingEmail(exec: Executor, accountId: string, now: Date): Promise<string | null> {
  const row = await exec
    .selectFrom('email_verifications')
    .select('email')
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row?.email ?? null;
}

/** True when another live account already uses this address. */
export async function emailTakenByOther(exec: Executor, email: string, accountId: string): Promise<boolean> {
  const row = await exec
    .selectFrom('accounts')
    .select('id')
    .where('email_normalized', '=', normalizeEmail(email))
    .where('id', '<>', accountId)
    .executeTakeFirst();
  return Boolean(row);
}

export async function confirmEmail(exec: Executor, accountId: string, email: string, now: Date): Promise<void> {
  await exec
    .updateTable('accounts')
    .set({ email, email_normalized: normalizeEmail(email), email_verified_at: now })
    .where('id', '=', accountId)
    .where('deleted_at', 'is', null)
    .execute();
}

export async function updateProfile(exec: Executor, accountId: string, changes: { name?: string; phone?: string | null }): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await exec.updateTable('accounts').set(changes).where('id', '=', accountId).execute();
}

/** Used and expired links hold an address and nothing else of use: at most `limit` go per call. */
export async function purgeSpentEmailVerifications(exec: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await exec
    .deleteFrom('email_verifications')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('email_verifications')
        .select('id')
        .where((w) => w.or([w('used_at', 'is not', null), w('expires_at', '<=', now)]))
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
