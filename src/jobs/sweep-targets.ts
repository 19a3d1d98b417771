import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { ContentCipher, ContentLocation } from '../modules/content/content-cipher.js';
import { purgeExpiredTechnicalRecords, truncateOldIps } from '../modules/technical/technical.repository.js';
import { purgeSpentEmailVerifications } from '../modules/identity/identity.repository.js';
import { purgeExpiredVisitorConsents } from '../modules/cookies/cookies.repository.js';
import { purgeStaleThrottleCounters } from '../modules/accounts/login-throttle.repository.js';
import { classifierScoresTarget, feedbackCopiesTarget, safetyCopiesTarget } from './copy-sweep-targets.js';

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
  /**
   * Units the batch took and dealt with, deleted or not (the conversations whose lower-bound
   * deadline came due but whose exact deadline had moved on are put back, not deleted). Absent:
   * the deleted ones. Fewer than the limit means nothing due is left.
   */
  picked?: number;
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

type OwnedScope = { accountId: string | null; scope: ContentLocation['keyScope'] };

/** Crypto-shredding for a batch: in one round trip when the cipher can, else scope by scope. */
async function destroyKeys(trx: Transaction<DB>, cipher: ContentCipher, owned: OwnedScope[]): Promise<void> {
  if (owned.length === 0) return;
  if (cipher.destroyScopeKeys) return cipher.destroyScopeKeys(trx, owned);
  for (const o of owned) await cipher.destroyScopeKey(trx, o.accountId, o.scope);
}

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
    // Candidates come by sweep_after, a lower bound of the deadline that messages leave alone
    // (migration 0009). A candidate whose exact deadline (delete_after) is due goes; one that is
    // not (messages came since its deadline was last recomputed) has sweep_after pushed up to its
    // deadline and stays. One statement picks, deletes and pushes; messages and markers go by
    // their foreign keys' cascade, exactly as a plain DELETE would take them, and are counted from
    // the conversation's count.
    const result = await sql<{ account_id: string; id: string; content_persisted: boolean; message_count: number; deleted: boolean }>`
      with due as (
        select c.account_id, c.id, c.delete_after
          from conversations c
         where c.sweep_after <= ${at}::timestamptz
           and not exists (
                 select 1 from legal_holds h
                  where h.account_id = c.account_id
                    and h.released_at is null
                    and (h.until is null or h.until > ${at}::timestamptz)
                    and (h.conversation_id is null or h.conversation_id = c.id))
         order by c.sweep_after
         limit ${limit}
           for update of c skip locked
      ), pushed as (
        update conversations c
           set sweep_after = due.delete_after
          from due
         where c.account_id = due.account_id and c.id = due.id
           and (due.delete_after is null or due.delete_after > ${at}::timestamptz)
        returning c.account_id, c.id, c.content_persisted, c.message_count, false as deleted
      ), deleted as (
        delete from conversations c
         using due
         where c.account_id = due.account_id and c.id = due.id and due.delete_after <= ${at}::timestamptz
        returning c.account_id, c.id, c.content_persisted, c.message_count, true as deleted
      )
      select * from deleted union all select * from pushed
    `.execute(trx);
    const rows = result.rows.filter((r) => r.deleted);
    const picked = result.rows.length;
    if (rows.length === 0) return { ids: [], counts: { conversations: 0, messages: 0 }, picked };
    // The data key goes too: nothing is left that it could open. A conversation the user deleted
    // lost its key then already; destroying again is harmless and covers a crash in between.
    await destroyKeys(
      trx,
      cipher,
      rows.filter((r) => r.content_persisted).map((r) => ({ accountId: r.account_id, scope: { kind: 'conversation' as const, id: r.id } })),
    );
    return {
      ids: rows.map((r) => r.id),
      counts: { conversations: rows.length, messages: rows.reduce((n, r) => n + Number(r.message_count), 0) },
      picked,
    };
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
    await destroyKeys(trx, cipher, ids.map((id) => ({ accountId: null, scope: { kind: 'copy' as const, id } })));
    return { ids, counts: { training_batches: affected(deleted) } };
  },
};

/**
 * P24: technical request records past their own window (`retention.technical.days`, stored as
 * `delete_after` at write). An account-wide legal hold in force keeps them.
 */
export const technicalRecordsTarget: SweepTarget = {
  dataClass: 'technical_requests',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const ids = await purgeExpiredTechnicalRecords(trx, now, limit);
    return { ids, counts: { technical_requests: ids.length } };
  },
};

/**
 * P24: the IPs of technical records cut to their network once due
 * (`retention.technical.truncateIpAfterDays`, stored as `ip_truncate_after` at write). Nothing is
 * deleted: the count is of addresses irreversibly anonymised, a class of its own in the receipt.
 */
export const technicalIpsTarget: SweepTarget = {
  dataClass: 'technical_ips_truncated',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const ids = await truncateOldIps(trx, now, limit);
    return { ids, counts: { technical_ips_truncated: ids.length } };
  },
};

/** Email confirmation links once used or expired: they hold an address and serve nothing more. */
export const emailVerificationsTarget: SweepTarget = {
  dataClass: 'email_verifications',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const ids = await purgeSpentEmailVerifications(trx, now, limit);
    return { ids, counts: { email_verifications: ids.length } };
  },
};

/** P25: a visitor's cookie choice once it no longer stands (`cookies.consentDays`, stored as `delete_after`). */
export const visitorConsentsTarget: SweepTarget = {
  dataClass: 'visitor_cookie_consents',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const ids = await purgeExpiredVisitorConsents(trx, now, limit);
    return { ids, counts: { visitor_cookie_consents: ids.length } };
  },
};

/** Sign-in failure counters nobody has touched for their forget period (hashed keys, no identity). */
export const loginThrottleTarget: SweepTarget = {
  dataClass: 'login_throttle_counters',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const ids = await purgeStaleThrottleCounters(trx, now, limit);
    return { ids, counts: { login_throttle_counters: ids.length } };
  },
};

/** In order: a batch is only deleted after its records, in the same sweep; expired technical records before cutting IPs. */
export const defaultSweepTargets: readonly SweepTarget[] = [
  conversationsTarget,
  trainingRecordsTarget,
  trainingBatchesTarget,
  technicalRecordsTarget,
  technicalIpsTarget,
  emailVerificationsTarget,
  visitorConsentsTarget,
  loginThrottleTarget,
  feedbackCopiesTarget,
  safetyCopiesTarget,
  classifierScoresTarget,
];

/** Every data class a sweep over `targets` reports, in order. */
export function sweptClasses(targets: readonly SweepTarget[]): string[] {
  return targets.flatMap((t) => [t.dataClass, ...t.alsoDeletes]);
}
