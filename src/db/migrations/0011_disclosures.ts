import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Every disclosure of a user's data to a third party (P26, P27, P32): to whom (a recipient of
    -- the policy file), why, on what legal basis, which data, whether the user may be told, and
    -- the transfer rule when the data left the deployment's region. Append-only.
    create table disclosures (
      id uuid primary key,
      account_id uuid not null references accounts (id),
      recipient_id text not null,
      recipient_kind text not null check (recipient_kind in ('subprocessor', 'affiliate', 'authority')),
      purpose text not null,
      legal_basis text,
      scope text[] not null,
      notify_subject boolean not null,
      transfer_to text,
      transfer_basis text,
      recorded_by uuid not null,
      policy_version text not null,
      created_at timestamptz not null,
      check (notify_subject or legal_basis is not null)
    );
    create index disclosures_account_idx on disclosures (account_id, created_at);
    create function disclosures_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'disclosures are append-only';
    end $$;
    create trigger disclosures_no_edit before update or delete on disclosures
      for each row execute function disclosures_append_only();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table disclosures; drop function disclosures_append_only()`.execute(db);
}
