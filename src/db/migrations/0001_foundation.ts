import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisations (
      id uuid primary key,
      name text not null,
      kind text not null check (kind in ('team', 'enterprise', 'api')),
      zero_data_retention boolean not null default false,
      retention_days integer check (retention_days is null or retention_days > 0),
      training_consent boolean not null default false,
      require_mfa boolean not null default false,
      access_approval_required boolean not null default false,
      invite_token_hash bytea not null unique,
      created_at timestamptz not null
    );

    create table accounts (
      id uuid primary key,
      email text not null,
      email_normalized text not null unique,
      name text not null,
      password_hash text not null,
      kind text not null check (kind in ('consumer', 'team', 'enterprise', 'api')),
      org_id uuid references organisations (id),
      pseudonym text not null unique,
      training_opt_in boolean not null,
      created_at timestamptz not null,
      deleted_at timestamptz
    );
    create index accounts_org_idx on accounts (org_id);

    create table sessions (
      id uuid primary key,
      account_id uuid not null references accounts (id) on delete cascade,
      token_hash bytea not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      ip text,
      user_agent text
    );
    create index sessions_account_idx on sessions (account_id);

    -- The consent ledger is append-only: a change is a new row, never an edit (P05).
    create table consent_ledger (
      id bigint generated always as identity primary key,
      account_id uuid not null references accounts (id) on delete cascade,
      training_opt_in boolean not null,
      policy_version text not null,
      changed_at timestamptz not null,
      source text not null,
      ip text,
      user_agent text
    );
    create index consent_ledger_account_idx on consent_ledger (account_id, changed_at);

    create function consent_ledger_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'the consent ledger is append-only';
    end $$;
    create trigger consent_ledger_no_update before update on consent_ledger
      for each row execute function consent_ledger_append_only();

    -- Every content table carries account_id in its key so it can be sharded by account.
    create table conversations (
      account_id uuid not null references accounts (id) on delete cascade,
      id uuid not null,
      incognito boolean not null,
      title bytea,
      title_key_version integer,
      content_persisted boolean not null,
      message_count integer not null default 0,
      created_at timestamptz not null,
      last_activity_at timestamptz not null,
      deleted_at timestamptz,
      delete_after timestamptz,
      retention_rule text not null,
      primary key (account_id, id)
    );
    create unique index conversations_id_idx on conversations (id);
    create index conversations_history_idx on conversations (account_id, last_activity_at desc) where deleted_at is null and not incognito;
    create index conversations_delete_after_idx on conversations (delete_after) where delete_after is not null;

    create table messages (
      account_id uuid not null,
      conversation_id uuid not null,
      id uuid not null,
      seq integer not null,
      role text not null check (role in ('user', 'assistant')),
      content bytea,
      content_key_version integer,
      content_length integer not null,
      created_at timestamptz not null,
      primary key (account_id, id),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade
    );
    create unique index messages_conversation_seq_idx on messages (account_id, conversation_id, seq);

    -- Legal holds suspend deletion of exactly what they name (P13).
    create table legal_holds (
      id uuid primary key,
      account_id uuid not null references accounts (id),
      conversation_id uuid,
      basis text not null,
      until timestamptz,
      notify_subject boolean not null default true,
      created_at timestamptz not null,
      created_by text not null,
      released_at timestamptz
    );
    create index legal_holds_account_idx on legal_holds (account_id) where released_at is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table legal_holds; drop table messages; drop table conversations;
    drop trigger consent_ledger_no_update on consent_ledger; drop function consent_ledger_append_only;
    drop table consent_ledger; drop table sessions; drop table accounts; drop table organisations;
  `.execute(db);
}
