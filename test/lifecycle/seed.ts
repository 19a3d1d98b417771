import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.js';
import { newPseudonym } from '../../src/lib/ids.js';

/**
 * Rows written straight into the tables, for tests and benchmarks of the sweep that need many
 * of them or deadlines in the past. Conversation-level behaviour is tested through the API.
 */
export async function seedAccount(db: Kysely<DB>, options: { kind?: 'consumer' | 'team' | 'enterprise' | 'api'; orgId?: string | null } = {}): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('accounts')
    .values({
      id,
      email: `${id}@seed.test`,
      email_normalized: `${id}@seed.test`,
      name: 'Seeded',
      password_hash: 'x',
      kind: options.kind ?? 'consumer',
      org_id: options.orgId ?? null,
      pseudonym: newPseudonym(),
      training_opt_in: false,
      created_at: new Date('2026-01-01T00:00:00Z'),
    })
    .execute();
  return id;
}

/** `count` conversations of one account with `messages` messages each, all due at `deleteAfter`. */
export async function seedConversations(
  db: Kysely<DB>,
  options: { accountId: string; count: number; messages: number; deleteAfter: Date; createdAt?: Date },
): Promise<string[]> {
  const created = (options.createdAt ?? new Date('2026-01-01T00:00:00Z')).toISOString();
  const rows = await sql<{ id: string }>`
    insert into conversations (account_id, id, incognito, content_persisted, message_count, created_at, last_activity_at, delete_after, sweep_after, retention_rule)
    select ${options.accountId}::uuid, gen_random_uuid(), false, true, ${options.messages}::int, ${created}::timestamptz, ${created}::timestamptz,
           ${options.deleteAfter.toISOString()}::timestamptz, ${options.deleteAfter.toISOString()}::timestamptz, 'seed'
      from generate_series(1, ${options.count}::int)
    returning id
  `.execute(db);
  const ids = rows.rows.map((r) => r.id);
  if (options.messages > 0 && ids.length > 0) {
    await sql`
      insert into messages (account_id, conversation_id, id, seq, role, content, content_key_version, content_length, created_at)
      select ${options.accountId}::uuid, c.id, gen_random_uuid(), s, case when s % 2 = 1 then 'user' else 'assistant' end,
             convert_to('seeded message ' || s, 'UTF8'), 0, 16, ${created}::timestamptz
        from unnest(${ids}::uuid[]) as c(id) cross join generate_series(1, ${options.messages}::int) as s
    `.execute(db);
  }
  return ids;
}

export async function countRows(db: Kysely<DB>, table: 'conversations' | 'messages' | 'training_records' | 'training_batches' | 'lifecycle_receipts'): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db);
  return Number(row.rows[0]!.n);
}
