import type { Executor } from '../../db/executor.js';

export async function insertHold(
  exec: Executor,
  h: { id: string; accountId: string; conversationId: string | null; basis: string; until: Date | null; notifySubject: boolean; createdAt: Date; createdBy: string },
): Promise<void> {
  await exec
    .insertInto('legal_holds')
    .values({
      id: h.id,
      account_id: h.accountId,
      conversation_id: h.conversationId,
      basis: h.basis,
      until: h.until,
      notify_subject: h.notifySubject,
      created_at: h.createdAt,
      created_by: h.createdBy,
    })
    .execute();
}

export async function lockHold(exec: Executor, id: string) {
  return exec.selectFrom('legal_holds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function markReleased(exec: Executor, id: string, at: Date): Promise<void> {
  await exec.updateTable('legal_holds').set({ released_at: at }).where('id', '=', id).execute();
}

export async function listHolds(exec: Executor, filter: { accountId?: string | undefined; activeOnly?: boolean; notifiedOnly?: boolean }, limit = 500) {
  let query = exec.selectFrom('legal_holds').selectAll().orderBy('created_at', 'desc').limit(limit);
  if (filter.accountId) query = query.where('account_id', '=', filter.accountId);
  if (filter.activeOnly) query = query.where('released_at', 'is', null);
  if (filter.notifiedOnly) query = query.where('notify_subject', '=', true);
  return query.execute();
}

/** Holds in force at `now` on an account (released ones and lapsed ones do not protect anything). */
export async function activeHolds(exec: Executor, accountId: string, now: Date) {
  return exec
    .selectFrom('legal_holds')
    .select(['id', 'conversation_id', 'until'])
    .where('account_id', '=', accountId)
    .where('released_at', 'is', null)
    .where((eb) => eb.or([eb('until', 'is', null), eb('until', '>', now)]))
    .execute();
}

/** Conversations of the account that were deleted while a hold kept their key alive. */
export async function deletedConversations(exec: Executor, accountId: string) {
  return exec
    .selectFrom('conversations')
    .select(['id', 'content_persisted'])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is not', null)
    .execute();
}

export async function accountForHold(exec: Executor, accountId: string) {
  return exec.selectFrom('accounts').select(['id', 'pseudonym', 'email', 'deleted_at']).where('id', '=', accountId).executeTakeFirst();
}

export async function conversationOfAccount(exec: Executor, accountId: string, conversationId: string) {
  return exec.selectFrom('conversations').select(['id']).where('account_id', '=', accountId).where('id', '=', conversationId).executeTakeFirst();
}

