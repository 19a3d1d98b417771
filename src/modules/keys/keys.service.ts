import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { newKey, open, seal } from '../../crypto/aead.js';
import { RootKeyError, type RotatableKeyProvider } from '../../crypto/key-provider.js';
import { notFound } from '../../lib/errors.js';
import { accountKeyAad, dataKeyAad, type KeystoreCipher } from './keystore-cipher.js';
import { clearPendingCompaction, deleteOrphanDataKeys, maxPendingId } from './keystore.repository.js';
import type { Executor } from '../../db/executor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { AuditRecord } from '../audit/audit-record.js';

export type Progress = (done: number, total: number) => void;

export interface KeysDeps {
  /** The database that holds the keystore schema (the main one, or KEYSTORE_URL's). */
  db: Kysely<DB>;
  provider: RotatableKeyProvider;
  cipher: KeystoreCipher;
  clock: Clock;
  /** The main database, where the audit log lives (the same as `db` unless KEYSTORE_URL is set). */
  auditDb?: Kysely<DB>;
}

const BATCH = 500;

/** Key rotation and keystore compaction. Each batch is a short transaction: the service keeps running. */
export function createKeysModule({ db, provider, cipher, clock, auditDb = db }: KeysDeps) {
  // With the keystore in its own database no transaction spans both: the entry follows the commit.
  const auditAfter = (record: AuditRecord) => (auditDb === db ? Promise.resolve() : appendAudit(auditDb, record));
  const auditWithin = (trx: Executor, record: AuditRecord) => (auditDb === db ? appendAudit(trx, record) : Promise.resolve());
  return {
    /**
     * Rewraps every key held under an older root version with the current one, then retires the
     * old versions: after this, a retired root version opens nothing.
     */
    async rotateRoot(options: { newVersion: boolean; progress?: Progress }) {
      if (options.newVersion) await provider.addVersion();
      const current = await provider.currentVersion();
      const total = await db
        .selectFrom('keystore.account_keys')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('root_version', '<', current)
        .executeTakeFirstOrThrow()
        .then(async (a) => Number(a.n) + Number((await db.selectFrom('keystore.data_keys').select((eb) => eb.fn.countAll<number>().as('n')).where('root_version', '<', current).executeTakeFirstOrThrow()).n));
      let done = 0;
      for (;;) {
        const moved = await db.transaction().execute(async (trx) => {
          const rows = await trx
            .selectFrom('keystore.account_keys')
            .select(['account_id', 'version', 'root_version', 'wrapped'])
            .where('root_version', '<', current)
            .limit(BATCH)
            .forUpdate()
            .skipLocked()
            .execute();
          for (const row of rows) {
            const aad = accountKeyAad(row.account_id, row.version);
            const rewrapped = await provider.wrap(await provider.unwrap(row.root_version, row.wrapped, aad), aad);
            await trx
              .updateTable('keystore.account_keys')
              .set({ root_version: rewrapped.version, wrapped: rewrapped.wrapped })
              .where('account_id', '=', row.account_id)
              .where('version', '=', row.version)
              .execute();
          }
          const copies = await trx
            .selectFrom('keystore.data_keys')
            .select(['scope_kind', 'scope_id', 'version', 'root_version', 'wrapped'])
            .where('root_version', '<', current)
            .limit(BATCH)
            .forUpdate()
            .skipLocked()
            .execute();
          for (const row of copies) {
            const scope = { kind: row.scope_kind, id: row.scope_id };
            const aad = dataKeyAad(scope, row.version, null, null);
            const rewrapped = await provider.wrap(await provider.unwrap(row.root_version!, row.wrapped, aad), aad);
            await trx
              .updateTable('keystore.data_keys')
              .set({ root_version: rewrapped.version, wrapped: rewrapped.wrapped })
              .where('scope_kind', '=', row.scope_kind)
              .where('scope_id', '=', row.scope_id)
              .where('version', '=', row.version)
              .execute();
          }
          return rows.length + copies.length;
        });
        done += moved;
        options.progress?.(done, total);
        if (moved === 0) break;
      }
      const retired: number[] = [];
      const stillConfigured: number[] = [];
      for (const version of await provider.versions()) {
        if (version >= current) continue;
        try {
          await provider.retireVersion(version);
          retired.push(version);
        } catch (error) {
          // Keys from the environment are retired by removing them from CUSTOS_ROOT_KEYS.
          if (!(error instanceof RootKeyError && error.code === 'not_rotatable')) throw error;
          stillConfigured.push(version);
        }
      }
      cipher.clearCache();
      // Root rotation runs as many short transactions; its one entry is written when it is complete.
      await appendAudit(auditDb, { kind: 'key.rotate', at: clock.now(), actor: 'operator', subject: null, refs: { scope: 'root', version: current, rewrapped: done, retired: retired.map(String) } });
      return { currentVersion: current, rewrapped: done, retired, removeFromEnvironment: stillConfigured };
    },

    /** A new key version for one account: its conversation keys are rewrapped, the old version destroyed. */
    async rotateAccount(accountId: string, options: { progress?: Progress } = {}) {
      const { result, record } = await db.transaction().execute(async (trx) => {
        const currentRow = await trx
          .selectFrom('keystore.account_keys')
          .selectAll()
          .where('account_id', '=', accountId)
          .orderBy('version', 'desc')
          .limit(1)
          .forUpdate()
          .executeTakeFirst();
        if (!currentRow) throw notFound('account key');
        const oldKey = await provider.unwrap(currentRow.root_version, currentRow.wrapped, accountKeyAad(accountId, currentRow.version));
        const version = currentRow.version + 1;
        const freshKey = newKey();
        const wrapped = await provider.wrap(freshKey, accountKeyAad(accountId, version));
        await trx
          .insertInto('keystore.account_keys')
          .values({ account_id: accountId, version, root_version: wrapped.version, wrapped: wrapped.wrapped, created_at: clock.now() })
          .execute();
        const dataKeys = await trx.selectFrom('keystore.data_keys').selectAll().where('account_id', '=', accountId).execute();
        let done = 0;
        for (const row of dataKeys) {
          const scope = { kind: row.scope_kind, id: row.scope_id };
          const dataKey = open(oldKey, row.wrapped, dataKeyAad(scope, row.version, accountId, row.account_key_version));
          await trx
            .updateTable('keystore.data_keys')
            .set({ account_key_version: version, wrapped: seal(freshKey, dataKey, dataKeyAad(scope, row.version, accountId, version)) })
            .where('scope_kind', '=', row.scope_kind)
            .where('scope_id', '=', row.scope_id)
            .where('version', '=', row.version)
            .execute();
          options.progress?.(++done, dataKeys.length);
        }
        await trx.deleteFrom('keystore.account_keys').where('account_id', '=', accountId).where('version', '<', version).execute();
        await trx.insertInto('keystore.pending_compaction').values({ destroyed_at: clock.now(), what: 'retired account key version' }).execute();
        cipher.clearCache();
        const owner = await (auditDb === db ? trx : auditDb).selectFrom('accounts').select('pseudonym').where('id', '=', accountId).executeTakeFirst();
        const record: AuditRecord = { kind: 'key.rotate', at: clock.now(), actor: 'operator', subject: owner?.pseudonym ?? null, refs: { scope: 'account', version, rewrapped: dataKeys.length } };
        await auditWithin(trx, record);
        return { result: { accountId, version, rewrapped: dataKeys.length }, record };
      });
      await auditAfter(record);
      return result;
    },

    /**
     * PostgreSQL keeps deleted rows on disk until they are vacuumed, and its write-ahead log keeps
     * what was written. After a shred, the key tables are rewritten (VACUUM FULL) and the log is
     * switched and checkpointed so the segments that held destroyed keys are dropped. What the
     * filesystem or an SSD keeps of freed blocks is out of reach here: see docs/operations.md.
     */
    async compact(options: { force?: boolean } = {}) {
      const upTo = await maxPendingId(db);
      if (upTo === null && !options.force) return { compacted: false, walCycled: false };
      // Data keys whose account key was destroyed open nothing; remove them before rewriting.
      while ((await deleteOrphanDataKeys(db, 10_000)) > 0);
      await sql`vacuum full keystore.account_keys`.execute(db);
      await sql`vacuum full keystore.data_keys`.execute(db);
      const walCycled = await db.connection().execute(async (conn) => {
        try {
          // Effective on the embedded engine (one process); on a server the operator sets
          // wal_recycle = off in its configuration (docs/operations.md).
          await sql`set wal_recycle = off`.execute(conn);
          for (let i = 0; i < 3; i++) {
            await sql`select pg_switch_wal()`.execute(conn);
            await sql`checkpoint`.execute(conn);
          }
          return true;
        } catch {
          return false; // not a superuser: the table files are compacted, the log ages out on its own
        }
      });
      if (upTo !== null) await clearPendingCompaction(db, upTo);
      return { compacted: true, walCycled };
    },
  };
}

export type KeysModule = ReturnType<typeof createKeysModule>;
