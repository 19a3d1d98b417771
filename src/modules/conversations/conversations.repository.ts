import { CompiledQuery, sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { AccountFactsRow } from '../retention/retention.repository.js';

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
      sweep_after: c.deleteAfter,
      retention_rule: c.rule,
      title: c.title?.ciphertext ?? null,
      title_key_version: c.title?.keyVersion ?? null,
    })
    .execute();
}

/** What the retention decision for a new message reads, as the database returns it. */
export interface ConversationFactsRow extends AccountFactsRow {
  id: string;
  incognito: boolean;
  content_persisted: boolean;
  message_count: number;
  holds: { id: string; conversation_id: string | null; until: string | null }[];
  /**
   * The conversation's facts_version when the facts above were read: every change of any of them
   * (consent, organisation settings, holds, deletions) bumps it in its own transaction, so a later
   * write that still finds it unchanged knows the facts are unchanged (migration 0008, ADR 0003).
   */
  facts_version: number;
  /** Whether the caller's session (when one is named) is still live: not revoked, not expired. */
  session_live: boolean;
}

/** The session a write is made under: checked in the write's own statement. Absent for in-process callers. */
export interface WriterSession {
  sessionId: string;
  now: Date;
}

const sessionLive = (session: WriterSession | undefined) =>
  session
    ? sql`exists (select 1 from sessions s where s.id = ${session.sessionId} and s.account_id = c.account_id
                    and s.revoked_at is null and s.expires_at > ${session.now.toISOString()}::timestamptz)`
    : sql`true`;

const HOLDS_JSON = sql`coalesce((select json_agg(json_build_object('id', h.id, 'conversation_id', h.conversation_id, 'until', h.until) order by h.id)
                       from legal_holds h
                      where h.account_id = c.account_id and h.released_at is null), '[]'::json)`;

const factsRow = (row: Omit<ConversationFactsRow, 'holds'> & { holds: ConversationFactsRow['holds'] | string }): ConversationFactsRow => ({
  ...row,
  facts_version: Number(row.facts_version),
  holds: typeof row.holds === 'string' ? (JSON.parse(row.holds) as ConversationFactsRow['holds']) : row.holds,
});

/**
 * The owner's live conversation together with every fact its retention decision needs
 * (account, organisation, unreleased legal holds): one round trip instead of three on the path
 * every message takes. `lock` holds the conversation (message order) and the account (its
 * consent) until the transaction ends, so neither changes under the decision.
 */
export async function readLiveConversationWithFacts(exec: Executor, accountId: string, id: string, options: { lock: boolean; session?: WriterSession | undefined }) {
  // The account before the conversation, in this order (PostgreSQL locks in clause order): consent
  // changes and deletions lock the account, then its conversations, so taking them the other way
  // round could deadlock with them.
  const lock = options.lock ? sql`for share of a for update of c` : sql``;
  const result = await sql<Omit<ConversationFactsRow, 'holds'> & { holds: ConversationFactsRow['holds'] | string }>`
    select c.id, c.incognito, c.content_persisted, c.message_count, c.facts_version,
           a.kind, a.training_opt_in, a.deleted_at, o.zero_data_retention, o.retention_days, o.training_consent,
           ${HOLDS_JSON} as holds, ${sessionLive(options.session)} as session_live
      from conversations c
      join accounts a on a.id = c.account_id
      left join organisations o on o.id = a.org_id
     where c.account_id = ${accountId} and c.id = ${id} and c.deleted_at is null
     ${lock}
  `.execute(exec);
  const row = result.rows[0];
  return row ? factsRow(row) : undefined;
}

export interface NewMessage {
  accountId: string;
  conversationId: string;
  id: string;
  role: 'user' | 'assistant';
  content: Buffer | null;
  keyVersion: number | null;
  contentLength: number;
  createdAt: Date;
  deleteAfter: Date | null;
  rule: string;
}

/**
 * The message, the conversation's next sequence number, activity and deadline in one statement,
 * written only if the conversation is live, its facts_version is still `factsVersion` (the facts
 * the deadline was decided on are unchanged) and the writer's session is live. Returns the
 * message's sequence number, or null when nothing was written (the conversation or the session is
 * gone, or a fact changed: read again). As one statement it needs no transaction; the
 * conversation's row lock serialises it with fact changes and other messages.
 *
 * Only the conversation row is read and locked: every fact change bumps its facts_version under
 * that row's lock, and PostgreSQL re-checks the condition on the newest row after a lock wait.
 * The columns it moves are in no index (migration 0009), so the update is HOT. `sweep_after`
 * stays a lower bound of the deadline: unchanged unless the new deadline is earlier than it.
 */
export async function insertMessageIfFactsUnchanged(exec: Executor, m: NewMessage, factsVersion: number, session: WriterSession | undefined): Promise<number | null> {
  const createdAt = m.createdAt.toISOString();
  const deleteAfter = m.deleteAfter?.toISOString() ?? null;
  // The text is fixed, so it is built once (no query building per message) and PostgreSQL
  // prepares it once per connection (src/db/prepared-statements.ts).
  const params: unknown[] = [m.accountId, m.conversationId, factsVersion, createdAt, deleteAfter, m.rule, m.id, m.role, m.content, m.keyVersion, m.contentLength];
  if (session) params.push(session.sessionId, session.now.toISOString());
  const result = await exec.executeQuery<{ seq: number }>(CompiledQuery.raw(session ? APPEND_AS_SESSION : APPEND_IN_PROCESS, params));
  return result.rows[0]?.seq ?? null;
}

