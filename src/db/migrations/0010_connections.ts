import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Connected services (P28): what an integration may reach, and its credential sealed under a
    -- data key of its own, so removing the connection destroys the credential at that instant.
    create table connections (
      account_id uuid not null references accounts (id),
      id uuid not null,
      service text not null,
      scopes text[] not null,
      credential bytea not null,
      credential_key_version integer not null,
      created_at timestamptz not null,
      primary key (account_id, id)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table connections`.execute(db);
}
