import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { createAuditAppender } from './audit-appender.js';
import type { AuditRecord } from './audit-record.js';

let database: TestDatabase;

const record = (caseRef: string): AuditRecord => ({
  kind: 'staff.read',
  at: new Date('2026-03-01T10:00:00.000Z'),
  actor: 'staff:0190a0b0-0000-7000-8000-000000000001',
  subject: 'USER100000000001',
  refs: { grant: 'g-1', role: 'support', purpose: 'support', caseRef, opened: 'conversation', conversation: 'c-1' },
});

const caseRefs = async () =>
  (await sql<{ case_ref: string }>`select details::jsonb ->> 'caseRef' as case_ref from audit_entries order by id`.execute(database.db)).rows.map((r) => r.case_ref);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database.drop());

beforeEach(async () => {
  await sql`alter table audit_entries disable trigger audit_entries_no_edit`.execute(database.db);
  await sql`delete from audit_entries`.execute(database.db);
  await sql`alter table audit_entries enable trigger audit_entries_no_edit`.execute(database.db);
});

describe('group-committed audit appends', () => {
  it('resolves each append only once its entry is committed and visible to any other reader', async () => {
    const appender = createAuditAppender(database.db);
    const seen = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await appender.append(record(`CASE-${i}`));
        const row = await sql<{ n: number }>`select count(*)::int as n from audit_entries where details::jsonb ->> 'caseRef' = ${`CASE-${i}`}`.execute(database.db);
        return row.rows[0]!.n;
      }),
    );
    expect(seen).toEqual(Array.from({ length: 60 }, () => 1));
    await appender.close();
  });

  it('lets concurrent appends share commits, and one caller’s appends keep their order', async () => {
    const appender = createAuditAppender(database.db, { maxInFlight: 1 });
    await Promise.all(Array.from({ length: 200 }, (_, i) => appender.append(record(`C-${i}`))));
    // Rows written by one transaction carry its id in xmin: fewer ids than entries means shared commits.
    const commits = (await sql<{ n: number }>`select count(distinct xmin::text)::int as n from audit_entries`.execute(database.db)).rows[0]!.n;
    expect(commits).toBeGreaterThanOrEqual(2);
    expect(commits).toBeLessThan(200);
    expect(await caseRefs()).toEqual(Array.from({ length: 200 }, (_, i) => `C-${i}`));

    for (let i = 0; i < 5; i++) await appender.append(record(`S-${i}`));
    expect((await caseRefs()).slice(-5)).toEqual(['S-0', 'S-1', 'S-2', 'S-3', 'S-4']);
    await appender.close();
  });

  it('an entry the database refuses fails only its own caller, not the others sharing its commit', async () => {
    await sql`create function audit_refuse_one() returns trigger language plpgsql as $$
      begin if new.details like '%REFUSED%' then raise exception 'refused'; end if; return new; end $$`.execute(database.db);
    await sql`create trigger audit_refuse_one before insert on audit_entries for each row execute function audit_refuse_one()`.execute(database.db);
    try {
      const appender = createAuditAppender(database.db, { maxInFlight: 1 });
      const refs = Array.from({ length: 40 }, (_, i) => (i === 17 ? 'REFUSED' : `OK-${i}`));
      const outcomes = await Promise.allSettled(refs.map((ref) => appender.append(record(ref))));
      expect(outcomes.map((o) => o.status)).toEqual(refs.map((ref) => (ref === 'REFUSED' ? 'rejected' : 'fulfilled')));
      expect((await caseRefs()).sort()).toEqual(refs.filter((ref) => ref !== 'REFUSED').sort());
      await appender.close();
    } finally {
      await sql`drop trigger audit_refuse_one on audit_entries`.execute(database.db);
      await sql`drop function audit_refuse_one`.execute(database.db);
    }
  });

  it('rejects a record that breaks the audit rules before it joins a batch', async () => {
    const appender = createAuditAppender(database.db);
    const bad = { ...record('x'), refs: { note: 'someone@example.com' } };
    const outcomes = await Promise.allSettled([appender.append(record('A')), appender.append(bad), appender.append(record('B'))]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).not.toContain('someone@example.com');
    // A and B are two callers: with two commits in flight either may be numbered first (only one
    // caller's appends keep their order).
    expect((await caseRefs()).sort()).toEqual(['A', 'B']);
    await appender.close();
  });

  it('close waits for entries already handed over and refuses later ones', async () => {
    const appender = createAuditAppender(database.db);
    const pending = Array.from({ length: 25 }, (_, i) => appender.append(record(`P-${i}`)));
    await appender.close();
    expect(await caseRefs()).toHaveLength(25);
    await Promise.all(pending);
    await expect(appender.append(record('late'))).rejects.toThrow(/closed/);
  });
});
