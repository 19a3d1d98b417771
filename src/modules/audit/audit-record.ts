import { auditTimestamp, type AuditEntry, type JsonValue } from '../../audit/entry.js';

/**
 * What an audited action records. References (ids of rows, grants, holds, receipts) and
 * pseudonymous ids (`USER…`, staff ids) only: never content, never an email or a name. The
 * values are flat so that a reviewer can read an entry without a schema.
 */
export type AuditValue = string | number | boolean | null | readonly string[] | Readonly<Partial<Record<string, number>>>;

export const auditKinds = [
  'consent.change',
  'conversation.delete',
  'account.delete',
  'key.rotate',
  'sweep.receipt',
  'training.freeze',
  'staff.create',
  'staff.disable',
  'grant.create',
  'grant.revoke',
  'grant.approve',
  'grant.deny',
  'staff.read',
  'hold.create',
  'hold.release',
  'review.sample',
  'review.view',
  'review.unmask',
  'review.complete',
  'org.create',
  'org.admin',
  'org.settings',
  'policy.version',
  'safety.flag',
  'copy.reidentify',
  'disclosure.record',
] as const;
export type AuditKind = (typeof auditKinds)[number];

/** The kinds that are an access of staff to one user's data: what that user's access log lists (P20). */
export const accessKinds: readonly AuditKind[] = ['staff.read', 'review.view', 'review.unmask', 'copy.reidentify'];

/** Who acted: `staff:<uuid>`, `user:<pseudonym>`, `org-admin:<pseudonym>`, `system:<job>` or `operator` (the command line). */
export type AuditActor = `staff:${string}` | `user:${string}` | `org-admin:${string}` | `system:${string}` | 'operator';

export interface AuditRecord {
  kind: AuditKind;
  at: Date;
  actor: AuditActor;
  /** The pseudonym of the user whose data the action concerns, when it concerns one. */
  subject: string | null;
  refs: Readonly<Record<string, AuditValue>>;
}

const PSEUDONYM = /^USER[0-9]{6,20}$/;
// Anything that looks like an email address has no place in an entry.
const EMAIL_LIKE = /[^\s@]+@[^\s@]+/;

/** Checks the rules above before anything is written, so a careless caller fails loudly in tests. */
export function assertAuditable(record: AuditRecord): void {
  if (record.subject !== null && !PSEUDONYM.test(record.subject)) throw new Error(`audit subject must be a pseudonym, got a ${typeof record.subject}`);
  for (const [key, value] of Object.entries(record.refs)) {
    const values: unknown[] = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.keys(value) : [value];
    for (const v of values) {
      if (typeof v === 'string' && (v.length > 256 || EMAIL_LIKE.test(v))) throw new Error(`audit ref ${key} is not a reference`);
    }
  }
}

/**
 * The entry as the log stores and hashes it (src/audit/entry.ts): the pseudonym and the
 * conversation a record concerns become its subject, every other reference goes into details.
 * Organisation admins are users; the operator and jobs are the system.
 */
export function toEntryFields(record: AuditRecord): Omit<AuditEntry, 'seq'> {
  const [prefix, ...rest] = record.actor.split(':');
  const id = rest.join(':');
  const actor: AuditEntry['actor'] =
    prefix === 'staff' ? { kind: 'staff', id } : prefix === 'user' || prefix === 'org-admin' ? { kind: 'user', id } : { kind: 'system', id: prefix === 'system' ? id : 'operator' };
  const { conversation, ...others } = record.refs;
  const subject: Record<string, string> = {};
  if (record.subject !== null) subject.accountPseudonym = record.subject;
  if (typeof conversation === 'string') subject.conversationId = conversation;
  const details: Record<string, JsonValue> = { ...(others as Record<string, JsonValue>) };
  if (prefix === 'org-admin') details.actorRole = 'org_admin';
  return { at: auditTimestamp(record.at), action: record.kind, actor, subject, details };
}
