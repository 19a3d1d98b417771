import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { AccountFactsRow } from '../retention/retention.repository.js';

export interface ConversationKey {
  accountId: string;
  id: string;
}

const keyArrays = (keys: readonly ConversationKey[]) => ({
  accounts: keys.map((k) => k.accountId),
  ids: keys.map((k) => k.id),
});

/** Batches left half-built by an export that died; their markers go with them so nothing is lost. */
export async function discardUnfinishedBatches(exec: Executor): Promise<string[]> {
  const rows = await exec.selectFrom('training_batches').select('id').where('status', '=', 'building').execute();
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return [];
  await exec.deleteFrom('training_exports').where('batch_id', 'in', ids).execute();
  await releaseCopies(exec, ids);
  await exec.deleteFrom('training_batches').where('id', 'in', ids).execute();
  return ids;
}

export async function insertBuildingBatch(
  exec: Executor,
  b: { id: string; exportAt: Date; createdAt: Date; policyVersion: string; deleteAfter: Date; rule: string },
): Promise<void> {
  await exec
    .insertInto('training_batches')
    .values({
      id: b.id,
      status: 'building',
      export_at: b.exportAt,
      created_at: b.createdAt,
      frozen_at: null,
      policy_version: b.policyVersion,
      delete_after: b.deleteAfter,
      retention_rule: b.rule,
    })
    .execute();
}

export async function freezeBatch(exec: Executor, id: string, f: { frozenAt: Date; recordCount: number; counts: object }): Promise<void> {
  await exec
    .updateTable('training_batches')
    .set({ status: 'frozen', frozen_at: f.frozenAt, record_count: f.recordCount, counts: JSON.stringify(f.counts) })
    .where('id', '=', id)
    .where('status', '=', 'building')
    .execute();
}

/** Feedback and safety copies considered for a batch that was discarded are free for the next one. */
async function releaseCopies(exec: Executor, batchIds: string[]): Promise<void> {
  await exec.updateTable('feedback_copies').set({ exported_batch_id: null }).where('exported_batch_id', 'in', batchIds).execute();
  await exec.updateTable('safety_copies').set({ exported_batch_id: null }).where('exported_batch_id', 'in', batchIds).execute();
}

export async function discardBatch(exec: Executor, id: string): Promise<void> {
  await exec.deleteFrom('training_exports').where('batch_id', '=', id).execute();
  await releaseCopies(exec, [id]);
  await exec.deleteFrom('training_batches').where('id', '=', id).where('status', '=', 'building').execute();
}

/**
 * The next conversations not yet in any batch, in primary-key order after `after`. Conversations
 * already queued are left out here rather than refused one by one, so an export does not re-read
 * the whole history; empty conversations wait until they have something to learn from.
 */
export async function nextCandidates(exec: Executor, after: ConversationKey | null, limit: number): Promise<ConversationKey[]> {
  const result = await sql<{ account_id: string; id: string }>`
    select c.account_id, c.id
      from conversations c
     where (${after?.accountId ?? null}::uuid is null or (c.account_id, c.id) > (${after?.accountId ?? null}::uuid, ${after?.id ?? null}::uuid))
       and c.message_count > 0
       and not exists (select 1 from training_exports e where e.account_id = c.account_id and e.conversation_id = c.id)
     order by c.account_id, c.id
     limit ${limit}
  `.execute(exec);
  return result.rows.map((r) => ({ accountId: r.account_id, id: r.id }));
}

/**
 * The owners of a chunk, share-locked: a consent change (which locks the account for update)
 * waits until the chunk is frozen, or is seen by it. Accounts are locked before conversations,
 * in the same order as a consent change takes them, so the two never deadlock.
 */
export async function lockAccounts(exec: Executor, accountIds: readonly string[]) {
  const result = await sql<AccountFactsRow & { id: string }>`
    select a.id, a.kind, a.training_opt_in, a.deleted_at, o.zero_data_retention, o.retention_days, o.training_consent
      from accounts a
      left join organisations o on o.id = a.org_id
     where a.id = any(${[...accountIds]}::uuid[])
     order by a.id
       for share of a
  `.execute(exec);
  return result.rows;
}

/** The chunk's conversations, share-locked: a deletion or a new message waits for the freeze. */
export async function lockConversations(exec: Executor, keys: readonly ConversationKey[]) {
  const { accounts, ids } = keyArrays(keys);
  const result = await sql<{
    account_id: string;
    id: string;
    incognito: boolean;
    content_persisted: boolean;
    deleted_at: Date | string | null;
  }>`
    select c.account_id, c.id, c.incognito, c.content_persisted, c.deleted_at
      from conversations c
      join unnest(${accounts}::uuid[], ${ids}::uuid[]) as v(account_id, id) on c.account_id = v.account_id and c.id = v.id
     where not exists (select 1 from training_exports e where e.account_id = c.account_id and e.conversation_id = c.id)
     order by c.account_id, c.id
       for share of c
  `.execute(exec);
  return result.rows;
}

export async function loadMessages(exec: Executor, keys: readonly ConversationKey[]) {
  if (keys.length === 0) return [];
  const { accounts, ids } = keyArrays(keys);
  const result = await sql<{
    account_id: string;
    conversation_id: string;
    id: string;
    role: 'user' | 'assistant';
    content: Buffer | null;
    content_key_version: number | null;
  }>`
    select m.account_id, m.conversation_id, m.id, m.role, m.content, m.content_key_version
      from messages m
      join unnest(${accounts}::uuid[], ${ids}::uuid[]) as v(account_id, id) on m.account_id = v.account_id and m.conversation_id = v.id
     order by m.account_id, m.conversation_id, m.seq
  `.execute(exec);
  return result.rows;
}

export interface NewTrainingRecord {
  batchId: string;
  id: string;
  seq: number;
  pseudonym: string;
  basis: string;
  accountKind: string;
  policyVersion: string;
  messageCount: number;
  content: Buffer;
  keyVersion: number;
  deleteAfter: Date;
}

export async function insertRecords(exec: Executor, records: readonly NewTrainingRecord[]): Promise<void> {
  if (records.length === 0) return;
  await exec
    .insertInto('training_records')
    .values(
      records.map((r) => ({
        batch_id: r.batchId,
        id: r.id,
        seq: r.seq,
        pseudonym: r.pseudonym,
        basis: r.basis,
        account_kind: r.accountKind,
        policy_version: r.policyVersion,
        message_count: r.messageCount,
        content: r.content,
        content_key_version: r.keyVersion,
        delete_after: r.deleteAfter,
      })),
    )
    .execute();
}

export async function insertMarkers(exec: Executor, batchId: string, keys: readonly ConversationKey[]): Promise<void> {
  if (keys.length === 0) return;
  await exec
    .insertInto('training_exports')
    .values(keys.map((k) => ({ account_id: k.accountId, conversation_id: k.id, batch_id: batchId })))
    .execute();
}

export async function listBatches(exec: Executor) {
  return exec.selectFrom('training_batches').selectAll().orderBy('export_at').orderBy('id').execute();
}

export async function findBatch(exec: Executor, id: string) {
  return exec.selectFrom('training_batches').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function readRecords(exec: Executor, batchId: string, afterSeq: number, limit: number) {
  return exec
    .selectFrom('training_records')
    .select(['id', 'seq', 'pseudonym', 'basis', 'account_kind', 'policy_version', 'content', 'content_key_version'])
    .where('batch_id', '=', batchId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
}
