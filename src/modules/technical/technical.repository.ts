import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import type { Insertable } from 'kysely';
import type { TechnicalRequestsTable } from '../../db/schema.js';
import { TRUNCATE_PREFIX } from './ip.js';

export type NewTechnicalRequest = Insertable<TechnicalRequestsTable>;

export async function insertTechnicalRequests(exec: Executor, rows: readonly NewTechnicalRequest[]): Promise<void> {
  if (rows.length === 0) return;
  await exec.insertInto('technical_requests').values([...rows]).execute();
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
