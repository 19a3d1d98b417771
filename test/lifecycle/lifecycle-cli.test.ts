import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from '../support/database.js';
import { custosBin, repoRoot, runCustos, startServer } from '../support/cli.js';
import { countRows, seedAccount, seedConversations } from './seed.js';

/**
 * The lifecycle commands as an operator runs them: real processes, on the embedded database (a
 * data dir) or on PostgreSQL (DATABASE_URL), whichever the suite runs against.
 */
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const PAST = new Date('2020-01-01T00:00:00Z');
const FUTURE = new Date('2999-01-01T00:00:00Z');

interface Target {
  /** Flags that point a command at this database. */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Opens the database in this process (only while no custos process holds an embedded one). */
  open(): Promise<Database>;
}

async function newTarget(): Promise<Target> {
  const env = { CUSTOS_ROOT_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'info' };
  if (testDatabaseUrl) {
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.drop());
    return {
      args: [],
      env: { ...env, DATABASE_URL: database.url! },
      open: async () => ({ ...database, close: async () => undefined }),
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'custos-lifecycle-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  return {
    args: ['--data-dir', dataDir],
    env,
    open: async () => {
      const database = await openDatabase({ kind: 'pglite', dataDir });
      await migrateToLatest(database.db);
      return database;
    },
  };
}

/** Two due conversations and one that is not, with two messages each. */
async function seed(target: Target) {
  const database = await target.open();
  try {
    const accountId = await seedAccount(database.db);
    const due = await seedConversations(database.db, { accountId, count: 2, messages: 2, deleteAfter: PAST });
    const kept = await seedConversations(database.db, { accountId, count: 1, messages: 2, deleteAfter: FUTURE });
    return { due, kept };
  } finally {
    await database.close();
  }
}

async function waitFor(read: () => string, pattern: RegExp, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// Each command starts a process that opens the database: slow on a busy machine.
describe('custos lifecycle run', { timeout: 180_000 }, () => {
  it('prints counts per data class, or one JSON object, and a second run at the same instant deletes nothing', async () => {
    const target = await newTarget();
    await seed(target);
    const text = await runCustos(['lifecycle', 'run', ...target.args], { env: target.env });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^conversations\s+2$/m);
    expect(text.stdout).toMatch(/^messages\s+4$/m);
    expect(text.stdout).toMatch(/^training_records\s+0$/m);
    expect(text.stdout).toMatch(/digest [0-9a-f]{64}/);

    const at = new Date().toISOString();
    const json = await runCustos(['lifecycle', 'run', '--json', '--at', at, '--batch', '7', ...target.args], { env: target.env });
    expect(json.code).toBe(0);
    const receipt = JSON.parse(json.stdout);
    expect(receipt).toMatchObject({ at, batchSize: 7, total: 0, counts: { conversations: 0, messages: 0 } });

    const receipts = await runCustos(['lifecycle', 'receipts', '--json', ...target.args], { env: target.env });
    expect(JSON.parse(receipts.stdout).map((r: { total: number }) => r.total)).toEqual([0, 6]);
  });

  it('refuses bad flags with a one-line message and deletes nothing', async () => {
    const target = await newTarget();
    const { due } = await seed(target);
    const badAt = await runCustos(['lifecycle', 'run', '--at', 'yesterday', ...target.args], { env: target.env });
    expect(badAt.code).toBe(1);
    expect(badAt.stderr).toContain('--at must be an ISO-8601 instant');
    const badBatch = await runCustos(['lifecycle', 'run', '--batch', '0', ...target.args], { env: target.env });
    expect(badBatch.code).toBe(1);
    expect(badBatch.stderr).toContain('--batch must be a positive whole number');
    const database = await target.open();
    try {
      expect(await countRows(database.db, 'conversations')).toBe(due.length + 1);
    } finally {
      await database.close();
    }
  });
});

describe('background sweeps', { timeout: 180_000 }, () => {
  it('custos worker sweeps as soon as it starts and stops cleanly on SIGTERM', async () => {
    const target = await newTarget();
    const { kept } = await seed(target);
    const child = spawn(process.execPath, [custosBin, 'worker', '--sweep-interval', '1h', ...target.args], {
      cwd: repoRoot,
      env: { ...process.env, TEST_DATABASE_URL: '', DATABASE_URL: '', ...target.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output, /"msg":"lifecycle sweep"/, 'the first sweep');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const sweepLine = JSON.parse(output.split('\n').find((l) => l.includes('"msg":"lifecycle sweep"'))!);
    expect(sweepLine.counts).toMatchObject({ conversations: 2, messages: 4 });
    const database = await target.open();
    try {
      const left = await database.db.selectFrom('conversations').select('id').execute();
      expect(left.map((c) => c.id)).toEqual(kept);
      expect(await countRows(database.db, 'lifecycle_receipts')).toBe(1);
    } finally {
      await database.close();
    }
  });

  it('custos serve runs the sweeper unless --no-sweeper', async () => {
    const withSweeper = await newTarget();
    await seed(withSweeper);
    const server = await startServer(['--sweep-interval', '1h', ...withSweeper.args], { env: withSweeper.env });
    try {
      await waitFor(server.output, /"msg":"lifecycle sweep"/, 'the first sweep');
      // on the embedded database this goes through the running server's admin channel
      const receipts = await runCustos(['lifecycle', 'receipts', '--json', ...withSweeper.args], { env: withSweeper.env });
      expect(receipts.code).toBe(0);
      expect(JSON.parse(receipts.stdout)[0].counts).toMatchObject({ conversations: 2, messages: 4 });
    } finally {
      expect(await server.stop()).toBe(0);
    }

    const without = await newTarget();
    const { due } = await seed(without);
    const quiet = await startServer(['--no-sweeper', ...without.args], { env: without.env });
    try {
      const receipts = await runCustos(['lifecycle', 'receipts', '--json', ...without.args], { env: without.env });
      expect(JSON.parse(receipts.stdout)).toEqual([]);
    } finally {
      expect(await quiet.stop()).toBe(0);
    }
    expect(quiet.output()).not.toContain('lifecycle sweep');
    const database = await without.open();
    try {
      expect(await countRows(database.db, 'conversations')).toBe(due.length + 1);
    } finally {
      await database.close();
    }
  });
});
