import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { systemClock } from '../src/lib/clock.js';
import { appendAudit, appendAuditMany } from '../src/modules/audit/audit.repository.js';
import { createAuditModule } from '../src/modules/audit/audit.service.js';
import { createAuditAppender } from '../src/modules/audit/audit-appender.js';
import { generateAuditSigningKey } from '../src/modules/audit/signing-key.js';
import type { AuditRecord } from '../src/modules/audit/audit-record.js';
import { MerkleTree } from '../src/audit/tree.js';
import { ownCpuMs, postgresCpu, postgresCpuBetween } from './process-cpu.js';
import { pgbenchAppendRate } from './audit-pgbench.js';
import { freshDatabase, percentile, printTable, recordResult } from './support.js';

/**
 * `npm run bench -- audit [--entries 1000000] [--seconds 10] [--concurrency 1,16,32,64]` on
 * PostgreSQL (BENCH_DATABASE_URL, a fresh database per run):
 *
 * 1. durable appends per second: committed appends with the server's default synchronous_commit
 *    = on, so each commit waits for its WAL flush, from N connections at once. PostgreSQL flushes
 *    the WAL of concurrent commits together (group commit), which is what makes many connections
 *    faster than one. Three ways: an explicit transaction around one entry (BEGIN, INSERT,
 *    COMMIT: how an audited action commits), one INSERT in autocommit (one round trip), and
 *    10 entries per transaction (an action that records several facts), counted as entries.
 *    Then through the group appender (`createAuditAppender`, how a staff read records its
 *    entry): N callers each append one entry and wait until it is committed; entries that arrive
 *    while a commit is in flight share the next one. Then the single-entry INSERT replayed by pgbench (when installed): PostgreSQL's capacity for
 *    this log without the Node.js client's CPU on the same cores.
 * 2. sequencing: the sequencer turning pending entries into leaves with signed checkpoints.
 * 3. `audit verify` over the whole log (recomputing every leaf hash and the tree from the rows).
 * 4. inclusion proofs: from the process's in-memory tree, and end to end through the module
 *    (which first runs the sequencer and reads the latest checkpoint).
 *
 * The append runs go over TCP on loopback, and again over PostgreSQL's Unix socket when the
 * server has one (`--socket DIR`, default /var/run/postgresql; `--socket none` to skip): on one
 * host the socket is how a client should connect, and each round trip costs both sides less
 * kernel time. `--only appends|verify` runs one half.
 */
/** The group appender's commits in flight (its default) and so the connections it needs. */
const GROUP_CONNECTIONS = 2;

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const record = (i: number): AuditRecord => ({
  kind: 'staff.read',
  at: new Date(Date.UTC(2026, 0, 1) + i),
  actor: `staff:0190f5a0-1c2d-7000-8000-${String(i % 97).padStart(12, '0')}`,
  subject: `USER${100000000000 + (i % 50_000)}`,
  refs: {
    grant: `0190f5a0-1c2d-7000-9000-${String(i % 10_000).padStart(12, '0')}`,
    role: 'trust_safety',
    purpose: 'policy_violation',
    caseRef: `CASE-${i % 1000}`,
    opened: 'conversation',
    conversation: `0190f5a0-1c2d-7000-a000-${String(i).padStart(12, '0')}`,
  },
});

/** The same database reached over the Unix socket in `dir` instead of TCP. */
function overSocket(url: string, dir: string): string {
  const u = new URL(url);
  u.hostname = 'localhost';
  u.port = '';
  u.searchParams.set('host', dir);
  return u.toString();
}

type AppendMode = 'transaction' | 'autocommit' | 'group';
const commitLabel: Record<AppendMode, string> = {
  transaction: 'BEGIN/INSERT/COMMIT',
  autocommit: 'INSERT (autocommit)',
  group: 'group appender (callers)',
};

