import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { DatabaseKind } from '../../db/database.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import {
  decideCopyRetention,
  decideTrainingUse,
  type AccountKind,
  type Policy,
  type TrainingBasis,
  type TrainingRefusal,
} from '../../policy/index.js';
import type { ContentCipher, ContentLocation } from '../content/content-cipher.js';
import { messageLocation } from '../conversations/conversations.service.js';
import { copyLocation, openReidLink } from '../copies/copies.js';
import { organisationFactsFrom } from '../retention/retention.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import { consentInForceAt } from '../privacy/consent.repository.js';
import {
  discardBatch,
  discardUnfinishedBatches,
  findBatch,
  freezeBatch,
  insertBuildingBatch,
  insertMarkers,
  insertRecords,
  listBatches,
  loadMessages,
  lockAccounts,
  lockConversations,
  nextCandidates,
  readRecords,
  type ConversationKey,
  type NewTrainingRecord,
} from './training.repository.js';

/**
 * Training export (P05, P06, P08, P09, P11). An export freezes a batch: each eligible
 * conversation is copied, as it stands, into a record with the batch's own retention and the
 * batch's own key, under a pseudonym that is random per (batch, account). The copy is the
 * "already queued for training" of the policy: deleting the source or withdrawing consent later
 * does not reach into it, and a conversation is frozen into at most one batch, ever.
 */

/** Where the PII anonymiser plugs in: every message text passes through it before it is copied. */
export type TextTransform = (text: string, context: { role: 'user' | 'assistant' }) => string | Promise<string>;

/**
 * The seam for re-identification in enforcement (P15): the mapping pseudonym → account is not
 * stored in the clear. Without a sink it is forgotten when the export ends.
 */
export interface ReidentificationSink {
  record(exec: Executor, link: { batchId: string; pseudonym: string; accountId: string }): Promise<void>;
}

export interface TrainingDeps {
  db: Kysely<DB>;
  databaseKind: DatabaseKind;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  transformText?: TextTransform;
  reidentification?: ReidentificationSink | null;
  /** Conversations per transaction while freezing. */
  chunkSize?: number;
}

export interface BatchCounts {
  considered: number;
  records: number;
  byBasis: Partial<Record<TrainingBasis, number>>;
  byKind: Partial<Record<AccountKind, number>>;
  refused: Partial<Record<TrainingRefusal, number>>;
}

export interface BatchView {
  id: string;
  status: 'building' | 'frozen';
  exportAt: string;
  frozenAt: string | null;
  policyVersion: string;
  records: number;
  counts: BatchCounts;
  deleteAfter: string;
  retentionRule: string;
}

