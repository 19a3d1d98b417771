import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../../../test/support/database.js';
import { TestClock } from '../../../test/support/harness.js';
import { entryLeafHash } from '../../audit/entry.js';
import { checkInclusion } from '../../audit/merkle.js';
import { openCheckpointNote, verifyCheckpoint } from '../../audit/checkpoint.js';
import { openDatabase } from '../../db/database.js';
import { appendAudit, appendAuditMany, rowToEntry, subjectPseudonym } from './audit.repository.js';
import { createAuditModule, type AuditModule } from './audit.service.js';
import { generateAuditSigningKey, type AuditSigningKey } from './signing-key.js';
import type { AuditRecord } from './audit-record.js';

const origin = 'custos.test/audit';
let database: TestDatabase;
let clock: TestClock;
let key: AuditSigningKey;
let audit: AuditModule;

const record = (i: number, subject: string | null = `USER${String(100000000000 + (i % 5))}`): AuditRecord => ({
  kind: i % 2 === 0 ? 'staff.read' : 'consent.change',
  at: clock.now(),
  actor: i % 2 === 0 ? 'staff:0190a0b0-0000-7000-8000-000000000001' : `user:${subject ?? 'USER100000000000'}`,
  subject,
  refs: { grant: `g-${i}`, role: 'support', purpose: 'support', caseRef: `CASE-${i}`, opened: 'conversation', conversation: `c-${i}` },
});

