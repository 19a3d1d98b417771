import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Bumped each time a conversation's deadline is recomputed because a fact changed (consent,
    -- a legal hold, a deletion). A message write checks it on the conversation row itself, which
    -- PostgreSQL re-reads after waiting for that row's lock: facts kept in other tables
    -- (organisation, holds) are not re-read then, so without it a write that waited for a
    -- recompute could apply the facts from before it.
    alter table conversations add column facts_version integer not null default 0;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table conversations drop column facts_version`.execute(db);
}
