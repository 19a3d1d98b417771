import type { ColumnType, Generated, Selectable } from 'kysely';

/** Table types, written to match the migrations (which stay the source of truth). */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface OrganisationsTable {
  id: string;
  name: string;
  kind: 'team' | 'enterprise' | 'api';
  zero_data_retention: boolean;
  retention_days: number | null;
  training_consent: boolean;
  require_mfa: boolean;
  access_approval_required: boolean;
  invite_token_hash: Buffer;
  created_at: Timestamp;
}

export interface AccountsTable {
  id: string;
  email: string;
  email_normalized: string;
  name: string;
  password_hash: string;
  kind: 'consumer' | 'team' | 'enterprise' | 'api';
  org_id: string | null;
  pseudonym: string;
  training_opt_in: boolean;
  created_at: Timestamp;
  deleted_at: Timestamp | null;
  email_verified_at: Timestamp | null;
  phone: string | null;
  password_changed_at: Timestamp | null;
  /** P19: may approve staff access to the organisation's members (migration 0004). */
  org_admin: Generated<boolean>;
}

export interface SessionsTable {
  id: string;
  account_id: string;
  token_hash: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface ConsentLedgerTable {
  id: Generated<number>;
  account_id: string;
  training_opt_in: boolean;
  policy_version: string;
  changed_at: Timestamp;
  source: string;
  ip: string | null;
  user_agent: string | null;
}

export interface ConversationsTable {
  account_id: string;
  id: string;
  incognito: boolean;
  title: Buffer | null;
  title_key_version: number | null;
  content_persisted: boolean;
  message_count: Generated<number>;
  created_at: Timestamp;
  last_activity_at: Timestamp;
  deleted_at: Timestamp | null;
  /** The exact deadline (not indexed: a message moves it, and the update stays HOT). */
  delete_after: Timestamp | null;
  /** A lower bound of delete_after, indexed for the sweep; messages leave it alone (migration 0009). */
  sweep_after: Timestamp | null;
  retention_rule: string;
  /** Bumped by every recompute of the deadline (migration 0008). */
  facts_version: Generated<number>;
}

export interface MessagesTable {
  account_id: string;
  conversation_id: string;
  id: string;
  seq: number;
  role: 'user' | 'assistant';
  content: Buffer | null;
  content_key_version: number | null;
  content_length: number;
  created_at: Timestamp;
}

export interface LegalHoldsTable {
  id: string;
  account_id: string;
  conversation_id: string | null;
  basis: string;
  until: Timestamp | null;
  notify_subject: boolean;
  created_at: Timestamp;
  created_by: string;
  released_at: Timestamp | null;
}

export interface AccountKeysTable {
  account_id: string;
  version: number;
  root_version: number;
  wrapped: Buffer;
  created_at: Timestamp;
}

export interface DataKeysTable {
  scope_kind: 'conversation' | 'copy';
  scope_id: string;
  version: number;
  account_id: string | null;
  account_key_version: number | null;
  root_version: number | null;
  wrapped: Buffer;
  created_at: Timestamp;
}

export interface PendingCompactionTable {
  id: Generated<number>;
  destroyed_at: Timestamp;
  what: string;
}

/** Account security and the non-conversation personal data (migration 0006). */
export interface MfaTotpTable {
  account_id: string;
  secret_sealed: Buffer;
  created_at: Timestamp;
  enabled_at: Timestamp | null;
  last_time_step: number | null;
}

export interface MfaRecoveryCodesTable {
  account_id: string;
  code_hash: Buffer;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface EmailVerificationsTable {
  id: string;
  account_id: string;
  email: string;
  token_hash: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface PaymentMethodsTable {
  account_id: string;
  processor_token: string;
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  updated_at: Timestamp;
}

export interface TechnicalRequestsTable {
  id: string;
  at: Timestamp;
  account_id: string | null;
  ip: string | null;
  ip_truncated: Generated<boolean>;
  ip_truncate_after: Timestamp | null;
  browser: string | null;
  os: string | null;
  device_class: string;
  method: string;
  route: string;
  status: number;
  latency_ms: number;
  error_code: string | null;
  delete_after: Timestamp;
  retention_rule: string;
}

export interface CookieConsentsTable {
  id: string;
  seq: Generated<number>;
  account_id: string | null;
  visitor_hash: Buffer | null;
  granted: string[];
  gpc: boolean;
  policy_version: string;
  recorded_at: Timestamp;
  delete_after: Timestamp | null;
}

export interface TermsAcceptancesTable {
  account_id: string;
  version: string;
  accepted_at: Timestamp;
  source: string;
}

export interface LoginThrottleTable {
  key: Buffer;
  failures: number;
  last_failure_at: Timestamp;
  blocked_until: Timestamp | null;
}

/** One lifecycle sweep: counts per data class and a set digest of the deleted ids. */
export interface LifecycleReceiptsTable {
  id: string;
  /** Order of writing (several sweeps may share a start instant). */
  seq: Generated<number>;
  swept_at: Timestamp;
  started_at: Timestamp;
  finished_at: Timestamp;
  policy_version: string;
  batch_size: number;
  batches: number;
  counts: ColumnType<Record<string, number>, string, string>;
  deleted_total: number;
  digest: string;
}

export interface TrainingBatchesTable {
  id: string;
  status: 'building' | 'frozen';
  export_at: Timestamp;
  created_at: Timestamp;
  frozen_at: Timestamp | null;
  policy_version: string;
  record_count: Generated<number>;
  counts: ColumnType<Record<string, unknown>, string | undefined, string>;
  delete_after: Timestamp;
  retention_rule: string;
}

export interface TrainingRecordsTable {
  batch_id: string;
  id: string;
  seq: number;
  pseudonym: string;
  basis: string;
  account_kind: string;
  policy_version: string;
  message_count: number;
  content: Buffer;
  content_key_version: number;
  delete_after: Timestamp;
}

export interface TrainingExportsTable {
  account_id: string;
  conversation_id: string;
  batch_id: string;
}

export interface FeedbackCopiesTable {
  id: string;
  rating: 'up' | 'down';
  comment: Buffer | null;
  snapshot: Buffer | null;
  key_version: number | null;
  message_count: number;
  account_kind: 'consumer' | 'team' | 'enterprise' | 'api';
  org_id: string | null;
  incognito: boolean;
  created_at: Timestamp;
  delete_after: Timestamp;
  exported_batch_id: string | null;
}

export interface SafetyCopiesTable {
  id: string;
  category: string;
  source: 'classifier' | 'staff';
  exchange: Buffer | null;
  note: Buffer | null;
  key_version: number | null;
  account_kind: 'consumer' | 'team' | 'enterprise' | 'api';
  org_id: string | null;
  incognito: boolean;
  created_at: Timestamp;
  delete_after: Timestamp;
  exported_batch_id: string | null;
}

export interface ClassifierScoresTable {
  id: string;
  safety_copy_id: string | null;
  category: string;
  score: number;
  classifier: string;
  created_at: Timestamp;
  delete_after: Timestamp;
}

export interface ReidLinksTable {
  copy_kind: 'feedback' | 'safety';
  copy_id: string;
  key_scope_id: string;
  sealed_account: Buffer;
  key_version: number;
  created_at: Timestamp;
  delete_after: Timestamp;
}

/** The audit log, staff access and human review (migration 0004). */
export interface AuditEntriesTable {
  id: Generated<number>;
  seq: number | null;
  leaf_hash: Buffer | null;
  at: Timestamp;
  action: string;
  actor_kind: 'user' | 'staff' | 'system';
  actor_id: string;
  subject: string;
  details: string;
  subject_pseudonym: string | null;
}

export interface AuditCheckpointsTable {
  id: Generated<number>;
  origin: string;
  tree_size: number;
  root_hash: Buffer;
  key_id: string;
  signature: Buffer;
  signed_at: Timestamp;
}

export interface StaffTable {
  id: string;
  email: string;
  email_normalized: string;
  role: 'support' | 'trust_safety' | 'legal' | 'privacy_officer' | 'admin';
  password_hash: string;
  totp_secret_sealed: Buffer;
  totp_last_step: number | null;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export interface StaffSessionsTable {
  id: string;
  staff_id: string;
  token_hash: Buffer;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface SupportRequestsTable {
  id: string;
  reference: string;
  account_id: string;
  conversation_id: string | null;
  created_at: Timestamp;
  closed_at: Timestamp | null;
}

export interface ConnectionsTable {
  account_id: string;
  id: string;
  service: string;
  scopes: string[];
  credential: Buffer;
  credential_key_version: number;
  created_at: Timestamp;
}

export interface DisclosuresTable {
  id: string;
  account_id: string;
  recipient_id: string;
  recipient_kind: 'subprocessor' | 'affiliate' | 'authority';
  purpose: string;
  legal_basis: string | null;
  scope: string[];
  notify_subject: boolean;
  transfer_to: string | null;
  transfer_basis: string | null;
  recorded_by: string;
  policy_version: string;
  created_at: Timestamp;
}

export interface StaffGrantsTable {
  id: string;
  staff_id: string;
  purpose: 'support' | 'policy_violation' | 'legal_obligation';
  case_ref: string;
  account_id: string;
  conversation_id: string | null;
  support_request_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  approval_required: boolean;
  approved_at: Timestamp | null;
  approved_by: string | null;
  denied_at: Timestamp | null;
}

export interface ReviewFlagsTable {
  account_id: string;
  conversation_id: string;
  flagged_at: Timestamp;
}

export interface ReviewSamplesTable {
  id: string;
  seed: string;
  rate: number;
  sampled_at: Timestamp;
  created_at: Timestamp;
  source: 'command' | 'schedule';
  candidates: number;
  picked: number;
}

export interface ReviewItemsTable {
  id: string;
  sample_id: string;
  account_id: string;
  conversation_id: string;
  flagged: boolean;
  sampled_at: Timestamp;
  reviewed_by: string | null;
  reviewed_at: Timestamp | null;
  outcome: 'no_action' | 'violation' | 'escalated' | null;
}

export interface DB {
  feedback_copies: FeedbackCopiesTable;
  safety_copies: SafetyCopiesTable;
  classifier_scores: ClassifierScoresTable;
  reid_links: ReidLinksTable;
  'keystore.account_keys': AccountKeysTable;
  'keystore.data_keys': DataKeysTable;
  'keystore.pending_compaction': PendingCompactionTable;
  organisations: OrganisationsTable;
  accounts: AccountsTable;
  sessions: SessionsTable;
  consent_ledger: ConsentLedgerTable;
  conversations: ConversationsTable;
  messages: MessagesTable;
  legal_holds: LegalHoldsTable;
  lifecycle_receipts: LifecycleReceiptsTable;
  training_batches: TrainingBatchesTable;
  training_records: TrainingRecordsTable;
  training_exports: TrainingExportsTable;
  mfa_totp: MfaTotpTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
  email_verifications: EmailVerificationsTable;
  payment_methods: PaymentMethodsTable;
  technical_requests: TechnicalRequestsTable;
  cookie_consents: CookieConsentsTable;
  terms_acceptances: TermsAcceptancesTable;
  login_throttle: LoginThrottleTable;
  audit_entries: AuditEntriesTable;
  audit_checkpoints: AuditCheckpointsTable;
  staff: StaffTable;
  staff_sessions: StaffSessionsTable;
  support_requests: SupportRequestsTable;
  connections: ConnectionsTable;
  disclosures: DisclosuresTable;
  staff_grants: StaffGrantsTable;
  review_flags: ReviewFlagsTable;
  review_samples: ReviewSamplesTable;
  review_items: ReviewItemsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type OrganisationRow = Selectable<OrganisationsTable>;
export type ConversationRow = Selectable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
