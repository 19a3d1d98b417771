import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The tamper-evident audit log (RFC 6962). An action appends its entry in its own transaction
    -- with seq still null; the sequencer later gives committed entries consecutive leaf indexes in
    -- id order, stores their leaf hashes (SHA-256 of 0x00 and the canonical entry, seq included) and
    -- signs a checkpoint. Entries hold references and pseudonymous ids, never content. subject and
    -- details are canonical JSON text, so the entry is rebuilt byte for byte from the row.
    create table audit_entries (
      id bigint generated always as identity primary key,
      seq bigint unique,
      leaf_hash bytea,
      at timestamptz not null,
      action text not null,
      actor_kind text not null check (actor_kind in ('user', 'staff', 'system')),
      actor_id text not null,
      subject text not null,
      details text not null,
      -- A copy of subject.accountPseudonym, so a user's access log is one index range (P20).
      subject_pseudonym text,
      check ((seq is null) = (leaf_hash is null)),
      check (seq is null or seq >= 0)
    );
    create index audit_entries_unsequenced_idx on audit_entries (id) where seq is null;
    create index audit_entries_subject_idx on audit_entries (subject_pseudonym, id) where subject_pseudonym is not null;
    create index audit_entries_policy_version_idx on audit_entries (id) where action = 'policy.version';

    -- Append-only: an entry is written once and sequenced once; it is never edited or deleted.
    -- (An owner of the database can switch this off; audit verify still finds what changed.)
    create function audit_entries_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE' then
        raise exception 'the audit log is append-only';
      end if;
      if old.seq is not null or new.id <> old.id or new.at <> old.at or new.action <> old.action
         or new.actor_kind <> old.actor_kind or new.actor_id <> old.actor_id or new.subject <> old.subject
         or new.details <> old.details or new.subject_pseudonym is distinct from old.subject_pseudonym then
        raise exception 'the audit log is append-only';
      end if;
      return new;
    end $$;
    create trigger audit_entries_no_edit before update or delete on audit_entries
      for each row execute function audit_entries_append_only();

    -- Signed checkpoints: the tree head at one size. Verifiers check each against the log.
    -- Several may share a size (a checkpoint is also signed when a new key takes over).
    create table audit_checkpoints (
      id bigint generated always as identity primary key,
      origin text not null,
      tree_size bigint not null check (tree_size >= 0),
      root_hash bytea not null,
      key_id text not null,
      signature bytea not null,
      signed_at timestamptz not null
    );
    create index audit_checkpoints_size_idx on audit_checkpoints (tree_size);
    create function audit_checkpoints_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit checkpoints are append-only';
    end $$;
    create trigger audit_checkpoints_no_edit before update or delete on audit_checkpoints
      for each row execute function audit_checkpoints_append_only();

    -- Staff of the operator (P17). The TOTP secret is sealed with a key outside the database.
    create table staff (
      id uuid primary key,
      email text not null,
      email_normalized text not null unique,
      role text not null check (role in ('support', 'trust_safety', 'legal', 'privacy_officer', 'admin')),
      password_hash text not null,
      totp_secret_sealed bytea not null,
      totp_last_step bigint,
      created_at timestamptz not null,
      disabled_at timestamptz
    );

    -- Staff sessions are their own table: a user's token never opens a staff route, nor the reverse.
    create table staff_sessions (
      id uuid primary key,
      staff_id uuid not null references staff (id),
      token_hash bytea not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz
    );
    create index staff_sessions_staff_idx on staff_sessions (staff_id);

    -- A user's request for support: the only thing that justifies a support grant.
    create table support_requests (
      id uuid primary key,
      reference text not null unique,
      account_id uuid not null references accounts (id) on delete cascade,
      conversation_id uuid,
      created_at timestamptz not null,
      closed_at timestamptz
    );
    create index support_requests_account_idx on support_requests (account_id);

    -- A grant: one staff member, one purpose, one case, one subject, for a limited time (P17).
    create table staff_grants (
      id uuid primary key,
      staff_id uuid not null references staff (id),
      purpose text not null check (purpose in ('support', 'policy_violation', 'legal_obligation')),
      case_ref text not null,
      account_id uuid not null references accounts (id) on delete cascade,
      conversation_id uuid,
      support_request_id uuid references support_requests (id) on delete set null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      approval_required boolean not null,
      approved_at timestamptz,
      approved_by uuid,
      denied_at timestamptz,
      check (expires_at > created_at)
    );
    create index staff_grants_staff_idx on staff_grants (staff_id, expires_at);
    create index staff_grants_account_idx on staff_grants (account_id);

    -- P19: the organisation's admins approve staff access to its members' data.
    alter table accounts add column org_admin boolean not null default false;

    -- Human review (P18): conversations the classifier flagged, so sampling takes them first; and
    -- the queue of sampled conversations. Both go when the conversation goes.
    create table review_flags (
      account_id uuid not null,
      conversation_id uuid not null,
      flagged_at timestamptz not null,
      primary key (account_id, conversation_id),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade
    );

    -- One row per sampling run: its seed makes the choice reproducible (also in the audit log).
    create table review_samples (
      id uuid primary key,
      seed text not null,
      rate double precision not null check (rate >= 0 and rate <= 1),
      sampled_at timestamptz not null,
      created_at timestamptz not null,
      source text not null check (source in ('command', 'schedule')),
      candidates integer not null,
      picked integer not null
    );
    create index review_samples_created_idx on review_samples (created_at);

    create table review_items (
      id uuid primary key,
      sample_id uuid not null references review_samples (id),
      account_id uuid not null,
      conversation_id uuid not null,
      flagged boolean not null,
      sampled_at timestamptz not null,
      reviewed_by uuid references staff (id),
      reviewed_at timestamptz,
      outcome text check (outcome is null or outcome in ('no_action', 'violation', 'escalated')),
      foreign key (account_id, conversation_id) references conversations (account_id, id) on delete cascade
    );
    create index review_items_queue_idx on review_items (flagged desc, sampled_at) where reviewed_at is null;
    create index review_items_conversation_idx on review_items (account_id, conversation_id);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table review_items; drop table review_samples; drop table review_flags;
    alter table accounts drop column org_admin;
    drop table staff_grants; drop table support_requests; drop table staff_sessions; drop table staff;
    drop trigger audit_checkpoints_no_edit on audit_checkpoints; drop function audit_checkpoints_append_only;
    drop table audit_checkpoints;
    drop trigger audit_entries_no_edit on audit_entries; drop function audit_entries_append_only;
    drop table audit_entries;
  `.execute(db);
}
