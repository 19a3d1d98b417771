import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';
import { runCustos, type CliResult } from '../support/cli.js';
import { combineDigests, digestItem, digestOf } from '../../src/jobs/set-digest.js';
import { countRows, seedAccount, seedConversations } from './seed.js';

/**
 * Several sweep processes on one PostgreSQL database at once. PGlite is one Postgres backend
 * inside one process by design (its data dir is locked to its owner), so this runs only when the
 * suite runs against PostgreSQL.
 */
const AT = new Date('2027-01-01T00:00:00Z');
const ACCOUNTS = 6;
const EXPIRED_PER_ACCOUNT = 250;
const KEPT_PER_ACCOUNT = 100;
const MESSAGES = 3;

describe.skipIf(!testDatabaseUrl)('lifecycle sweeps in several processes (PostgreSQL only; PGlite is single-process by design)', () => {
  let database: TestDatabase;
  const expired: string[] = [];
  const kept: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < ACCOUNTS; i++) {
      const accountId = await seedAccount(database.db);
      expired.push(...(await seedConversations(database.db, { accountId, count: EXPIRED_PER_ACCOUNT, messages: MESSAGES, deleteAfter: new Date(AT.getTime() - i * 60_000) })));
      // due one millisecond after the sweep instant: must survive
      kept.push(...(await seedConversations(database.db, { accountId, count: KEPT_PER_ACCOUNT, messages: MESSAGES, deleteAfter: new Date(AT.getTime() + 1) })));
    }
  });
  afterAll(async () => database?.drop());

  it('three real processes delete every expired row exactly once, touch nothing else, and their receipts add up', async () => {
    const url = database.url!;
    const env = { DATABASE_URL: url, CUSTOS_ROOT_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' };
    const args = ['lifecycle', 'run', '--json', '--batch', '50', '--at', AT.toISOString()];

    // A barrier: the table is locked until all three processes are waiting on their first batch,
    // so they really start sweeping together (process start-up alone takes a second or more).
    const gate = new pg.Client({ connectionString: url });
    await gate.connect();
    let results: CliResult[];
    try {
      await gate.query('begin');
      await gate.query('lock table conversations in exclusive mode');
      const running = [runCustos(args, { env }), runCustos(args, { env }), runCustos(args, { env })];
      let finishedEarly: CliResult | null = null;
      for (const r of running) void r.then((result) => (finishedEarly ??= result));
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (finishedEarly) throw new Error(`a sweep process ended before the barrier opened: ${JSON.stringify(finishedEarly)}`);
        // Waiters show in pg_locks as soon as they ask for the table (pg_stat_activity may still
        // show their previous statement while they wait in parse analysis).
        const waiting = await gate.query<{ n: number }>(
          `select count(distinct pid)::int as n from pg_locks where relation = 'conversations'::regclass and not granted`,
        );
        if (waiting.rows[0]!.n >= 3) break;
        if (Date.now() > deadline) {
          throw new Error('the sweep processes never reached the table');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await gate.query('commit');
      results = await Promise.all(running);
    } finally {
      await gate.end();
    }

    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const receipts = results.map((r) => JSON.parse(r.stdout) as { counts: Record<string, number>; digest: string; at: string });
    for (const receipt of receipts) expect(receipt.at).toBe(AT.toISOString());

    // every expired row exactly once: the counts add up to the expired set, and so do the digests
    const sum = (key: string) => receipts.reduce((n, r) => n + (r.counts[key] ?? 0), 0);
    expect(sum('conversations')).toBe(expired.length);
    expect(sum('messages')).toBe(expired.length * MESSAGES);
    expect(combineDigests(receipts.map((r) => r.digest))).toBe(digestOf(expired.map((id) => digestItem('conversations', id))));
    // the work was shared, not done by whichever process came first
    expect(receipts.filter((r) => (r.counts.conversations ?? 0) > 0).length).toBeGreaterThanOrEqual(2);

    // nothing else was touched
    expect(await countRows(database.db, 'conversations')).toBe(kept.length);
    expect(await countRows(database.db, 'messages')).toBe(kept.length * MESSAGES);
    const survivors = await database.db.selectFrom('conversations').select('id').execute();
    expect(new Set(survivors.map((s) => s.id))).toEqual(new Set(kept));

    // the receipts are in the table too
    const stored = await database.db.selectFrom('lifecycle_receipts').select(['digest', 'deleted_total']).execute();
    expect(stored).toHaveLength(3);
    expect(combineDigests(stored.map((s) => s.digest))).toBe(combineDigests(receipts.map((r) => r.digest)));
    expect(stored.reduce((n, s) => n + Number(s.deleted_total), 0)).toBe(expired.length * (1 + MESSAGES));
  }, 120_000);
});
