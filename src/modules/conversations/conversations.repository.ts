import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';

export async function insertConversation(
  exec: Executor,
  c: {
    accountId: string;
    id: string;
    incognito: boolean;
    contentPersisted: boolean;
    createdAt: Date;
    deleteAfter: Date | null;
    rule: string;
    title: { ciphertext: Buffer; keyVersion: number } | null;
  },
): Promise<void> {
  await exec
    .insertInto('conversations')
    .values({
      account_id: c.accountId,
      id: c.id,
      incognito: c.incognito,
      content_persisted: c.contentPersisted,
      created_at: c.createdAt,
      last_activity_at: c.createdAt,
      delete_after: c.deleteAfter,
      retention_rule: c.rule,
      title: c.title?.ciphertext ?? null,
      title_key_version: c.title?.keyVersion ?? null,
    })
    .execute();
}

/** The owner's live conversation, locked for the rest of the transaction (message order). */
export async function lockLiveConversation(exec: Executor, accountId: string, id: string) {
  return exec
    .selectFrom('conversations')
    .select(['id', 'incognito', 'content_persisted', 'message_count', 'last_activity_at'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The owner's live conversation, locked, together with every fact its retention decision needs
 * (account, organisation, unreleased legal holds): one round trip instead of three on the path
 * every message takes.
 */
export async function lockLiveConversationWithFacts(exec: Executor, accountId: string, id: string) {
  const result = await sql<{
    id: string;
    incognito: boolean;
    content_persisted: boolean;
    message_count: number;
    kind: 'consumer' | 'team' | 'enterprise' | 'api';
    training_opt_in: boolean;
    deleted_at: Date | string | null;
    zero_data_retention: boolean | null;
    retention_days: number | null;
    training_consent: boolean | null;
    holds: { id: string; conversation_id: string | null; until: string | null }[] | string;
  }>`
    select c.id, c.incognito, c.content_persisted, c.message_count,
           a.kind, a.training_opt_in, a.deleted_at, o.zero_data_retention, o.retention_days, o.training_consent,
           coalesce((select json_agg(json_build_object('id', h.id, 'conversation_id', h.conversation_id, 'until', h.until))
                       from legal_holds h
                      where h.account_id = c.account_id and h.released_at is null), '[]'::json) as holds
      from conversations c
      join accounts a on a.id = c.account_id
      left join organisations o on o.id = a.org_id
     where c.account_id = ${accountId} and c.id = ${id} and c.deleted_at is null
       for update of c
  `.execute(exec);
  const row = result.rows[0];
  if (!row) return undefined;
  return { ...row, holds: typeof row.holds === 'string' ? (JSON.parse(row.holds) as Exclude<typeof row.holds, string>) : row.holds };
}

export async function findLiveConversation(exec: Executor, accountId: string, id: string) {
  return exec
    .selectFrom('conversations')
    .select(['id', 'incognito', 'content_persisted', 'created_at', 'last_activity_at', 'delete_after', 'retention_rule', 'message_count', 'title', 'title_key_version'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function insertMessageAndTouch(
  exec: Executor,
  m: {
    accountId: string;
    conversationId: string;
    id: string;
    seq: number;
    role: 'user' | 'assistant';
    content: Buffer | null;
    keyVersion: number | null;
    contentLength: number;
    createdAt: Date;
    deleteAfter: Date | null;
    rule: string;
  },
): Promise<void> {
  // One round trip: the message and the conversation's new activity and deadline together.
  await sql`
    with touched as (
      update conversations
         set message_count = ${m.seq}, last_activity_at = ${m.createdAt.toISOString()}::timestamptz,
             delete_after = ${m.deleteAfter?.toISOString() ?? null}::timestamptz, retention_rule = ${m.rule}
       where account_id = ${m.accountId} and id = ${m.conversationId}
       returning id
    )
    insert into messages (account_id, conversation_id, id, seq, role, content, content_key_version, content_length, created_at)
    select ${m.accountId}, touched.id, ${m.id}, ${m.seq}, ${m.role}, ${m.content}, ${m.keyVersion}, ${m.contentLength},
           ${m.createdAt.toISOString()}::timestamptz
      from touched
  `.execute(exec);
}

export async function listHistory(exec: Executor, accountId: string, limit: number, before: Date | null) {
  let query = exec
    .selectFrom('conversations')
    .select(['id', 'created_at', 'last_activity_at', 'message_count', 'delete_after', 'retention_rule'])
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .where('incognito', '=', false)
    .orderBy('last_activity_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (before) query = query.where('last_activity_at', '<', before);
  return query.execute();
}

export async function listMessages(exec: Executor, accountId: string, conversationId: string) {
  return exec
    .selectFrom('messages')
    .select(['id', 'seq', 'role', 'content', 'content_key_version', 'created_at'])
    .where('account_id', '=', accountId)
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();
}

export async function markConversationDeleted(exec: Executor, accountId: string, id: string, at: Date): Promise<boolean> {
  const result = await exec
    .updateTable('conversations')
    .set({ deleted_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
