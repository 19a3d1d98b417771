import type { Executor } from '../../db/executor.js';

export async function findTotp(exec: Executor, accountId: string) {
  return exec
    .selectFrom('mfa_totp')
    .select(['secret_sealed', 'created_at', 'enabled_at', 'last_time_step'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
}

/** Starts (or restarts) an enrolment; never touches a factor that is already on. */
export async function upsertPendingTotp(exec: Executor, accountId: string, secretSealed: Buffer, now: Date): Promise<boolean> {
  const result = await exec
    .insertInto('mfa_totp')
    .values({ account_id: accountId, secret_sealed: secretSealed, created_at: now, enabled_at: null, last_time_step: null })
    .onConflict((oc) =>
      oc
        .column('account_id')
        .doUpdateSet({ secret_sealed: secretSealed, created_at: now, last_time_step: null })
        .where('mfa_totp.enabled_at', 'is', null),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function enableTotp(exec: Executor, accountId: string, now: Date, timeStep: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfa_totp')
    .set({ enabled_at: now, last_time_step: timeStep })
    .where('account_id', '=', accountId)
    .where('enabled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Records that a time step was used. Conditional, so two requests racing with the same code
 * cannot both succeed: only the one that moves the step forward wins.
 */
export async function advanceTimeStep(exec: Executor, accountId: string, timeStep: number): Promise<boolean> {
  const result = await exec
    .updateTable('mfa_totp')
    .set({ last_time_step: timeStep })
    .where('account_id', '=', accountId)
    .where((eb) => eb.or([eb('last_time_step', 'is', null), eb('last_time_step', '<', timeStep)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteMfa(exec: Executor, accountId: string): Promise<void> {
  await exec.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute();
  await exec.deleteFrom('mfa_totp').where('account_id', '=', accountId).execute();
}

export async function replaceRecoveryCodes(exec: Executor, accountId: string, hashes: readonly Buffer[], now: Date): Promise<void> {
  await exec.deleteFrom('mfa_recovery_codes').where('account_id', '=', accountId).execute();
  await exec
    .insertInto('mfa_recovery_codes')
    .values(hashes.map((code_hash) => ({ account_id: accountId, code_hash, created_at: now, used_at: null })))
    .execute();
}

/** Uses up a recovery code; false when it is unknown or already used (atomically). */
export async function consumeRecoveryCode(exec: Executor, accountId: string, codeHash: Buffer, now: Date): Promise<boolean> {
  const result = await exec
    .updateTable('mfa_recovery_codes')
    .set({ used_at: now })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(exec: Executor, accountId: string): Promise<number> {
  const row = await exec
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
