import { sql, type Kysely } from 'kysely';

// Frozen in time: never edit a migration that has shipped; add a new one.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table accounts
      add column email_verified_at timestamptz,
      add column phone text check (phone is null or phone ~ '^\\+[1-9][0-9]{1,14}$'),
      add column password_changed_at timestamptz;

    -- The TOTP secret is sealed (AES-256-GCM, key outside the database): a dump alone cannot mint codes.
    create table mfa_totp (
      account_id uuid primary key references accounts (id) on delete cascade,
      secret_sealed bytea not null,
      created_at timestamptz not null,
      enabled_at timestamptz,
      -- The last accepted RFC 6238 time step: a code is never accepted twice.
      last_time_step bigint
    );

    -- Recovery codes carry 80 random bits, so a plain SHA-256 is enough to make a dump useless.
    create table mfa_recovery_codes (
      account_id uuid not null references accounts (id) on delete cascade,
      code_hash bytea not null,
      created_at timestamptz not null,
      used_at timestamptz,
      primary key (account_id, code_hash)
    );

    create table email_verifications (
      id uuid primary key,
      account_id uuid not null references accounts (id) on delete cascade,
      email text not null,
      token_hash bytea not null unique,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      used_at timestamptz
    );
    create index email_verifications_account_idx on email_verifications (account_id);
    create index email_verifications_expires_idx on email_verifications (expires_at);

    -- Only a processor's token and what a settings page shows: never a card number (P21).
    create table payment_methods (
      account_id uuid primary key references accounts (id) on delete cascade,
      processor_token text not null,
      brand text not null,
      last4 text not null check (last4 ~ '^[0-9]{4}$'),
      exp_month smallint not null check (exp_month between 1 and 12),
      exp_year smallint not null,
      updated_at timestamptz not null
    );

    -- P24: one row per request. No body, no query string, no raw user agent: the route template,
    -- the parsed browser/OS/device class and the IP (truncated after the policy's days).
    -- account_id is a loose reference on purpose: these rows keep their own window.
    create table technical_requests (
      id uuid primary key,
      at timestamptz not null,
      account_id uuid,
      ip text,
      ip_truncated boolean not null default false,
      -- When the IP is cut to its network (retention.technical.truncateIpAfterDays), decided at write.
      ip_truncate_after timestamptz,
      browser text,
      os text,
      device_class text not null,
      method text not null,
      route text not null,
      status smallint not null,
      latency_ms integer not null,
      error_code text,
      delete_after timestamptz not null,
      retention_rule text not null
    );
    create index technical_requests_account_idx on technical_requests (account_id, at desc) where account_id is not null;
    create index technical_requests_delete_after_idx on technical_requests (delete_after);
    create index technical_requests_ip_truncate_idx on technical_requests (ip_truncate_after) where ip_truncate_after is not null;

    -- P25: every cookie choice is a new row; the latest one for its subject is in force.
    create table cookie_consents (
      id uuid primary key,
      -- Insertion order: two choices within one millisecond still have a latest one.
      seq bigint generated always as identity,
      account_id uuid references accounts (id) on delete cascade,
      visitor_hash bytea,
      granted text[] not null,
      gpc boolean not null,
      policy_version text not null,
      recorded_at timestamptz not null,
      -- A visitor's choice is useless once it no longer stands (cookies.consentDays); an account's
      -- choices stay with the account as its record of consent.
      delete_after timestamptz,
      check ((account_id is null) <> (visitor_hash is null)),
      check (account_id is null or delete_after is null)
    );
    create index cookie_consents_account_idx on cookie_consents (account_id, seq desc) where account_id is not null;
    create index cookie_consents_visitor_idx on cookie_consents (visitor_hash, seq desc) where visitor_hash is not null;
    create index cookie_consents_delete_after_idx on cookie_consents (delete_after) where delete_after is not null;

    create table terms_acceptances (
      account_id uuid not null references accounts (id) on delete cascade,
      version text not null,
      accepted_at timestamptz not null,
      source text not null,
      primary key (account_id, version)
    );

    -- Failed sign-ins per IP and per email, both keyed by a hash: neither is stored in clear.
    create table login_throttle (
      key bytea primary key,
      failures integer not null,
      last_failure_at timestamptz not null,
      blocked_until timestamptz
    );
    create index login_throttle_last_failure_idx on login_throttle (last_failure_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table login_throttle; drop table terms_acceptances; drop table cookie_consents;
    drop table technical_requests; drop table payment_methods; drop table email_verifications;
    drop table mfa_recovery_codes; drop table mfa_totp;
    alter table accounts drop column email_verified_at, drop column phone, drop column password_changed_at;
  `.execute(db);
}
