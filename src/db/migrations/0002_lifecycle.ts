import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- One row per lifecycle sweep: what it compared deadlines with, what it deleted, and a digest
    -- of the deleted ids. The audit log takes these over when it exists.
    create table lifecycle_receipts (
      id uuid primary key,
      seq bigint generated always as identity unique,
      swept_at timestamptz not null,
      started_at timestamptz not null,
      finished_at timestamptz not null,
      policy_version text not null,
      batch_size integer not null,
      batches integer not null,
      counts jsonb not null,
      deleted_total bigint not null,
      digest text not null
    );
    create index lifecycle_receipts_swept_at_idx on lifecycle_receipts (swept_at);

    -- A training batch is a copy made for another purpose, with its own retention: it is not tied
    -- to any account, and deleting a source conversation does not reach into it.
    create table training_batches (
      id uuid primary key,
      status text not null check (status in ('building', 'frozen')),
      export_at timestamptz not null,
      created_at timestamptz not null,
      frozen_at timestamptz,
      policy_version text not null,
      record_count integer not null default 0,
      counts jsonb not null default '{}'::jsonb,
      delete_after timestamptz not null,
      retention_rule text not null
    );
    -- At most one batch is being built at a time (a second export waits its turn).
    create unique index training_batches_one_building_idx on training_batches ((status)) where status = 'building';
    create index training_batches_delete_after_idx on training_batches (delete_after);

    -- Records carry no account id: only a pseudonym that is random per (batch, account).
    create table training_records (
      batch_id uuid not null references training_batches (id) on delete cascade,
      id uuid not null,
      seq integer not null,
      pseudonym text not null,
      basis text not null,
      account_kind text not null,
      policy_version text not null,
      message_count integer not null,
      content bytea not null,
      content_key_version integer not null,
      delete_after timestamptz not null,
      primary key (batch_id, id)
    );
    create unique index training_records_order_idx on training_records (batch_id, seq);
    create index training_records_delete_after_idx on training_records (delete_after);

    -- "Already queued for training": a conversation is frozen into at most one batch, ever. The
    -- marker lives exactly as long as its conversation; it does not follow the batch, so the
    -- conversation is not exported again after its batch expires.
    create table training_exports (
      account_id uuid not null,
      conversation_id uuid not null,
      batch_id uuid not null,
      primary key (account_id, conversation_id),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade
    );
    create index training_exports_batch_idx on training_exports (batch_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table training_exports; drop table training_records; drop table training_batches;
    drop table lifecycle_receipts;
  `.execute(db);
}