async function appendMany(n: number, from = 0) {
  for (let i = from; i < from + n; i++) await database.db.transaction().execute((trx) => appendAudit(trx, record(i)));
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

beforeEach(async () => {
  // Each test starts from an empty log: the append-only triggers are lifted only to reset.
  await sql`alter table audit_entries disable trigger audit_entries_no_edit`.execute(database.db);
  await sql`alter table audit_checkpoints disable trigger audit_checkpoints_no_edit`.execute(database.db);
  await sql`delete from audit_entries`.execute(database.db);
  await sql`delete from audit_checkpoints`.execute(database.db);
  await sql`alter table audit_entries enable trigger audit_entries_no_edit`.execute(database.db);
  await sql`alter table audit_checkpoints enable trigger audit_checkpoints_no_edit`.execute(database.db);
  clock = new TestClock();
  key = generateAuditSigningKey();
  audit = createAuditModule({ db: database.db, clock, key, origin, batchSize: 7 });
});

async function tamper(statement: ReturnType<typeof sql>) {
  await sql`alter table audit_entries disable trigger audit_entries_no_edit`.execute(database.db);
  try {
    await statement.execute(database.db);
  } finally {
    await sql`alter table audit_entries enable trigger audit_entries_no_edit`.execute(database.db);
  }
}

const kinds = (r: { problems: { kind: string; seq?: number; checkpointSize?: number }[] }) => r.problems.map((p) => ({ kind: p.kind, seq: p.seq }));

describe('appending (same transaction as the action)', () => {
  it('an entry commits and rolls back with its transaction, and waits unsequenced until the sequencer runs', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await appendAudit(trx, record(1));
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect(await database.db.selectFrom('audit_entries').selectAll().execute()).toEqual([]);
    await appendMany(3);
    const rows = await database.db.selectFrom('audit_entries').select(['seq', 'leaf_hash']).execute();
    expect(rows).toEqual([
      { seq: null, leaf_hash: null },
      { seq: null, leaf_hash: null },
      { seq: null, leaf_hash: null },
    ]);
  });

  it('refuses an entry that names a person instead of a pseudonym, or carries an email', async () => {
    await expect(appendAudit(database.db, { ...record(1), subject: 'jane@example.com' })).rejects.toThrow(/pseudonym/);
    await expect(appendAudit(database.db, { ...record(1), refs: { note: 'write to jane@example.com' } })).rejects.toThrow(/not a reference/);
  });

  it('the table itself refuses edits and deletions', async () => {
    await appendMany(2);
    await audit.sequence();
    await expect(sql`update audit_entries set details = '{}' where seq = 0`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_entries set seq = 5 where seq = 1`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_entries where seq = 0`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_checkpoints`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('several entries appended at once keep their order, text with quotes and commas intact', async () => {
    const records = [5, 6, 7, 8].map((i) => ({ ...record(i), refs: { ...record(i).refs, caseRef: `CASE-${i} "a, {b}" \\ x` } }));
    await appendAuditMany(database.db, records);
    await audit.sequence();
    const rows = await database.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => JSON.parse(r.details).caseRef)).toEqual([5, 6, 7, 8].map((i) => `CASE-${i} "a, {b}" \\ x`));
    expect(rows.map((r) => r.action)).toEqual(['consent.change', 'staff.read', 'consent.change', 'staff.read']);
    expect(rows.map((r) => r.subject_pseudonym)).toEqual(records.map((r) => r.subject));
    expect(await audit.verify()).toMatchObject({ ok: true, size: 4 });
  });

  it('no two entries can hold the same leaf index, while any number wait unsequenced', async () => {
    await appendMany(3);
    await audit.sequence();
    await appendMany(2, 3);
    // A pending entry may be sequenced once (the trigger allows it), but never onto a taken index.
    await expect(
      sql`update audit_entries set seq = 1, leaf_hash = '\\x00' where id = (select min(id) from audit_entries where seq is null)`.execute(database.db),
    ).rejects.toThrow(/duplicate key|unique/);
    const pending = await sql<{ n: string }>`select count(*) as n from audit_entries where seq is null`.execute(database.db);
    expect(Number(pending.rows[0]!.n)).toBe(2);
  });
});

describe('the sequencer', () => {
  it('gives consecutive leaf indexes in append order, stores leaf hashes and signs a checkpoint per batch', async () => {
    await appendMany(17);
    const result = await audit.sequence();
    expect(result).toMatchObject({ sequenced: 17, size: 17 });
    const rows = await database.db.selectFrom('audit_entries').selectAll().orderBy('id').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 17 }, (_, i) => i));
    for (const r of rows) expect(r.leaf_hash).toEqual(entryLeafHash(rowToEntry({ ...r, seq: r.seq! })));
    // batchSize 7: checkpoints at 7, 14 and 17, each signed by the key
    const checkpoints = await database.db.selectFrom('audit_checkpoints').selectAll().orderBy('id').execute();
    expect(checkpoints.map((c) => Number(c.tree_size))).toEqual([7, 14, 17]);
    expect(await audit.sequence()).toMatchObject({ sequenced: 0, size: 17, checkpoint: null });
    const verification = await audit.verify();
    expect(verification).toMatchObject({ ok: true, size: 17, checkpointedSize: 17, pending: 0, checkpoints: 3 });
  });

  it('without a signing key entries wait; with one they are sequenced', async () => {
    await appendMany(3);
    const unsigned = createAuditModule({ db: database.db, clock, key: null, origin });
    expect(await unsigned.sequence()).toMatchObject({ sequenced: 0, size: 0 });
    await expect(unsigned.checkpoint()).rejects.toMatchObject({ code: 'audit_signing_unavailable' });
    expect(await audit.sequence()).toMatchObject({ sequenced: 3 });
  });

  it('signs a fresh checkpoint of the current head when the key changes, and refuses to verify a checkpoint of an untrusted key', async () => {
    await appendMany(4);
    await audit.sequence();
    const oldKey = key;
    const rotated = createAuditModule({ db: database.db, clock, key: generateAuditSigningKey(), origin });
    expect(await rotated.sequence()).toMatchObject({ sequenced: 0, size: 4 });
    const withoutOld = await rotated.verify();
    expect(withoutOld.ok).toBe(false);
    expect(withoutOld.problems.map((p) => p.kind)).toContain('checkpoint_bad_signature');
    expect(await rotated.verify({ trustedKeys: [oldKey.publicKey] })).toMatchObject({ ok: true });
  });

  it('a second process (its own tree) continues the same log, and neither re-signs over a rewritten history', async () => {
    await appendMany(5);
    await audit.sequence();
    const other = createAuditModule({ db: database.db, clock, key, origin });
    await appendMany(4, 5);
    expect(await other.sequence()).toMatchObject({ sequenced: 4, size: 9 });
    await appendMany(2, 9);
    expect(await audit.sequence()).toMatchObject({ sequenced: 2, size: 11 });
    expect(await audit.verify()).toMatchObject({ ok: true, size: 11, checkpointedSize: 11 });
    // Someone rewrites a leaf hash under a signed checkpoint: a fresh process refuses to sign on top.
    await tamper(sql`update audit_entries set leaf_hash = ${Buffer.alloc(32, 7)} where seq = 3`);
    await appendMany(1, 11);
    const fresh = createAuditModule({ db: database.db, clock, key, origin });
    await expect(fresh.sequence()).rejects.toMatchObject({ code: 'audit_log_inconsistent' });
  });

  it('concurrent appends and sequencers from many connections produce one gap-free log', async (context) => {
    if (!testDatabaseUrl) context.skip(); // PGlite has a single connection: nothing runs concurrently there
    const extra = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 16 });
    try {
      const writers = Array.from({ length: 8 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 25; i++) await extra.db.transaction().execute((trx) => appendAudit(trx, record(w * 100 + i)));
        })(),
      );
      const sequencers = Array.from({ length: 3 }, () => createAuditModule({ db: extra.db, clock, key, origin, batchSize: 13 }));
      const running = (async () => {
        for (let round = 0; round < 10; round++) await Promise.all(sequencers.map((s) => s.sequence()));
      })();
      await Promise.all([...writers, running]);
      await sequencers[0]!.sequence();
      const seqs = (await extra.db.selectFrom('audit_entries').select('seq').orderBy('seq').execute()).map((r) => Number(r.seq));
      expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i));
      expect(await audit.verify()).toMatchObject({ ok: true, size: 200, checkpointedSize: 200 });
    } finally {
      await extra.close();
    }
  });
});

describe('audit verify finds tampering and says where', () => {
  beforeEach(async () => {
    await appendMany(20);
    await audit.sequence(); // checkpoints at 7, 14, 20
    expect((await audit.verify()).ok).toBe(true);
  });

  it('a changed row', async () => {
    await tamper(sql`update audit_entries set details = replace(details, 'CASE-5', 'CASE-6') where seq = 5`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    expect(kinds(r)[0]).toEqual({ kind: 'entry_changed', seq: 5 });
    expect(r.problems[0]!.message).toContain('entry 5');
    // Only this row: every other entry still matches its hash.
    expect(kinds(r).filter((p) => p.kind.startsWith('entry') || p.kind.startsWith('seq'))).toEqual([{ kind: 'entry_changed', seq: 5 }]);
    // The checkpoints signed after it no longer match; the one before it still does.
    expect(r.checkpointedSize).toBe(0);
    expect(r.problems.filter((p) => p.kind === 'checkpoint_root_mismatch').map((p) => p.checkpointSize)).toEqual([7, 14, 20]);
  });

  it('a changed row whose leaf hash was recomputed to match', async () => {
    const row = await database.db.selectFrom('audit_entries').selectAll().where('seq', '=', 9).executeTakeFirstOrThrow();
    const forged = { ...row, details: row.details.replace('"support"', '"legal_obligation"') };
    const hash = entryLeafHash(rowToEntry({ ...forged, seq: 9 }));
    await tamper(sql`update audit_entries set details = ${forged.details}, leaf_hash = ${hash} where seq = 9`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    // The checkpoint signed at 14 no longer matches; the one at 7 still does, so the change is in 7..13.
    expect(r.problems.map((p) => ({ kind: p.kind, seq: p.seq, checkpointSize: p.checkpointSize }))).toContainEqual({ kind: 'checkpoint_root_mismatch', seq: 7, checkpointSize: 14 });
    expect(r.checkpointedSize).toBe(7);
  });

  it('a deleted row', async () => {
    await tamper(sql`delete from audit_entries where seq = 12`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    expect(kinds(r)[0]).toEqual({ kind: 'seq_gap', seq: 12 });
    expect(r.problems[0]!.message).toMatch(/entry 12 is missing/);
  });

  it('a deleted tail', async () => {
    await tamper(sql`delete from audit_entries where seq >= 18`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'log_truncated', seq: 18, checkpointSize: 20 }));
  });

  it('an inserted row (later rows moved up to make room)', async () => {
    await tamper(sql`update audit_entries set seq = seq + 1000 where seq >= 10`);
    await tamper(sql`update audit_entries set seq = seq - 999 where seq >= 1000`);
    const forged = { at: clock.now(), action: 'consent.change', actor_kind: 'system' as const, actor_id: 'operator', subject: '{}', details: '{"forged":true}' };
    const hash = entryLeafHash(rowToEntry({ ...forged, seq: 10 }));
    await sql`insert into audit_entries (seq, leaf_hash, at, action, actor_kind, actor_id, subject, details) values (10, ${hash}, ${forged.at}, ${forged.action}, ${forged.actor_kind}, ${forged.actor_id}, ${forged.subject}, ${forged.details})`.execute(database.db);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    // Every moved row is out of place by its own hash, from the first one on.
    expect(kinds(r).filter((p) => p.kind === 'entry_changed')[0]).toEqual({ kind: 'entry_changed', seq: 11 });
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'checkpoint_root_mismatch', checkpointSize: 14 }));
  });

  it('two rows swapped', async () => {
    await tamper(sql`update audit_entries set seq = 1000 where seq = 2`);
    await tamper(sql`update audit_entries set seq = 2 where seq = 15`);
    await tamper(sql`update audit_entries set seq = 15 where seq = 1000`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    expect(kinds(r).filter((p) => p.kind === 'entry_changed')).toEqual([
      { kind: 'entry_changed', seq: 2 },
      { kind: 'entry_changed', seq: 15 },
    ]);
  });

  it('an entry moved out of a user\'s access log (its index column edited)', async () => {
    await tamper(sql`update audit_entries set subject_pseudonym = 'USER999999999999' where seq = 4`);
    const r = await audit.verify();
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual([{ kind: 'entry_changed', seq: 4 }]);
  });
});

describe('proofs a user can check', () => {
  it('the access log gives each entry with an inclusion proof against the signed checkpoint', async () => {
    await appendMany(23);
    const log = await audit.accessLog('USER100000000002');
    const root = Buffer.from(log.checkpoint.rootHash, 'base64');
    expect(log.checkpoint.size).toBe(23);
    // The checkpoint verifies with the published key, both as fields and as a signed note.
    const signed = { checkpoint: { origin: log.checkpoint.origin, size: log.checkpoint.size, rootHash: root }, keyId: log.checkpoint.keyId, signature: Buffer.from(log.checkpoint.signature, 'base64') };
    expect(verifyCheckpoint(signed, key.publicKey)).toBe(true);
    expect(openCheckpointNote(log.checkpoint.note!, origin, key.publicKey)).not.toBeNull();
    // staff.read entries about USER…002 are i = 2, 12, 22 (even i, i % 5 = 2)
    expect(log.entries.map((e) => e.caseRef)).toEqual(['CASE-22', 'CASE-12', 'CASE-2']);
    for (const e of log.entries) {
      const leafHash = entryLeafHash(JSON.parse(e.entry));
      expect(leafHash.toString('base64')).toBe(e.leafHash);
      expect(checkInclusion(e.leafIndex, log.checkpoint.size, leafHash, e.proof.map((p) => Buffer.from(p, 'base64')), root)).toEqual({ ok: true });
      expect(e).toMatchObject({ action: 'staff.read', staffRole: 'support', purpose: 'support', opened: 'conversation' });
    }
  });

  it('consistency proofs link an earlier checkpoint to a later one', async () => {
    const { checkConsistency } = await import('../../audit/merkle.js');
    await appendMany(9);
    const first = await audit.checkpoint();
    await appendMany(12, 9);
    const second = await audit.checkpoint();
    const proof = await audit.consistencyProof(first.checkpoint.size, second.checkpoint.size);
    const check = checkConsistency(first.checkpoint.size, second.checkpoint.size, Buffer.from(first.checkpoint.rootHash, 'base64'), Buffer.from(second.checkpoint.rootHash, 'base64'), proof.proof.map((p) => Buffer.from(p, 'base64')));
    expect(check).toEqual({ ok: true });
  });
});

describe('the policy version in force', () => {
  it('is recorded at start only when it changed', async () => {
    await audit.recordPolicyVersion('2026-11-01');
    await audit.recordPolicyVersion('2026-11-01');
    await audit.recordPolicyVersion('2027-01-01');
    const rows = await database.db.selectFrom('audit_entries').select(['details']).where('action', '=', 'policy.version').orderBy('id').execute();
    expect(rows.map((r) => JSON.parse(r.details))).toEqual([{ previous: null, version: '2026-11-01' }, { previous: '2026-11-01', version: '2027-01-01' }]);
  });
});

describe('the pseudonym a stored subject names (read without parsing on the verify path)', () => {
  it('reads it from the canonical form, and parses any other form', () => {
    expect(subjectPseudonym('{"accountPseudonym":"USER123456789012","conversationId":"c-1"}')).toBe('USER123456789012');
    expect(subjectPseudonym('{"accountPseudonym":"USER123456789012"}')).toBe('USER123456789012');
    expect(subjectPseudonym('{"conversationId":"c-1"}')).toBeNull();
    expect(subjectPseudonym('{}')).toBeNull();
    // Not the append's form: parsed, so an edited row still names whom it names.
    expect(subjectPseudonym('{ "accountPseudonym": "USER1" }')).toBe('USER1');
    expect(subjectPseudonym('{"accountPseudonym":"USER\\u0031"}')).toBe('USER1');
    expect(subjectPseudonym('{"aa":"x","accountPseudonym":"USER2"}')).toBe('USER2');
    expect(subjectPseudonym('{"accountPseudonym":7}')).toBeNull();
    expect(subjectPseudonym('{"accountPseudonym":"USER3')).toBeNull();
    expect(subjectPseudonym('not json "accountPseudonym"')).toBeNull();
  });
});