/** In `group` mode `connections` is the number of callers appending at once; the appender uses its own few connections. */
async function appendRate(url: string, connections: number, seconds: number, perTransaction: number, mode: AppendMode) {
  const database = await openDatabase({ kind: 'postgres', url, poolSize: mode === 'group' ? GROUP_CONNECTIONS : connections });
  const appender = mode === 'group' ? createAuditAppender(database.db, { maxInFlight: GROUP_CONNECTIONS }) : null;
  try {
    let committed = 0;
    let i = 0;
    const latencies: number[] = [];
    const deadline = performance.now() + seconds * 1000;
    const cpuBefore = { database: postgresCpu(), client: ownCpuMs() };
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          const batch = Array.from({ length: perTransaction }, () => record(i++));
          const start = performance.now();
          if (appender) await appender.append(batch[0]!);
          else if (mode === 'autocommit') await appendAuditMany(database.db, batch);
          else await database.db.transaction().execute((trx) => (perTransaction === 1 ? appendAudit(trx, batch[0]!) : appendAuditMany(trx, batch)));
          latencies.push(performance.now() - start);
          committed += perTransaction;
        }
      }),
    );
    // CPU per entry, PostgreSQL (all its processes) and this client: steadier than the rate
    // when something else shares the machine.
    const perEntryUs = (ms: number) => (ms * 1000) / Math.max(1, committed);
    const cpuPerEntryUs = { database: perEntryUs(postgresCpuBetween(cpuBefore.database, postgresCpu())), client: perEntryUs(ownCpuMs() - cpuBefore.client) };
    latencies.sort((a, b) => a - b);
    return { perSecond: committed / seconds, transactions: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), entries: committed, cpuPerEntryUs };
  } finally {
    await appender?.close();
    await database.close();
  }
}

async function bulkLoad(database: Database, total: number) {
  const chunk = 5_000;
  for (let from = 0; from < total; from += chunk) {
    await appendAuditMany(database.db, Array.from({ length: Math.min(chunk, total - from) }, (_, k) => record(from + k)));
  }
}

