import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ContentCipher } from '../modules/content/content-cipher.js';

/**
 * The registry of what a lifecycle sweep deletes. Each entry is one data class whose rows carry
 * their own `delete_after` (computed by the policy core when a fact changed): the sweep only asks
 * each target to select rows that are due and not locked by another sweep, and delete them. A new
 * kind of copy (feedback snapshot, safety copy, classifier score, technical log) adds one entry.
 */
export interface SweepContext {
  /** Deadlines at or before this instant are due. */
  now: Date;
  /** Most units one batch (one transaction) deletes. */
  limit: number;
  cipher: ContentCipher;
}

export interface SweptBatch {
  /** Ids of the units deleted; the receipt digests them as `dataClass:id`. */
  ids: string[];
  /** Rows deleted per data class in this batch (a unit may take rows of other classes with it). */
  counts: Record<string, number>;
}

export interface SweepTarget {
  /** The class of the units this target selects, as named in receipts and `custos lifecycle run`. */
  dataClass: string;
  /** Classes deleted together with each unit, reported in the counts too. */
  alsoDeletes: readonly string[];
  /**
   * Deletes at most `limit` due units in `trx`. Must lock what it selects with
   * `FOR UPDATE SKIP LOCKED`, so that sweeps in other processes take other rows.
   */
  sweepBatch(trx: Transaction<DB>, ctx: SweepContext): Promise<SweptBatch>;
}

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n);

/**
 * The product copy: conversations whose deadline has passed, with their messages, their
 * "already queued for training" marker (by foreign key) and their data key. A legal hold in force
 * protects a conversation whatever its deadline says (P13): account-wide when the hold names no
 * conversation.
 */
export const conversationsTarget: SweepTarget = {
  dataClass: 'conversations',
  alsoDeletes: ['messages'],
  async sweepBatch(trx, { now, limit, cipher }) {
    const at = now.toISOString();
    const picked = await sql<{ account_id: string; id: string; content_persisted: boolean }>`
      select c.account_id, c.id, c.content_persisted
        from conversations c
       where c.delete_after <= ${at}::timestamptz
         and not exists (
               select 1 from legal_holds h
                where h.account_id = c.account_id
                  and h.released_at is null
                  and (h.until is null or h.until > ${at}::timestamptz)
                  and (h.conversation_id is null or h.conversation_id = c.id))
       order by c.delete_after
       limit ${limit}
         for update of c skip locked
    `.execute(trx);
    const rows = picked.rows;
    if (rows.length === 0) return { ids: [], counts: { conversations: 0, messages: 0 } };
    const accountIds = rows.map((r) => r.account_id);
    const ids = rows.map((r) => r.id);
    // Messages first and explicitly (not by cascade) so the receipt can count them.
    const messages = await sql`
      delete from messages m
       using unnest(${accountIds}::uuid[], ${ids}::uuid[]) as v(account_id, id)
       where m.account_id = v.account_id and m.conversation_id = v.id
    `.execute(trx);
    const conversations = await sql`
      delete from conversations c
       using unnest(${accountIds}::uuid[], ${ids}::uuid[]) as v(account_id, id)
       where c.account_id = v.account_id and c.id = v.id
    `.execute(trx);
    // The data key goes too: nothing is left that it could open. A conversation the user deleted
    // lost its key then already; destroying again is harmless and covers a crash in between.
    for (const r of rows) {
      if (r.content_persisted) await cipher.destroyScopeKey(trx, r.account_id, { kind: 'conversation', id: r.id });
    }
    return { ids, counts: { conversations: affected(conversations), messages: affected(messages) } };
  },
};

/**
 * Records frozen into training batches. They carry no account id, so an account's legal hold
 * cannot name them; they keep the batch's own window (`retention.trainingBatchDays`).
 */
export const trainingRecordsTarget: SweepTarget = {
  dataClass: 'training_records',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const picked = await sql<{ batch_id: string; id: string }>`
      select batch_id, id from training_records
       where delete_after <= ${now.toISOString()}::timestamptz
       order by delete_after
       limit ${limit}
         for update skip locked
    `.execute(trx);
    const rows = picked.rows;
    if (rows.length === 0) return { ids: [], counts: { training_records: 0 } };
    const deleted = await sql`
      delete from training_records r
       using unnest(${rows.map((r) => r.batch_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]) as v(batch_id, id)
       where r.batch_id = v.batch_id and r.id = v.id
    `.execute(trx);
    return { ids: rows.map((r) => r.id), counts: { training_records: affected(deleted) } };
  },
};

/** A frozen batch goes once its records are gone (the target above, same sweep), with its key. */
export const trainingBatchesTarget: SweepTarget = {
  dataClass: 'training_batches',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit, cipher }) {
    const picked = await sql<{ id: string }>`
      select b.id from training_batches b
       where b.delete_after <= ${now.toISOString()}::timestamptz
         and b.status = 'frozen'
         and not exists (select 1 from training_records r where r.batch_id = b.id)
       order by b.delete_after
       limit ${limit}
         for update of b skip locked
    `.execute(trx);
    const ids = picked.rows.map((r) => r.id);
    if (ids.length === 0) return { ids: [], counts: { training_batches: 0 } };
    const deleted = await sql`delete from training_batches where id = any(${ids}::uuid[])`.execute(trx);
    for (const id of ids) await cipher.destroyScopeKey(trx, null, { kind: 'copy', id });
    return { ids, counts: { training_batches: affected(deleted) } };
  },
};

/** In order: a batch is only deleted after its records, in the same sweep. */
export const defaultSweepTargets: readonly SweepTarget[] = [conversationsTarget, trainingRecordsTarget, trainingBatchesTarget];

/** Every data class a sweep over `targets` reports, in order. */
export function sweptClasses(targets: readonly SweepTarget[]): string[] {
  return targets.flatMap((t) => [t.dataClass, ...t.alsoDeletes]);
}
