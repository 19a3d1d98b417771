import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';

/** An account row joined with its organisation, as the retention facts are read from it (null organisation columns: none). */
export interface AccountFactsRow {
  kind: 'consumer' | 'team' | 'enterprise' | 'api';
  training_opt_in: boolean;
  deleted_at: Date | string | null;
  zero_data_retention: boolean | null;
  retention_days: number | null;
  training_consent: boolean | null;
}

/** The facts about an account that every conversation decision of that account shares. */
export async function loadAccountFacts(exec: Executor, accountId: string) {
  return exec
    .selectFrom('accounts as a')
    .leftJoin('organisations as o', 'o.id', 'a.org_id')
    .select([
      'a.id',
      'a.kind',
      'a.training_opt_in',
      'a.deleted_at',
      'o.zero_data_retention',
      'o.retention_days',
      'o.training_consent',
    ])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
}

/** Holds not yet released on the account; `conversation_id` null means the whole account. */
export async function loadHolds(exec: Executor, accountId: string) {
  return exec
    .selectFrom('legal_holds')
    .select(['id', 'conversation_id', 'until'])
    .where('account_id', '=', accountId)
    .where('released_at', 'is', null)
    .execute();
}

export async function loadConversationsForRetention(exec: Executor, accountId: string, conversationIds: string[] | null) {
  let query = exec
    .selectFrom('conversations')
    .select(['id', 'incognito', 'last_activity_at', 'deleted_at'])
    .where('account_id', '=', accountId);
  if (conversationIds) query = query.where('id', 'in', conversationIds);
  // Locked: a message written meanwhile moves last_activity_at, and a deadline computed from the
  // value read before it would come too early.
  return query.forUpdate().execute();
}

/** Writes many deadlines in one statement: a consent change touches every conversation of an account. */
export async function writeDeadlines(
  exec: Executor,
  accountId: string,
  rows: { id: string; deleteAfter: Date | null; rule: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update conversations c
       set delete_after = v.delete_after, sweep_after = v.delete_after, retention_rule = v.rule, facts_version = c.facts_version + 1
      from (select unnest(${rows.map((r) => r.id)}::uuid[]) as id,
                   unnest(${rows.map((r) => r.deleteAfter?.toISOString() ?? null)}::timestamptz[]) as delete_after,
                   unnest(${rows.map((r) => r.rule)}::text[]) as rule) v
     where c.account_id = ${accountId} and c.id = v.id
  `.execute(exec);
}
