import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every append inserts its entry with seq still null, and a plain unique index on seq holds a
    -- row for each of those nulls: one more index insertion (and its WAL) on every durable append,
    -- for rows no seq look-up ever finds. A unique index over sequenced rows only keeps the
    -- guarantee (no two entries share a leaf index) and serves every seq query (each implies
    -- seq is not null).
    alter table audit_entries drop constraint audit_entries_seq_key;
    create unique index audit_entries_seq_idx on audit_entries (seq) where seq is not null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index audit_entries_seq_idx;
    alter table audit_entries add constraint audit_entries_seq_key unique (seq);
  `.execute(db);
}
