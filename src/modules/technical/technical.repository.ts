import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { Insertable } from 'kysely';
import type { TechnicalRequestsTable } from '../../db/schema.js';
import { TRUNCATE_PREFIX } from './ip.js';

export type NewTechnicalRequest = Insertable<TechnicalRequestsTable>;

const iso = (d: Date | string | null | undefined) => (d === null || d === undefined ? null : new Date(d).toISOString());

/**
 * A batch in one statement with one array per column: the text and its 16 parameters are the
 * same whatever the batch size, so it is prepared once, and no query with thousands of
 * parameters is built per batch.
 */
export async function insertTechnicalRequests(exec: Executor, rows: readonly NewTechnicalRequest[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (r: NewTechnicalRequest) => T) => rows.map(pick);
  await sql`
    insert into technical_requests (id, at, account_id, ip, ip_truncated, ip_truncate_after, browser, os, device_class, method, route, status, latency_ms, error_code, delete_after, retention_rule)
    select * from unnest(
      ${column((r) => r.id)}::uuid[], ${column((r) => iso(r.at))}::timestamptz[], ${column((r) => r.account_id ?? null)}::uuid[],
      ${column((r) => r.ip ?? null)}::text[], ${column((r) => r.ip_truncated ?? false)}::boolean[], ${column((r) => iso(r.ip_truncate_after))}::timestamptz[],
      ${column((r) => r.browser ?? null)}::text[], ${column((r) => r.os ?? null)}::text[], ${column((r) => r.device_class)}::text[],
      ${column((r) => r.method)}::text[], ${column((r) => r.route)}::text[], ${column((r) => r.status)}::smallint[],
      ${column((r) => r.latency_ms)}::integer[], ${column((r) => r.error_code ?? null)}::text[], ${column((r) => iso(r.delete_after))}::timestamptz[],
      ${column((r) => r.retention_rule)}::text[])
  `.execute(exec);
}

export async function listTechnicalRequests(exec: Executor, accountId: string, o: { limit: number; before: Date | null }) {
  let query = exec
    .selectFrom('technical_requests')
    .select(['id', 'at', 'ip', 'ip_truncated', 'browser', 'os', 'device_class', 'method', 'route', 'status', 'latency_ms', 'error_code', 'delete_after'])
    .where('account_id', '=', accountId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(o.limit);
  if (o.before) query = query.where('at', '<', o.before);
  return query.execute();
}

/**
 * Deletes technical records whose window (retention.technical.days, stored as `delete_after` when
 * the record was written) has passed: at most `limit`, skipping rows another sweeper holds. Records
 * of an account under an account-wide legal hold in force stay (P13). Returns the deleted ids.
 */
export async function purgeExpiredTechnicalRecords(exec: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await exec
    .deleteFrom('technical_requests')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('technical_requests as t')
        .select('t.id')
        .where('t.delete_after', '<=', now)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('legal_holds as h')
                .select(sql`1`.as('one'))
                .whereRef('h.account_id', '=', 't.account_id')
                .where('h.conversation_id', 'is', null)
                .where('h.released_at', 'is', null)
                .where((w) => w.or([w('h.until', 'is', null), w('h.until', '>', now)])),
            ),
          ),
        )
        .orderBy('t.delete_after')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Cuts the IPs that are due (`ip_truncate_after <= now`, set at write from
 * retention.technical.truncateIpAfterDays) to their network, /24 or /48: at most `limit`, skipping
 * rows another sweeper holds. Returns the ids of the records cut.
 */
export async function truncateOldIps(exec: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await exec
    .updateTable('technical_requests')
    .set({
      ip: sql<string>`case when family(ip::inet) = 4 then host(network(set_masklen(ip::inet, ${sql.lit(TRUNCATE_PREFIX.v4)})))
        else host(network(set_masklen(ip::inet, ${sql.lit(TRUNCATE_PREFIX.v6)}))) end`,
      ip_truncated: true,
      ip_truncate_after: null,
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('technical_requests')
        .select('id')
        .where('ip_truncate_after', '<=', now)
        .orderBy('ip_truncate_after')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
