import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- A message moves its conversation's last activity and deadline. With either column in an
    -- index, PostgreSQL writes a new entry into every index of the table for each message (no HOT
    -- update). The sweep now finds due conversations by sweep_after, a lower bound of delete_after
    -- that messages leave alone: only fact changes (which recompute delete_after) set it, and the
    -- sweep pushes it up to delete_after when it finds a conversation not due yet
    -- (docs/adr/0003-hot-message-append.md). delete_after keeps the exact deadline, unindexed.
    alter table conversations add column sweep_after timestamptz;
    update conversations set sweep_after = delete_after;
    create index conversations_sweep_after_idx on conversations (sweep_after) where sweep_after is not null;
    drop index conversations_delete_after_idx;
    -- The history listing sorts one account's conversations (primary key prefix) instead.
    drop index conversations_history_idx;
    -- Room on each page for the updated row versions of a HOT update (new pages only).
    alter table conversations set (fillfactor = 80);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table conversations reset (fillfactor);
    create index conversations_history_idx on conversations (account_id, last_activity_at desc) where deleted_at is null and not incognito;
    create index conversations_delete_after_idx on conversations (delete_after) where delete_after is not null;
    drop index conversations_sweep_after_idx;
    alter table conversations drop column sweep_after;
  `.execute(db);
}
