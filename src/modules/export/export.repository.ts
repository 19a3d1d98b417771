import type { Executor } from '../../db/executor.js';

/**
 * Every conversation the account still has, incognito ones included, oldest first: an export is
 * all the data held about its owner, not the history view (which leaves incognito chats out, P03).
 * Conversations the owner deleted are gone for them (P11) and are not listed.
 */
export async function liveConversationIds(exec: Executor, accountId: string): Promise<string[]> {
  const rows = await exec
    .selectFrom('conversations')
    .select('id')
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
