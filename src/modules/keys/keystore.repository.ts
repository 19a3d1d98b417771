import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';

export type Scope = { kind: 'conversation' | 'copy'; id: string };

export async function currentAccountKey(exec: Executor, accountId: string) {
  return exec
    .selectFrom('keystore.account_keys')
    .select(['version', 'root_version', 'wrapped'])
    .where('account_id', '=', accountId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function accountKeyVersion(exec: Executor, accountId: string, version: number) {
  return exec
    .selectFrom('keystore.account_keys')
    .select(['version', 'root_version', 'wrapped'])
    .where('account_id', '=', accountId)
    .where('version', '=', version)
    .executeTakeFirst();
}

export async function insertAccountKey(exec: Executor, row: { accountId: string; version: number; rootVersion: number; wrapped: Buffer; at: Date }) {
  const result = await exec
    .insertInto('keystore.account_keys')
    .values({ account_id: row.accountId, version: row.version, root_version: row.rootVersion, wrapped: row.wrapped, created_at: row.at })
    .onConflict((oc) => oc.columns(['account_id', 'version']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findDataKey(exec: Executor, scope: Scope, version: number | null) {
  let query = exec
    .selectFrom('keystore.data_keys')
    .selectAll()
    .where('scope_kind', '=', scope.kind)
    .where('scope_id', '=', scope.id);
  query = version === null ? query.orderBy('version', 'desc').limit(1) : query.where('version', '=', version);
  return query.executeTakeFirst();
}

export async function insertDataKey(
  exec: Executor,
  row: { scope: Scope; version: number; accountId: string | null; accountKeyVersion: number | null; rootVersion: number | null; wrapped: Buffer; at: Date },
) {
  const result = await exec
    .insertInto('keystore.data_keys')
    .values({
      scope_kind: row.scope.kind,
      scope_id: row.scope.id,
      version: row.version,
      account_id: row.accountId,
      account_key_version: row.accountKeyVersion,
      root_version: row.rootVersion,
      wrapped: row.wrapped,
      created_at: row.at,
    })
    .onConflict((oc) => oc.columns(['scope_kind', 'scope_id', 'version']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function deleteDataKeys(exec: Executor, scope: Scope): Promise<number> {
  const result = await exec
    .deleteFrom('keystore.data_keys')
    .where('scope_kind', '=', scope.kind)
    .where('scope_id', '=', scope.id)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteAccountKeys(exec: Executor, accountId: string): Promise<number> {
  const accountKeys = await exec.deleteFrom('keystore.account_keys').where('account_id', '=', accountId).executeTakeFirst();
  return Number(accountKeys.numDeletedRows);
}

/** Data keys whose account key is gone open nothing; this removes them in batches. */
export async function deleteOrphanDataKeys(exec: Executor, limit: number): Promise<number> {
  const result = await sql`
    delete from keystore.data_keys d
     where (d.scope_kind, d.scope_id, d.version) in (
       select k.scope_kind, k.scope_id, k.version from keystore.data_keys k
        where k.account_id is not null
          and not exists (select 1 from keystore.account_keys a where a.account_id = k.account_id)
        limit ${limit})
  `.execute(exec);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Destroys the data keys of many scopes (a sweep batch), one statement per scope kind, and
 * when any went notes in the same statement that the keystore has dead key rows to compact
 * (`at`): one round trip per sweep batch instead of two.
 */
export async function deleteDataKeysOf(exec: Executor, scopes: readonly Scope[], at: Date): Promise<number> {
  if (scopes.length === 0) return 0;
  // One `= any(array)` per kind (a batch is almost always one kind): the planner walks the
  // primary key for it, where a join with an unnested array of unknown size had it hash the
  // whole table, a full scan per sweep batch that grew with every key stored.
  const idsByKind = new Map<Scope['kind'], string[]>();
  for (const s of scopes) {
    const ids = idsByKind.get(s.kind);
    if (ids) ids.push(s.id);
    else idsByKind.set(s.kind, [s.id]);
  }
  let deleted = 0;
  for (const [kind, ids] of idsByKind) {
    const result = await sql<{ n: number }>`
      with destroyed as (delete from keystore.data_keys where scope_kind = ${kind} and scope_id = any(${ids}::uuid[]) returning 1),
           counted as (select count(*)::int as n from destroyed),
           noted as (insert into keystore.pending_compaction (destroyed_at, what)
                     select ${at.toISOString()}::timestamptz, n || ' data keys' from counted where n > 0)
      select n from counted`.execute(exec);
    deleted += Number(result.rows[0]?.n ?? 0);
  }
  return deleted;
}

export async function notePendingCompaction(exec: Executor, what: string, at: Date) {
  await exec.insertInto('keystore.pending_compaction').values({ destroyed_at: at, what }).execute();
}

export async function pendingCompactions(exec: Executor): Promise<number> {
  const row = await exec.selectFrom('keystore.pending_compaction').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function clearPendingCompaction(exec: Executor, upToId: number) {
  await exec.deleteFrom('keystore.pending_compaction').where('id', '<=', upToId).execute();
}

export async function maxPendingId(exec: Executor): Promise<number | null> {
  const row = await sql<{ id: number | null }>`select max(id)::int as id from keystore.pending_compaction`.execute(exec);
  return row.rows[0]?.id ?? null;
}
