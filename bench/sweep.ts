import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { buildConfig } from '../src/config/config.js';
import { LocalKeyProvider } from '../src/crypto/key-provider.js';
import type { DB } from '../src/db/schema.js';
import { DEFAULT_SWEEP_BATCH, DEFAULT_SWEEP_PARALLEL, runLifecycleSweep } from '../src/jobs/lifecycle-sweep.js';
import { openRuntime } from '../src/runtime.js';
import { freshDatabase, machine, printTable, recordResult } from './support.js';

/**
 * `npm run bench -- sweep [expiredMessages] [batch]`: the lifecycle sweep on PostgreSQL purging
 * `expiredMessages` (default 1,000,000) expired messages among as many unexpired ones, next to
 * one raw `DELETE` of the same rows in the same run; then the time of a sweep with nothing to
 * delete over 1x and 2x the unexpired rows. Targets: sweep >= 0.5 x the raw DELETE rate; an empty
 * sweep does not grow with table size.
 *
 * Rows are written straight into the tables (10 messages per conversation, 1,000 accounts), each
 * conversation with its data key, as the service would have left them. The sweep also destroys
 * those keys and writes a receipt; the raw DELETE does neither.
 */
const MESSAGES_PER_CONVERSATION = 10;
const ACCOUNTS = 1_000;
const NOW = new Date('2027-01-01T00:00:00Z');
const PAST = new Date('2026-06-01T00:00:00Z');
const FUTURE = new Date('2031-01-01T00:00:00Z');
const EMPTY_RUNS = 15;

async function seed(db: Kysely<DB>, tag: string, messages: number, deleteAfter: Date): Promise<void> {
  const conversations = Math.ceil(messages / MESSAGES_PER_CONVERSATION);
  const perAccount = Math.ceil(conversations / ACCOUNTS);
  const at = PAST.toISOString();
  await sql`
    insert into conversations (account_id, id, incognito, content_persisted, message_count, created_at, last_activity_at, delete_after, sweep_after, retention_rule)
    select a.id, gen_random_uuid(), false, true, ${MESSAGES_PER_CONVERSATION}::int, ${at}::timestamptz, ${at}::timestamptz,
           ${deleteAfter.toISOString()}::timestamptz, ${deleteAfter.toISOString()}::timestamptz, ${tag}
      from (select id from accounts order by id) a cross join generate_series(1, ${perAccount}::int)
     limit ${conversations}::int
  `.execute(db);
  await sql`
    insert into messages (account_id, conversation_id, id, seq, role, content, content_key_version, content_length, created_at)
    select c.account_id, c.id, gen_random_uuid(), s, case when s % 2 = 1 then 'user' else 'assistant' end,
           decode(repeat(md5(c.id::text || s::text), 6), 'hex'), 1, 192, ${at}::timestamptz
      from conversations c cross join generate_series(1, ${MESSAGES_PER_CONVERSATION}::int) as s
     where c.retention_rule = ${tag}
  `.execute(db);
  await sql`
    insert into keystore.data_keys (scope_kind, scope_id, version, account_id, account_key_version, root_version, wrapped, created_at)
    select 'conversation', c.id, 1, c.account_id, 1, null, decode(md5(c.id::text) || md5(c.account_id::text) || md5(c.id::text), 'hex'), ${at}::timestamptz
      from conversations c where c.retention_rule = ${tag}
  `.execute(db);
}