/** One line of an export file. No account id, email or name: only the batch's pseudonym. */
export interface TrainingExportLine {
  batchId: string;
  recordId: string;
  pseudonym: string;
  policyVersion: string;
  basis: string;
  accountKind: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

interface RecordPayload {
  messages: { role: 'user' | 'assistant'; content: string }[];
}

// The advisory lock that makes training exports take turns across processes (any fixed number).
const EXPORT_LOCK_KEY = 7_202_601;
const READ_PAGE = 500;

export const recordLocation = (batchId: string, recordId: string): ContentLocation => ({
  accountId: null,
  keyScope: { kind: 'copy', id: batchId },
  table: 'training_records',
  rowId: recordId,
  column: 'content',
});

/** Random per (batch, account): the same person in two batches cannot be linked by it. */
const newBatchPseudonym = (): string => `anon_${randomBytes(12).toString('base64url')}`;

const emptyCounts = (): BatchCounts => ({ considered: 0, records: 0, byBasis: {}, byKind: {}, refused: {} });
const bump = <K extends string>(tally: Partial<Record<K, number>>, key: K) => {
  tally[key] = (tally[key] ?? 0) + 1;
};
const iso = (value: Date | string) => new Date(value).toISOString();
const earliest = (a: Date | null, b: Date | null) => (a && b ? (a.getTime() <= b.getTime() ? a : b) : (a ?? b));

export function createTrainingModule(deps: TrainingDeps) {
  const { db, clock, policy, cipher } = deps;
  const transformText: TextTransform = deps.transformText ?? ((text) => text);
  const chunkSize = deps.chunkSize ?? 200;
  let exporting = false;

  /**
   * One export at a time: within this process by a flag, across processes by a session advisory
   * lock held on one pinned connection (released by PostgreSQL if the process dies). The embedded
   * database belongs to one process, so there the flag is enough and no connection is pinned
   * (pinning PGlite's only connection would stall every request for the length of the export).
   */
  async function exclusively<T>(fn: (exec: Kysely<DB>) => Promise<T>): Promise<T> {
    if (exporting) throw conflict('export_in_progress', 'a training export is already running');
    exporting = true;
    try {
      if (deps.databaseKind === 'pglite') return await fn(db);
      return await db.connection().execute(async (conn) => {
        const lock = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${EXPORT_LOCK_KEY}::bigint) as ok`.execute(conn);
        if (!lock.rows[0]?.ok) throw conflict('export_in_progress', 'a training export is already running in another process');
        try {
          return await fn(conn);
        } finally {
          await sql`select pg_advisory_unlock(${EXPORT_LOCK_KEY}::bigint)`.execute(conn);
        }
      });
    } finally {
      exporting = false;
    }
  }

  /** Seals one record under the batch's key and counts it; the caller inserts the records. */
  async function sealRecord(
    trx: Executor,
    batch: { id: string; deleteAfter: Date },
    state: { seq: number; counts: BatchCounts },
    record: { pseudonym: string; basis: TrainingBasis; kind: AccountKind; payload: RecordPayload },
  ): Promise<NewTrainingRecord> {
    // A random id: a time-ordered one would tell when the source was exported.
    const id = randomUUID();
    const sealed = await cipher.seal(trx, recordLocation(batch.id, id), JSON.stringify(record.payload));
    state.counts.records++;
    bump(state.counts.byBasis, record.basis);
    bump(state.counts.byKind, record.kind);
    return {
      batchId: batch.id,
      id,
      seq: ++state.seq,
      pseudonym: record.pseudonym,
      basis: record.basis,
      accountKind: record.kind,
      policyVersion: policy.version,
      messageCount: record.payload.messages.length,
      content: sealed.ciphertext,
      keyVersion: sealed.keyVersion,
      deleteAfter: batch.deleteAfter,
    };
  }

  async function freezeChunk(
    exec: Kysely<DB>,
    batch: { id: string; at: Date; deleteAfter: Date },
    candidates: ConversationKey[],
    state: { seq: number; counts: BatchCounts; pseudonyms: Map<string, string> },
  ): Promise<void> {
    await exec.transaction().execute(async (trx) => {
      const accounts = new Map(
        (await lockAccounts(trx, [...new Set(candidates.map((c) => c.accountId))])).map((a) => [a.id, a]),
      );
      const conversations = await lockConversations(trx, candidates);
      const consent = new Map<string, boolean>();
      for (const accountId of accounts.keys()) {
        consent.set(accountId, (await consentInForceAt(trx, accountId, batch.at)) ?? false);
      }

      const eligible: { key: ConversationKey; basis: TrainingBasis; kind: AccountKind }[] = [];
      for (const c of conversations) {
        const account = accounts.get(c.account_id);
        if (!account) continue;
        state.counts.considered++;
        // A deletion already recorded when the record is written excludes it, even if it came
        // after the export instant: the conversation was not yet queued (P09, P11). Likewise the
        // setting must allow training both at the export instant and now (P05, P06).
        const deletedAt = earliest(
          c.deleted_at ? new Date(c.deleted_at) : null,
          account.deleted_at ? new Date(account.deleted_at) : null,
        );
        const decision = decideTrainingUse(
          {
            at: batch.at,
            source: 'conversation',
            accountKind: account.kind,
            org: organisationFactsFrom(account),
            trainingOptIn: (consent.get(account.id) ?? false) && account.training_opt_in,
            incognito: c.incognito,
            deletedAt: deletedAt && earliest(deletedAt, batch.at),
            contentPersisted: c.content_persisted,
            alreadyExported: false,
          },
          policy,
        );
        if (!decision.eligible) {
          bump(state.counts.refused, decision.basis);
          continue;
        }
        eligible.push({ key: { accountId: c.account_id, id: c.id }, basis: decision.basis, kind: account.kind });
      }

      const messages = await loadMessages(trx, eligible.map((e) => e.key));
      const byConversation = new Map<string, typeof messages>();
      for (const m of messages) {
        const list = byConversation.get(m.conversation_id) ?? [];
        list.push(m);
        byConversation.set(m.conversation_id, list);
      }

      const records: NewTrainingRecord[] = [];
      for (const e of eligible) {
        const payload: RecordPayload = { messages: [] };
        for (const m of byConversation.get(e.key.id) ?? []) {
          if (m.content === null) continue;
          const text = await cipher.open(trx, messageLocation(e.key.accountId, e.key.id, m.id), {
            ciphertext: m.content,
            keyVersion: m.content_key_version ?? 0,
          });
          payload.messages.push({ role: m.role, content: await transformText(text, { role: m.role }) });
        }
        let pseudonym = state.pseudonyms.get(e.key.accountId);
        if (!pseudonym) {
          pseudonym = newBatchPseudonym();
          state.pseudonyms.set(e.key.accountId, pseudonym);
          await deps.reidentification?.record(trx, { batchId: batch.id, pseudonym, accountId: e.key.accountId });
        }
        records.push(await sealRecord(trx, batch, state, { pseudonym, basis: e.basis, kind: e.kind, payload }));
      }
      await insertRecords(trx, records);
      await insertMarkers(trx, batch.id, eligible.map((e) => e.key));
    });
  }

  /**
   * Feedback snapshots and safety copies join the batch on their own basis (P07): eligible even
   * when their owner opted out, never when incognito, and for organisation accounts only with the
   * organisation's consent (P08). They carry no account id; the batch pseudonym comes from their
   * sealed re-identification link, so one person keeps one pseudonym within a batch.
   */
  async function freezeCopies(
    exec: Kysely<DB>,
    batch: { id: string; at: Date; deleteAfter: Date },
    state: { seq: number; counts: BatchCounts; pseudonyms: Map<string, string> },
  ): Promise<void> {
    for (const source of ['feedback', 'safety_flag'] as const) {
      const table = source === 'feedback' ? 'feedback_copies' : 'safety_copies';
      const column = source === 'feedback' ? 'snapshot' : 'exchange';
      for (;;) {
        const done = await exec.transaction().execute(async (trx) => {
          const rows = await sql<{ id: string; content: Buffer | null; key_version: number | null; account_kind: AccountKind; org_id: string | null; incognito: boolean; org_consent: boolean | null; org_zdr: boolean | null }>`
            select c.id, c.${sql.ref(column)} as content, c.key_version, c.account_kind, c.org_id, c.incognito,
                   o.training_consent as org_consent, o.zero_data_retention as org_zdr
              from ${sql.table(table)} c left join organisations o on o.id = c.org_id
             where c.exported_batch_id is null and c.created_at <= ${batch.at.toISOString()}::timestamptz
             order by c.created_at, c.id
             limit ${chunkSize}
               for update of c skip locked
          `.execute(trx);
          const records: NewTrainingRecord[] = [];
          for (const row of rows.rows) {
            state.counts.considered++;
            const decision = decideTrainingUse(
              {
                at: batch.at,
                source,
                accountKind: row.account_kind,
                org: row.org_id === null ? null : { zeroDataRetention: row.org_zdr ?? false, retentionDays: null, trainingConsent: row.org_consent ?? false },
                trainingOptIn: false,
                incognito: row.incognito,
                deletedAt: null,
                contentPersisted: row.content !== null,
                alreadyExported: false,
              },
              policy,
            );
            // Marked either way: a copy is considered for one batch, like a conversation.
            await sql`update ${sql.table(table)} set exported_batch_id = ${batch.id} where id = ${row.id}`.execute(trx);
            if (!decision.eligible) {
              bump(state.counts.refused, decision.basis);
              continue;
            }
            const stored = JSON.parse(
              await cipher.open(trx, copyLocation(table, row.id, column), { ciphertext: row.content!, keyVersion: row.key_version ?? 1 }),
            ) as { role: 'user' | 'assistant'; content: string }[];
            const payload: RecordPayload = { messages: [] };
            for (const m of stored) payload.messages.push({ role: m.role, content: await transformText(m.content, { role: m.role }) });
            const accountId = await openReidLink(trx, cipher, source === 'feedback' ? 'feedback' : 'safety', row.id);
            let pseudonym = state.pseudonyms.get(accountId);
            if (!pseudonym) {
              pseudonym = newBatchPseudonym();
              state.pseudonyms.set(accountId, pseudonym);
              await deps.reidentification?.record(trx, { batchId: batch.id, pseudonym, accountId });
            }
            records.push(await sealRecord(trx, batch, state, { pseudonym, basis: decision.basis, kind: row.account_kind, payload }));
          }
          await insertRecords(trx, records);
          return rows.rows.length < chunkSize;
        });
        if (done) break;
      }
    }
  }

  function view(row: Awaited<ReturnType<typeof listBatches>>[number]): BatchView {
    const counts = (typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts) as Partial<BatchCounts>;
    return {
      id: row.id,
      status: row.status,
      exportAt: iso(row.export_at),
      frozenAt: row.frozen_at === null ? null : iso(row.frozen_at),
      policyVersion: row.policy_version,
      records: row.record_count,
      counts: { ...emptyCounts(), ...counts },
      deleteAfter: iso(row.delete_after),
      retentionRule: row.retention_rule,
    };
  }

  return {
    /**
     * Freezes a new batch with every conversation eligible at `at` (default: now) and not yet in
     * a batch. An export cannot be dated before now: consent and deletions recorded since then
     * would be ignored.
     */
    async freeze(options: { at?: Date } = {}): Promise<BatchView> {
      const now = clock.now();
      const at = options.at ?? now;
      if (at.getTime() < now.getTime()) {
        throw badRequest('export_in_past', 'a training export cannot be dated before now');
      }
      return exclusively(async (exec) => {
        await exec.transaction().execute((trx) => discardUnfinishedBatches(trx));
        const retention = decideCopyRetention({ now: at, copyClass: 'training_record', createdAt: at, holds: [] }, policy);
        if (!retention.deleteAfter) throw new Error('a training batch must have a deadline');
        const batch = { id: uuidv7(now.getTime()), at, deleteAfter: retention.deleteAfter };
        await exec.transaction().execute(async (trx) => {
          await insertBuildingBatch(trx, {
            id: batch.id,
            exportAt: at,
            createdAt: now,
            policyVersion: policy.version,
            deleteAfter: retention.deleteAfter!,
            rule: retention.rule,
          });
          await cipher.prepareScope(trx, null, { kind: 'copy', id: batch.id });
        });
        const state = { seq: 0, counts: emptyCounts(), pseudonyms: new Map<string, string>() };
        try {
          let after: ConversationKey | null = null;
          for (;;) {
            const candidates = await nextCandidates(exec, after, chunkSize);
            if (candidates.length === 0) break;
            await freezeChunk(exec, batch, candidates, state);
            after = candidates[candidates.length - 1]!;
            if (candidates.length < chunkSize) break;
          }
          await freezeCopies(exec, batch, state);
          await exec.transaction().execute(async (trx) => {
            const frozenAt = clock.now();
            await freezeBatch(trx, batch.id, { frozenAt, recordCount: state.counts.records, counts: state.counts });
            // The freeze and its audit entry commit together: counts only, no pseudonym, no content.
            const { considered, records, byBasis, byKind, refused } = state.counts;
            await appendAudit(trx, {
              kind: 'training.freeze',
              at: frozenAt,
              actor: 'operator',
              subject: null,
              refs: { batch: batch.id, exportAt: at.toISOString(), policyVersion: policy.version, considered, records, byBasis, byKind, refused },
            });
          });
        } catch (error) {
          // Nothing half-frozen stays: the conversations become eligible for the next export.
          await exec.transaction().execute((trx) => discardBatch(trx, batch.id)).catch(() => undefined);
          throw error;
        } finally {
          state.pseudonyms.clear();
        }
        const frozen = await findBatch(exec, batch.id);
        if (!frozen) throw notFound('training batch');
        return view(frozen);
      });
    },

    /** The lines of a frozen batch, in order, opened with the batch's key. */
    async *lines(batchId: string): AsyncGenerator<TrainingExportLine> {
      const batch = await findBatch(db, batchId);
      if (!batch) throw notFound('training batch');
      if (batch.status !== 'frozen') throw conflict('batch_not_frozen', 'the training batch is still being built');
      let afterSeq = 0;
      for (;;) {
        const rows = await readRecords(db, batchId, afterSeq, READ_PAGE);
        for (const r of rows) {
          const payload = JSON.parse(
            await cipher.open(db, recordLocation(batchId, r.id), { ciphertext: r.content, keyVersion: r.content_key_version }),
          ) as RecordPayload;
          yield {
            batchId,
            recordId: r.id,
            pseudonym: r.pseudonym,
            policyVersion: r.policy_version,
            basis: r.basis,
            accountKind: r.account_kind,
            messages: payload.messages,
          };
        }
        if (rows.length < READ_PAGE) return;
        afterSeq = rows[rows.length - 1]!.seq;
      }
    },

    async batches(): Promise<BatchView[]> {
      return (await listBatches(db)).map(view);
    },

    async batch(batchId: string): Promise<BatchView> {
      const row = await findBatch(db, batchId);
      if (!row) throw notFound('training batch');
      return view(row);
    },
  };
}

export type TrainingModule = ReturnType<typeof createTrainingModule>;
