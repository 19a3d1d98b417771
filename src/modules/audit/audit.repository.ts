import { CompiledQuery, sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import { canonicalJson, type AuditEntry, type JsonValue } from '../../audit/entry.js';
import type { StoredEncodedAuditEntry } from '../../audit/verify.js';
import type { SignedCheckpoint } from '../../audit/checkpoint.js';
import { assertAuditable, toEntryFields, type AuditRecord } from './audit-record.js';

/**
 * Appends an audit entry in the caller's transaction: the action and its entry commit or roll
 * back together. The entry waits (seq null) until the sequencer gives it its place in the log.
 * One insert, no lock: appends from any number of transactions and processes never wait on
 * each other.
 */
export async function appendAudit(exec: Executor, record: AuditRecord): Promise<void> {
  await appendAuditMany(exec, [record]);
}

const APPEND_ONE = `insert into audit_entries (at, action, actor_kind, actor_id, subject, details, subject_pseudonym)
  values ($1::timestamptz, $2, $3, $4, $5, $6, $7)`;

/**
 * Several entries in one statement (a job that records many facts at once), in the given order.
 * Two fixed texts, one for a single entry and one for any number (arrays, unnested), so
 * PostgreSQL keeps a prepared plan for each; written out by hand rather than built: this runs on
 * every audited action, and the query builder cost about as much client CPU as the insert.
 */
export async function appendAuditMany(exec: Executor, records: readonly AuditRecord[]): Promise<void> {
  if (records.length === 0) return;
  const n = records.length;
  const at = new Array<string>(n);
  const action = new Array<string>(n);
  const actorKind = new Array<string>(n);
  const actorId = new Array<string>(n);
  const subject = new Array<string>(n);
  const details = new Array<string>(n);
  const subjectPseudonym = new Array<string | null>(n);
  for (let i = 0; i < n; i++) {
    const record = records[i]!;
    assertAuditable(record);
    const fields = toEntryFields(record);
    at[i] = fields.at;
    action[i] = fields.action;
    actorKind[i] = fields.actor.kind;
    actorId[i] = fields.actor.id;
    subject[i] = canonicalJson(fields.subject as JsonValue);
    details[i] = canonicalJson(fields.details as JsonValue);
    subjectPseudonym[i] = record.subject;
  }
  if (n === 1) {
    // The common case, one entry per action: plain parameters, no arrays to encode and unpack,
    // and a text compiled once rather than a template built on every action.
    await exec.executeQuery(CompiledQuery.raw(APPEND_ONE, [at[0], action[0], actorKind[0], actorId[0], subject[0], details[0], subjectPseudonym[0]]));
    return;
  }
  await sql`
    insert into audit_entries (at, action, actor_kind, actor_id, subject, details, subject_pseudonym)
    select e.at, e.action, e.actor_kind, e.actor_id, e.subject, e.details, e.subject_pseudonym
      from unnest(${at}::timestamptz[], ${action}::text[], ${actorKind}::text[], ${actorId}::text[],
                  ${subject}::text[], ${details}::text[], ${subjectPseudonym}::text[])
           with ordinality as e(at, action, actor_kind, actor_id, subject, details, subject_pseudonym, position)
     order by e.position
  `.execute(exec);
}

// The sequencer is one at a time across every process that shares the database (any fixed number).
export const SEQUENCER_LOCK = 0x61756474; // "audt"

export async function lockSequencer(exec: Executor): Promise<void> {
  await sql`select pg_advisory_xact_lock(${SEQUENCER_LOCK})`.execute(exec);
}

/** The next free leaf index: the size of the sequenced log. */
export async function nextSeq(exec: Executor): Promise<number> {
  const row = await exec.selectFrom('audit_entries').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

export interface PendingRow {
  id: number;
  at: Date | string;
  action: string;
  actor_kind: 'user' | 'staff' | 'system';
  actor_id: string;
  subject: string;
  details: string;
}

/** Committed entries not yet in the log, in append order. */
export async function pendingEntries(exec: Executor, limit: number): Promise<PendingRow[]> {
  return exec
    .selectFrom('audit_entries')
    .select(['id', 'at', 'action', 'actor_kind', 'actor_id', 'subject', 'details'])
    .where('seq', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function countPending(exec: Executor): Promise<number> {
  const row = await exec.selectFrom('audit_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('seq', 'is', null).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function assignSeqs(exec: Executor, rows: { id: number; seq: number; leafHash: Buffer }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update audit_entries e
       set seq = v.seq, leaf_hash = v.leaf_hash
      from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.seq)}::bigint[], ${rows.map((r) => r.leafHash)}::bytea[]) as v(id, seq, leaf_hash)
     where e.id = v.id
  `.execute(exec);
}

/** The entry a row holds, exactly as it was hashed. */
export function rowToEntry(row: { seq: number | string; at: Date | string; action: string; actor_kind: string; actor_id: string; subject: string; details: string }): AuditEntry {
  return {
    seq: Number(row.seq),
    // Text already in the hashed form is taken as it is (the verifier reads it so).
    at: typeof row.at === 'string' ? row.at : row.at.toISOString(),
    action: row.action,
    actor: { kind: row.actor_kind as AuditEntry['actor']['kind'], id: row.actor_id },
    subject: JSON.parse(row.subject) as AuditEntry['subject'],
    details: JSON.parse(row.details) as AuditEntry['details'],
  };
}

/** Leaf hashes of the sequenced log from `fromSeq` on, in order, a page at a time. */
export async function leafHashesFrom(exec: Executor, fromSeq: number, limit: number): Promise<{ seq: number; leaf_hash: Buffer }[]> {
  const rows = await exec
    .selectFrom('audit_entries')
    .select(['seq', 'leaf_hash'])
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ seq: Number(r.seq), leaf_hash: r.leaf_hash! }));
}

export interface StoredRow extends StoredEncodedAuditEntry {
  /** Whether the row's access-log index column names the same user as the entry. */
  indexMatches: boolean;
}

const PSEUDONYM_PREFIX = '{"accountPseudonym":"';

/**
 * The account pseudonym an entry's stored subject names, or null. The append writes the subject
 * as canonical JSON, keys sorted, so the pseudonym (a key no other sorts before) comes first, as
 * plain characters: read without parsing on the path that reads every row. Any other form is
 * parsed (a tampered row may hold any text; it fails its hash anyway).
 */
export function subjectPseudonym(subjectJson: string): string | null {
  if (subjectJson.startsWith(PSEUDONYM_PREFIX)) {
    const end = subjectJson.indexOf('"', PSEUDONYM_PREFIX.length);
    const value = end < 0 ? '' : subjectJson.slice(PSEUDONYM_PREFIX.length, end);
    if (end > 0 && !value.includes('\\')) return value;
  } else if (!subjectJson.includes('"accountPseudonym"')) {
    return null;
  }
  try {
    const subject = JSON.parse(subjectJson) as { accountPseudonym?: unknown } | null;
    return typeof subject?.accountPseudonym === 'string' ? subject.accountPseudonym : null;
  } catch {
    return null;
  }
}

/**
 * Sequenced entries by seq, for the verifier: keyset pages, so a log of millions of entries is
 * read in constant memory. Everything comes as text in the form that was hashed — the instant as
 * toISOString() writes it, subject and details as stored, the leaf hash as hex — so the one path
 * that reads every row does no date, bytea or JSON parsing.
 */
export async function sequencedPage(exec: Executor, afterSeq: number, limit: number): Promise<StoredRow[]> {
  const result = await sql<{ seq: number | string; leaf_hex: string | null; at: string; action: string; actor_kind: string; actor_id: string; subject: string; details: string; subject_pseudonym: string | null }>`
    select seq, encode(leaf_hash, 'hex') as leaf_hex,
           to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at,
           action, actor_kind, actor_id, subject, details, subject_pseudonym
      from audit_entries
     where seq > ${afterSeq}
     order by seq
     limit ${limit}
  `.execute(exec);
  // One flat object per row, built once: this loop runs for every entry of the log.
  const out: StoredRow[] = new Array(result.rows.length);
  for (let i = 0; i < result.rows.length; i++) {
    const r = result.rows[i]!;
    out[i] = {
      seq: Number(r.seq),
      at: r.at,
      action: r.action,
      actorKind: r.actor_kind,
      actorId: r.actor_id,
      subjectJson: r.subject,
      detailsJson: r.details,
      leafHashHex: r.leaf_hex,
      indexMatches: subjectPseudonym(r.subject) === r.subject_pseudonym,
    };
  }
  return out;
}

export async function insertCheckpoint(exec: Executor, signed: SignedCheckpoint, at: Date): Promise<void> {
  await exec
    .insertInto('audit_checkpoints')
    .values({
      origin: signed.checkpoint.origin,
      tree_size: signed.checkpoint.size,
      root_hash: signed.checkpoint.rootHash,
      key_id: signed.keyId,
      signature: signed.signature,
      signed_at: at,
    })
    .execute();
}

const toSigned = (r: { origin: string; tree_size: number | string; root_hash: Buffer; key_id: string; signature: Buffer }): SignedCheckpoint => ({
  checkpoint: { origin: r.origin, size: Number(r.tree_size), rootHash: r.root_hash },
  keyId: r.key_id,
  signature: r.signature,
});

export async function allCheckpoints(exec: Executor): Promise<SignedCheckpoint[]> {
  const rows = await exec.selectFrom('audit_checkpoints').select(['origin', 'tree_size', 'root_hash', 'key_id', 'signature']).orderBy('tree_size').orderBy('id').execute();
  return rows.map(toSigned);
}

export async function latestCheckpoint(exec: Executor): Promise<(SignedCheckpoint & { signedAt: Date }) | null> {
  const row = await exec
    .selectFrom('audit_checkpoints')
    .select(['origin', 'tree_size', 'root_hash', 'key_id', 'signature', 'signed_at'])
    .orderBy('tree_size', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { ...toSigned(row), signedAt: new Date(row.signed_at) } : null;
}

/** A user's entries of the given actions, newest first (P20). */
export async function entriesAbout(exec: Executor, pseudonym: string, actions: readonly string[], limit: number) {
  return exec
    .selectFrom('audit_entries')
    .select(['id', 'seq', 'leaf_hash', 'at', 'action', 'actor_kind', 'actor_id', 'subject', 'details'])
    .where('subject_pseudonym', '=', pseudonym)
    .where('action', 'in', actions)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The policy version the log last recorded as in force. */
export async function lastRecordedPolicyVersion(exec: Executor): Promise<string | null> {
  const row = await exec.selectFrom('audit_entries').select(['details']).where('action', '=', 'policy.version').orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!row) return null;
  const details = JSON.parse(row.details) as { version?: unknown };
  return typeof details.version === 'string' ? details.version : null;
}
