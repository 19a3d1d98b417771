import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { badRequest } from '../../lib/errors.js';
import { aggregateUsage, type Policy, type UsageCell } from '../../policy/index.js';

export interface AnalyticsDeps {
  db: Kysely<DB>;
  policy: Pick<Policy, 'analytics'>;
}

const MAX_RANGE_DAYS = 366;

/** P16: aggregated usage for the operator; the pure rule `aggregateUsage` decides what may be shown. */
export function createAnalyticsModule({ db, policy }: AnalyticsDeps) {
  return {
    async usage(range: { from: Date; to: Date }) {
      const span = range.to.getTime() - range.from.getTime();
      if (!(span > 0) || span > MAX_RANGE_DAYS * 86_400_000) throw badRequest('invalid_range', `from must be before to, at most ${MAX_RANGE_DAYS} days apart`);
      // Counts only: no id, no content leaves the database.
      const rows = await sql<{ day: string; account_kind: string; accounts: string | number; conversations: string | number; messages: string | number }>`
        select to_char(date_trunc('day', m.created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, a.kind as account_kind,
               count(distinct m.account_id) as accounts, count(distinct m.conversation_id) as conversations, count(*) as messages
          from messages m
          join accounts a on a.id = m.account_id
         where m.created_at >= ${range.from.toISOString()}::timestamptz and m.created_at < ${range.to.toISOString()}::timestamptz
         group by 1, 2
         order by 1, 2
      `.execute(db);
      const cells: UsageCell[] = rows.rows.map((r) => ({ day: r.day, accountKind: r.account_kind, accounts: Number(r.accounts), conversations: Number(r.conversations), messages: Number(r.messages) }));
      return { from: range.from.toISOString(), to: range.to.toISOString(), ...aggregateUsage(cells, policy.analytics.minGroupSize) };
    },
  };
}

export type AnalyticsModule = ReturnType<typeof createAnalyticsModule>;
