import { sql, type Kysely } from 'kysely';

// Keys live in their own schema (or their own database, KEYSTORE_URL) so that a backup of the
// content carries no keys, and destroying a key row makes its content unreadable everywhere.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create schema if not exists keystore;

    -- Per-account key: random, versioned, wrapped by a root key version.
    create table keystore.account_keys (
      account_id uuid not null,
      version integer not null,
      root_version integer not null,
      wrapped bytea not null,
      created_at timestamptz not null,
      primary key (account_id, version)
    );

    -- Per-scope data key (a conversation, or a copy made for another purpose). Wrapped by the
    -- account key, or by the root directly for de-identified copies that outlive their account.
    create table keystore.data_keys (
      scope_kind text not null check (scope_kind in ('conversation', 'copy')),
      scope_id uuid not null,
      version integer not null,
      account_id uuid,
      account_key_version integer,
      root_version integer,
      wrapped bytea not null,
      created_at timestamptz not null,
      primary key (scope_kind, scope_id, version),
      check ((account_id is null) = (root_version is not null))
    );
    create index data_keys_account_idx on keystore.data_keys (account_id) where account_id is not null;

    -- Destructions not yet compacted away (dead rows still on disk until VACUUM FULL).
    create table keystore.pending_compaction (
      id bigint generated always as identity primary key,
      destroyed_at timestamptz not null,
      what text not null
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema keystore cascade`.execute(db);
}
