import type { Selectable } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { StaffTable } from '../../db/schema.js';
import { normalizeEmail } from '../accounts/accounts.repository.js';

export type StaffRow = Selectable<StaffTable>;

export async function insertStaff(
  exec: Executor,
  s: { id: string; email: string; role: StaffRow['role']; passwordHash: string; totpSealed: Buffer; createdAt: Date },
): Promise<boolean> {
  const result = await exec
    .insertInto('staff')
    .values({
      id: s.id,
      email: s.email,
      email_normalized: normalizeEmail(s.email),
      role: s.role,
      password_hash: s.passwordHash,
      totp_secret_sealed: s.totpSealed,
      created_at: s.createdAt,
    })
    .onConflict((oc) => oc.column('email_normalized').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findStaffByEmail(exec: Executor, email: string): Promise<StaffRow | undefined> {
  return exec.selectFrom('staff').selectAll().where('email_normalized', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function findStaff(exec: Executor, id: string): Promise<StaffRow | undefined> {
  return exec.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listStaff(exec: Executor) {
  return exec.selectFrom('staff').select(['id', 'email', 'role', 'created_at', 'disabled_at']).orderBy('created_at').execute();
}

export async function disableStaff(exec: Executor, id: string, at: Date): Promise<void> {
  await exec.updateTable('staff').set({ disabled_at: at }).where('id', '=', id).where('disabled_at', 'is', null).execute();
  await exec.updateTable('staff_sessions').set({ revoked_at: at }).where('staff_id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Accepts a TOTP time step only if it is later than the last one accepted (no replay), atomically. */
export async function advanceStaffTimeStep(exec: Executor, id: string, step: number): Promise<boolean> {
  const result = await exec
    .updateTable('staff')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertStaffSession(
  exec: Executor,
  s: { id: string; staffId: string; tokenHash: Buffer; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await exec
    .insertInto('staff_sessions')
    .values({ id: s.id, staff_id: s.staffId, token_hash: s.tokenHash, created_at: s.createdAt, expires_at: s.expiresAt })
    .execute();
}

export async function findStaffSession(exec: Executor, tokenHash: Buffer) {
  return exec
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .select(['s.id as sessionId', 's.token_hash as tokenHash', 's.expires_at as expiresAt', 's.revoked_at as revokedAt', 'st.id as staffId', 'st.role', 'st.disabled_at as disabledAt'])
    .where('s.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function revokeStaffSession(exec: Executor, sessionId: string, at: Date): Promise<void> {
  await exec.updateTable('staff_sessions').set({ revoked_at: at }).where('id', '=', sessionId).where('revoked_at', 'is', null).execute();
}
