import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { acquireLock, type DataDirLock } from './data-dir-lock.js';
import { PGliteDialect } from './pglite-dialect.js';
import { usePreparedStatements } from './prepared-statements.js';
import type { DB } from './schema.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Present on the embedded database: the lock on its data dir. */
  lock: DataDirLock | null;
  /** The embedded database's files, for tests that read them raw. */
  filesDir: string | null;
  close(): Promise<void>;
}

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */ };

// int8 counts and ids as numbers (they stay far below 2^53), bytea as Buffer: the same on both engines.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    usePreparedStatements(pool);
    // An idle connection the server closed (restart, failover, a dropped test database) is
    // discarded by the pool and replaced at the next query; unhandled, the event would end the process.
    pool.on('error', () => undefined);
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    await sql`select 1`.execute(db);
    return { db, kind: 'postgres', lock: null, filesDir: null, close: () => db.destroy() };
  }
  let lock: DataDirLock | null = null;
  let filesDir: string | null = null;
  if (target.dataDir !== null) {
    lock = acquireLock(target.dataDir);
    filesDir = join(target.dataDir, 'pgdata');
    mkdirSync(filesDir, { recursive: true, mode: 0o700 });
  }
  try {
    const pglite = new PGlite(filesDir ?? undefined, {
      parsers: {
        [pgliteTypes.INT8]: (v: string) => Number(v),
      },
    });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      lock,
      filesDir,
      close: async () => {
        await db.destroy();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
