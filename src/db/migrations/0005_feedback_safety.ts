import { sql, type Kysely } from 'kysely';

// Copies made for another purpose (P07, P14, P15). None of them carries an account id: the link
// back to the account is a separate row, sealed, readable only under an audited grant.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table feedback_copies (
      id uuid primary key,
      rating text not null check (rating in ('up', 'down')),
      comment bytea,
      snapshot bytea,
      key_version integer,
      message_count integer not null,
      account_kind text not null,
      org_id uuid,
      incognito boolean not null,
      created_at timestamptz not null,
      delete_after timestamptz not null,
      exported_batch_id uuid
    );
    create index feedback_copies_delete_after_idx on feedback_copies (delete_after);

    create table safety_copies (
      id uuid primary key,
      category text not null,
      source text not null check (source in ('classifier', 'staff')),
      exchange bytea,
      note bytea,
      key_version integer,
      account_kind text not null,
      org_id uuid,
      incognito boolean not null,
      created_at timestamptz not null,
      delete_after timestamptz not null,
      exported_batch_id uuid
    );
    create index safety_copies_delete_after_idx on safety_copies (delete_after);

    -- Scores hold no content: category, score, which classifier, and which safety copy they explain.
    create table classifier_scores (
      id uuid primary key,
      safety_copy_id uuid,
      category text not null,
      score real not null,
      classifier text not null,
      created_at timestamptz not null,
      delete_after timestamptz not null
    );
    create index classifier_scores_delete_after_idx on classifier_scores (delete_after);

    -- The re-identification link: apart from the copy, the account id sealed under the link's key.
    create table reid_links (
      copy_kind text not null check (copy_kind in ('feedback', 'safety')),
      copy_id uuid not null,
      key_scope_id uuid not null,
      sealed_account bytea not null,
      key_version integer not null,
      created_at timestamptz not null,
      delete_after timestamptz not null,
      primary key (copy_kind, copy_id)
    );
    create index reid_links_delete_after_idx on reid_links (delete_after);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table reid_links; drop table classifier_scores; drop table safety_copies; drop table feedback_copies;`.execute(db);
}