export async function run(args: string[]) {
  const entries = Number(flag(args, 'entries') ?? 1_000_000);
  const seconds = Number(flag(args, 'seconds') ?? 10);
  const concurrency = (flag(args, 'concurrency') ?? '1,16,32,64').split(',').map(Number);
  const only = flag(args, 'only');
  if (only !== undefined && only !== 'appends' && only !== 'verify') throw new Error('--only takes appends or verify');
  const socketFlag = flag(args, 'socket') ?? '/var/run/postgresql';
  const socketDir = socketFlag !== 'none' && existsSync(join(socketFlag, '.s.PGSQL.5432')) ? socketFlag : null;
  const fresh = await freshDatabase();
  const database = await openDatabase({ kind: 'postgres', url: fresh.url, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    const settings = await sql<{ sc: string; fsync: string }>`select current_setting('synchronous_commit') as sc, current_setting('fsync') as fsync`.execute(database.db);
    console.log(`synchronous_commit=${settings.rows[0]!.sc} fsync=${settings.rows[0]!.fsync}`);

    // The append runs get a database of their own, so the log verified below holds exactly `entries`.
    const appendDb = await freshDatabase();
    const appendSetup = await openDatabase({ kind: 'postgres', url: appendDb.url, poolSize: 1 });
    await migrateToLatest(appendSetup.db);
    await appendSetup.close();
    const appendRows: Record<string, string | number>[] = [];
    const appendResults: Record<string, unknown>[] = [];
    try {
      const scenarios = [
        { mode: 'transaction' as const, perTransaction: 1 },
        { mode: 'autocommit' as const, perTransaction: 1 },
        { mode: 'transaction' as const, perTransaction: 10 },
        { mode: 'group' as const, perTransaction: 1 },
      ];
      const transports = [{ transport: 'tcp', url: appendDb.url }, ...(socketDir ? [{ transport: 'unix', url: overSocket(appendDb.url, socketDir) }] : [])];
      for (const { transport, url } of only === 'verify' ? [] : transports) {
        for (const { mode, perTransaction } of scenarios) {
          for (const c of concurrency) {
            const r = await appendRate(url, c, seconds, perTransaction, mode);
            appendResults.push({ transport, mode, connections: c, entriesPerTransaction: perTransaction, ...r });
            appendRows.push({ transport, commit: commitLabel[mode], connections: c, 'entries/txn': perTransaction, 'entries/s': Math.round(r.perSecond), 'txn p50 ms': r.p50.toFixed(2), 'txn p99 ms': r.p99.toFixed(2), 'PostgreSQL CPU µs/entry': r.cpuPerEntryUs.database.toFixed(0), 'client CPU µs/entry': r.cpuPerEntryUs.client.toFixed(0) });
          }
        }
        // The same single-entry statement from PostgreSQL's own C client: the database's capacity.
        for (const c of concurrency) {
          const r = pgbenchAppendRate(url, record(0), c, seconds);
          if (!r) break;
          appendResults.push({ transport, mode: 'pgbench', connections: c, entriesPerTransaction: 1, perSecond: r.perSecond, clientCpuUsPerEntry: r.clientCpuUsPerEntry });
          appendRows.push({ transport, commit: 'INSERT (autocommit), pgbench', connections: c, 'entries/txn': 1, 'entries/s': Math.round(r.perSecond), 'txn p50 ms': '', 'txn p99 ms': '', 'PostgreSQL CPU µs/entry': '', 'client CPU µs/entry': r.clientCpuUsPerEntry.toFixed(0) });
        }
      }
    } finally {
      await appendDb.drop();
    }
    if (appendRows.length > 0) printTable(appendRows);
    if (only === 'appends') {
      recordResult('audit', { settings: settings.rows[0], appends: appendResults });
      return;
    }

    // The log to verify: `entries` entries written in bulk, then sequenced.
    await bulkLoad(database, entries);
    const key = generateAuditSigningKey();
    const sequencer = createAuditModule({ db: database.db, clock: systemClock, key, origin: 'bench/audit', batchSize: 50_000 });
    let start = performance.now();
    const sequenced = await sequencer.sequence();
    const sequenceMs = performance.now() - start;
    await sql`vacuum analyze audit_entries`.execute(database.db);
    console.log(`sequenced ${sequenced.sequenced} entries in ${(sequenceMs / 1000).toFixed(1)} s (${Math.round(sequenced.sequenced / (sequenceMs / 1000))} entries/s), log size ${sequenced.size}`);

    // A fresh module: nothing cached, everything recomputed from the rows.
    const verifier = createAuditModule({ db: database.db, clock: systemClock, key, origin: 'bench/audit' });
    start = performance.now();
    const verifyCpuBefore = { database: postgresCpu(), client: ownCpuMs() };
    const report = await verifier.verify();
    const verifyMs = performance.now() - start;
    const verifyCpuMs = { client: ownCpuMs() - verifyCpuBefore.client, database: postgresCpuBetween(verifyCpuBefore.database, postgresCpu()) };
    if (!report.ok) throw new Error(`the benchmark log does not verify: ${report.problems[0]?.message}`);
    console.log(
      `audit verify: ${report.size} entries, ${report.checkpoints} checkpoints in ${(verifyMs / 1000).toFixed(2)} s ` +
        `(CPU: this process ${(verifyCpuMs.client / 1000).toFixed(2)} s, PostgreSQL ${(verifyCpuMs.database / 1000).toFixed(2)} s)`,
    );

    // Proofs: the tree a process rebuilds from the stored leaf hashes, then proofs from it.
    start = performance.now();
    const leaves = await sql<{ leaf_hash: Buffer }>`select leaf_hash from audit_entries where seq is not null order by seq`.execute(database.db);
    const tree = MerkleTree.fromLeafHashes(leaves.rows.map((r) => r.leaf_hash));
    const rebuildMs = performance.now() - start;
    const size = tree.size;
    const samples = 10_000;
    const proofTimes: number[] = [];
    for (let s = 0; s < samples; s++) {
      const index = Math.floor((s * 7919 * 104729) % size);
      const t0 = performance.now();
      tree.inclusionProof(index, size);
      proofTimes.push(performance.now() - t0);
    }
    proofTimes.sort((a, b) => a - b);
    const endToEnd: number[] = [];
    await verifier.inclusionProof(0); // loads the module's tree once
    for (let s = 0; s < 200; s++) {
      const t0 = performance.now();
      await verifier.inclusionProof(Math.floor((s * 104729) % size));
      endToEnd.push(performance.now() - t0);
    }
    endToEnd.sort((a, b) => a - b);

    const best = (transport: string, mode: string, perTransaction: number) => {
      const rates = appendResults.filter((r) => r.transport === transport && r.mode === mode && r.entriesPerTransaction === perTransaction).map((r) => r.perSecond as number);
      return rates.length === 0 ? 'not run' : Math.round(Math.max(...rates));
    };
    const appendSummary = [];
    for (const transport of only === 'verify' ? [] : ['tcp', ...(socketDir ? ['unix'] : [])]) {
      appendSummary.push(
        { measure: `durable appends/s, BEGIN/INSERT/COMMIT, 1 entry (best), ${transport}`, value: best(transport, 'transaction', 1), target: '>= 10000' },
        { measure: `durable appends/s, autocommit INSERT, 1 entry (best), ${transport}`, value: best(transport, 'autocommit', 1), target: '>= 10000' },
        { measure: `durable entries/s, 10 per transaction (best), ${transport}`, value: best(transport, 'transaction', 10), target: '' },
        { measure: `durable appends/s, 1 entry per call, group appender (best), ${transport}`, value: best(transport, 'group', 1), target: '>= 10000' },
        { measure: `durable appends/s, 1 entry, the same INSERT from pgbench (best), ${transport}`, value: appendResults.some((r) => r.mode === 'pgbench') ? best(transport, 'pgbench', 1) : 'pgbench not installed', target: '>= 10000' },
      );
    }
    const summary = [
      ...appendSummary,
      { measure: `sequencing, entries/s`, value: Math.round(sequenced.sequenced / (sequenceMs / 1000)), target: '' },
      { measure: `audit verify, ${size} entries, s`, value: (verifyMs / 1000).toFixed(2), target: '<= 10' },
      { measure: 'tree rebuild from stored leaf hashes, s', value: (rebuildMs / 1000).toFixed(2), target: '' },
      { measure: 'inclusion proof from the tree, p50 / p99 ms', value: `${percentile(proofTimes, 50).toFixed(4)} / ${percentile(proofTimes, 99).toFixed(4)}`, target: '<= 1' },
      { measure: 'inclusion proof end to end (sequencer pass + checkpoint), p50 / p99 ms', value: `${percentile(endToEnd, 50).toFixed(2)} / ${percentile(endToEnd, 99).toFixed(2)}`, target: '' },
    ];
    printTable(summary);
    recordResult('audit', {
      settings: settings.rows[0],
      appends: appendResults,
      sequencing: { entries: sequenced.sequenced, ms: sequenceMs },
      verify: { entries: report.size, checkpoints: report.checkpoints, ms: verifyMs, cpuMs: verifyCpuMs },
      proofs: { treeRebuildMs: rebuildMs, samples, p50Ms: percentile(proofTimes, 50), p99Ms: percentile(proofTimes, 99), endToEndP50Ms: percentile(endToEnd, 50), endToEndP99Ms: percentile(endToEnd, 99) },
    });
  } finally {
    await database.close();
    await fresh.drop();
  }
}