const appendStatement = (sessionCheck: string) => `
    with touched as (
      update conversations c
         set message_count = c.message_count + 1, last_activity_at = $4::timestamptz,
             delete_after = $5::timestamptz, retention_rule = $6, sweep_after = least(c.sweep_after, $5::timestamptz)
       where c.account_id = $1 and c.id = $2 and c.deleted_at is null and c.facts_version = $3${sessionCheck}
       returning c.id, c.message_count
    )
    insert into messages (account_id, conversation_id, id, seq, role, content, content_key_version, content_length, created_at)
    select $1, touched.id, $7, touched.message_count, $8, $9, $10, $11, $4::timestamptz
      from touched
    returning seq`;

const APPEND_AS_SESSION = appendStatement(`
         and exists (select 1 from sessions s where s.id = $12 and s.account_id = c.account_id
                        and s.revoked_at is null and s.expires_at > $13::timestamptz)`);
const APPEND_IN_PROCESS = appendStatement('');

/** One message of a batch: the message, the facts_version it was decided on, the writer's session. */
export interface BatchedMessage {
  message: NewMessage;
  factsVersion: number;
  session: WriterSession | undefined;
}

/**
 * Many messages, each to its own account's conversation, in one statement: what
 * `insertMessageIfFactsUnchanged` does for each, with the same conditions per message, and one
 * result per message in order (its sequence number, or null when its conversation, facts or
 * session changed). The conversations are locked in (account, id) order, the order every other
 * transaction that locks several conversations takes them (the training freeze; an organisation's
 * settings change, account by account), so a batch never deadlocks with them; holding one
 * conversation per account, it cannot deadlock with a change that locks one account's rows.
 * Contents travel as one bytea (offsets and sizes per message): no per-row encoding.
 */
export async function insertMessagesIfFactsUnchanged(exec: Executor, batch: readonly BatchedMessage[]): Promise<(number | null)[]> {
  const n = batch.length;
  const columns = Array.from({ length: 14 }, () => new Array<unknown>(n));
  const contents: Buffer[] = [];
  let offset = 1;
  batch.forEach(({ message: m, factsVersion, session }, i) => {
    const values = [
      m.accountId,
      m.conversationId,
      factsVersion,
      m.createdAt.toISOString(),
      m.deleteAfter?.toISOString() ?? null,
      m.rule,
      m.id,
      m.role,
      m.content === null ? null : offset,
      m.content?.length ?? null,
      m.keyVersion,
      m.contentLength,
      session?.sessionId ?? null,
      session?.now.toISOString() ?? null,
    ];
    values.forEach((v, c) => (columns[c]![i] = v));
    if (m.content !== null) {
      contents.push(m.content);
      offset += m.content.length;
    }
  });
  const result = await exec.executeQuery<{ id: string; seq: number }>(CompiledQuery.raw(APPEND_BATCH, [...columns, Buffer.concat(contents)]));
  const seqs = new Map(result.rows.map((r) => [r.id, r.seq]));
  return batch.map(({ message }) => seqs.get(message.id) ?? null);
}

const APPEND_BATCH = `
    with input as (
      select * from unnest($1::uuid[], $2::uuid[], $3::integer[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::uuid[],
                           $8::text[], $9::integer[], $10::integer[], $11::integer[], $12::integer[], $13::uuid[], $14::timestamptz[])
        as i(account_id, conversation_id, facts_version, created_at, delete_after, rule, id,
             role, content_start, content_size, key_version, content_length, session_id, session_now)
    ),
    locked as materialized (
      select i.*
        from conversations c
        join input i on c.account_id = i.account_id and c.id = i.conversation_id
       where c.deleted_at is null and c.facts_version = i.facts_version
         and (i.session_id is null
              or exists (select 1 from sessions s where s.id = i.session_id and s.account_id = c.account_id
                            and s.revoked_at is null and s.expires_at > i.session_now))
       order by c.account_id, c.id
         for update of c
    ),
    touched as (
      update conversations c
         set message_count = c.message_count + 1, last_activity_at = l.created_at,
             delete_after = l.delete_after, retention_rule = l.rule, sweep_after = least(c.sweep_after, l.delete_after)
        from locked l
       where c.account_id = l.account_id and c.id = l.conversation_id
      returning l.*, c.message_count as seq
    )
    insert into messages (account_id, conversation_id, id, seq, role, content, content_key_version, content_length, created_at)
    select account_id, conversation_id, id, seq, role,
           case when content_start is null then null else substring($15::bytea from content_start for content_size) end,
           key_version, content_length, created_at
      from touched
    returning id, seq`;

export async function findLiveConversation(exec: Executor, accountId: string, id: string) {
  return exec
    .selectFrom('conversations')
    .select(['id', 'incognito', 'content_persisted', 'created_at', 'last_activity_at', 'delete_after', 'retention_rule', 'message_count', 'title', 'title_key_version'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
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