const count = async (db: Kysely<DB>, table: 'messages' | 'conversations') =>
  Number((await sql<{ n: number }>`select count(*)::bigint as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(args: string[]) {
  const expiredMessages = Number(args[0] ?? 1_000_000);
  const batchSize = Number(args[1] ?? DEFAULT_SWEEP_BATCH);
  const database = await freshDatabase();
  const config = buildConfig({ dataDir: '/tmp/custos-bench-sweep', logLevel: 'silent' }, { DATABASE_URL: database.url });
  const c = await openRuntime(config, { provider: LocalKeyProvider.generate() });
  const db = c.db;
  const log = (text: string) => console.error(`[sweep bench] ${text}`);
  try {
    const t0 = performance.now();
    await sql`
      insert into accounts (id, email, email_normalized, name, password_hash, kind, org_id, pseudonym, training_opt_in, created_at)
      select id, id || '@bench.test', id || '@bench.test', 'Bench', 'x', 'consumer', null, 'USER' || lpad(i::text, 12, '0'), false, now()
        from (select gen_random_uuid() as id, i from generate_series(1, ${ACCOUNTS}::int) as i) g
    `.execute(db);
    await seed(db, 'bench-kept-1', expiredMessages, FUTURE);
    await seed(db, 'bench-expired-sweep', expiredMessages, PAST);
    await sql`vacuum analyze`.execute(db);
    log(`seeded ${await count(db, 'messages')} messages in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // Each timed phase starts right after a checkpoint, so neither pays for writing out what the
    // seeding left dirty (seeding 2M rows fills max_wal_size: a checkpoint would otherwise start
    // during whichever phase comes first) and both pay the same full-page images in the WAL.
    await sql`checkpoint`.execute(db);

    // 1. the sweep
    let start = performance.now();
    const receipt = await runLifecycleSweep(c, { now: NOW, batchSize });
    const sweepSeconds = (performance.now() - start) / 1000;
    if (receipt.counts.messages !== expiredMessages) throw new Error(`the sweep deleted ${receipt.counts.messages} messages, expected ${expiredMessages}`);
    const keysLeft = Number((await sql<{ n: number }>`select count(*)::int as n from keystore.data_keys`.execute(db)).rows[0]!.n);
    log(`sweep: ${receipt.counts.messages} messages, ${receipt.counts.conversations} conversations, ${receipt.batches} batches, ${sweepSeconds.toFixed(1)} s; data keys left ${keysLeft}`);

    // 2. one raw DELETE of the same shape of rows (messages go by the foreign key's cascade)
    await sql`vacuum analyze`.execute(db);
    await seed(db, 'bench-expired-raw', expiredMessages, PAST);
    await sql`vacuum analyze`.execute(db);
    await sql`checkpoint`.execute(db);
    start = performance.now();
    // By the indexed deadline column (sweep_after; equal to delete_after in these rows), as a team would index it.
    const raw = await sql`delete from conversations where sweep_after <= ${NOW.toISOString()}::timestamptz`.execute(db);
    const rawSeconds = (performance.now() - start) / 1000;
    log(`raw DELETE: ${Number(raw.numAffectedRows)} conversations (+ their messages) in ${rawSeconds.toFixed(1)} s`);
    await sql`delete from keystore.data_keys k where not exists (select 1 from conversations c where c.id = k.scope_id)`.execute(db);

    // 3. a sweep with nothing to delete, over 1x then 2x the unexpired rows
    const emptySweep = async () => {
      await sql`vacuum analyze`.execute(db);
      await sql`checkpoint`.execute(db);
      const times: number[] = [];
      for (let i = 0; i < EMPTY_RUNS; i++) {
        const s = performance.now();
        const r = await runLifecycleSweep(c, { now: NOW, batchSize });
        times.push(performance.now() - s);
        if (r.total !== 0) throw new Error('the empty sweep deleted something');
      }
      return { rows: await count(db, 'messages'), ms: median(times) };
    };
    const empty1 = await emptySweep();
    await seed(db, 'bench-kept-2', expiredMessages, FUTURE);
    const empty2 = await emptySweep();
    log(`empty sweep: ${empty1.ms.toFixed(2)} ms over ${empty1.rows} messages, ${empty2.ms.toFixed(2)} ms over ${empty2.rows}`);

    const sweepRate = expiredMessages / sweepSeconds;
    const rawRate = expiredMessages / rawSeconds;
    printTable([
      { what: 'lifecycle sweep', 'messages deleted': expiredMessages, seconds: sweepSeconds.toFixed(2), 'messages/s': sweepRate.toFixed(0), note: `batch ${batchSize}, ${receipt.batches} transactions (${DEFAULT_SWEEP_PARALLEL} in flight), keys destroyed, receipt` },
      { what: 'raw DELETE', 'messages deleted': expiredMessages, seconds: rawSeconds.toFixed(2), 'messages/s': rawRate.toFixed(0), note: 'one statement, cascade' },
      { what: 'empty sweep', 'messages deleted': 0, seconds: (empty1.ms / 1000).toFixed(4), 'messages/s': '-', note: `${empty1.rows} unexpired messages` },
      { what: 'empty sweep', 'messages deleted': 0, seconds: (empty2.ms / 1000).toFixed(4), 'messages/s': '-', note: `${empty2.rows} unexpired messages` },
    ]);
    const ratio = sweepRate / rawRate;
    const growth = empty2.ms / empty1.ms;
    console.log(`sweep / raw DELETE: ${ratio.toFixed(2)} (target >= 0.5); empty sweep 2x/1x rows: ${growth.toFixed(2)} (target: flat) — ${machine().cores} cores`);
    recordResult('sweep', {
      expiredMessages,
      unexpiredMessages: [empty1.rows, empty2.rows],
      batchSize,
      sweep: { seconds: +sweepSeconds.toFixed(2), rate: Math.round(sweepRate), batches: receipt.batches },
      rawDelete: { seconds: +rawSeconds.toFixed(2), rate: Math.round(rawRate) },
      ratio: +ratio.toFixed(3),
      emptySweepMs: [+empty1.ms.toFixed(2), +empty2.ms.toFixed(2)],
      emptyGrowth: +growth.toFixed(2),
      met: ratio >= 0.5 && growth < 1.5,
    });
  } finally {
    await c.database.close();
    await database.drop();
  }
}
