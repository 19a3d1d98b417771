import type { Executor } from '../../db/executor.js';
import type { GrantFacts } from '../../policy/index.js';

export interface NewGrant {
  id: string;
  staffId: string;
  purpose: GrantFacts['purpose'];
  caseRef: string;
  accountId: string;
  conversationId: string | null;
  supportRequestId: string | null;
  createdAt: Date;
  expiresAt: Date;
  approvalRequired: boolean;
}

export async function insertGrant(exec: Executor, g: NewGrant): Promise<void> {
  await exec
    .insertInto('staff_grants')
    .values({
      id: g.id,
      staff_id: g.staffId,
      purpose: g.purpose,
      case_ref: g.caseRef,
      account_id: g.accountId,
      conversation_id: g.conversationId,
      support_request_id: g.supportRequestId,
      created_at: g.createdAt,
      expires_at: g.expiresAt,
      approval_required: g.approvalRequired,
    })
    .execute();
}

const grantColumns = [
  'g.id',
  'g.staff_id',
  'g.purpose',
  'g.case_ref',
  'g.account_id',
  'g.conversation_id',
  'g.created_at',
  'g.expires_at',
  'g.revoked_at',
  'g.approval_required',
  'g.approved_at',
  'g.denied_at',
  'sr.account_id as sr_account_id',
  'sr.conversation_id as sr_conversation_id',
  'sr.reference as sr_reference',
] as const;

function grantsQuery(exec: Executor) {
  return exec.selectFrom('staff_grants as g').leftJoin('support_requests as sr', 'sr.id', 'g.support_request_id').select(grantColumns);
}

type GrantRow = Awaited<ReturnType<ReturnType<typeof grantsQuery>['executeTakeFirstOrThrow']>>;

const date = (v: Date | string | null): Date | null => (v === null ? null : new Date(v));

export function toGrantFacts(row: GrantRow): GrantFacts {
  return {
    id: row.id,
    staffId: row.staff_id,
    purpose: row.purpose,
    caseRef: row.case_ref,
    subject: { accountId: row.account_id, conversationId: row.conversation_id },
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    revokedAt: date(row.revoked_at),
    supportRequest: row.sr_account_id === null ? null : { accountId: row.sr_account_id, conversationId: row.sr_conversation_id },
    approvedAt: date(row.approved_at),
    deniedAt: date(row.denied_at),
  };
}

export interface GrantView extends GrantFacts {
  approvalRequired: boolean;
  supportRequestRef: string | null;
}

const toView = (row: GrantRow): GrantView => ({ ...toGrantFacts(row), approvalRequired: row.approval_required, supportRequestRef: row.sr_reference });

/** The caller's grants on one account: the facts decideAccess weighs. */
export async function grantsOnAccount(exec: Executor, staffId: string, accountId: string): Promise<GrantFacts[]> {
  const rows = await grantsQuery(exec).where('g.staff_id', '=', staffId).where('g.account_id', '=', accountId).execute();
  return rows.map(toGrantFacts);
}

export async function findGrant(exec: Executor, id: string): Promise<GrantView | null> {
  const row = await grantsQuery(exec).where('g.id', '=', id).executeTakeFirst();
  return row ? toView(row) : null;
}

export async function listStaffGrants(exec: Executor, staffId: string, limit: number): Promise<GrantView[]> {
  const rows = await grantsQuery(exec).where('g.staff_id', '=', staffId).orderBy('g.created_at', 'desc').limit(limit).execute();
  return rows.map(toView);
}

/** Grants that wait for an organisation's answer (P19), newest first. */
export async function listOrgAccessRequests(exec: Executor, orgId: string, limit: number) {
  return exec
    .selectFrom('staff_grants as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .innerJoin('staff as s', 's.id', 'g.staff_id')
    .select(['g.id', 'g.purpose', 'g.case_ref', 'g.conversation_id', 'g.created_at', 'g.expires_at', 'g.approved_at', 'g.denied_at', 'g.revoked_at', 's.role', 'a.pseudonym'])
    .where('a.org_id', '=', orgId)
    .where('g.approval_required', '=', true)
    .orderBy('g.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function lockGrant(exec: Executor, id: string) {
  return exec
    .selectFrom('staff_grants as g')
    .innerJoin('accounts as a', 'a.id', 'g.account_id')
    .select(['g.id', 'g.staff_id', 'g.approval_required', 'g.approved_at', 'g.denied_at', 'g.revoked_at', 'g.expires_at', 'g.purpose', 'g.case_ref', 'a.org_id', 'a.pseudonym'])
    .where('g.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function setGrantAnswer(exec: Executor, id: string, answer: { approvedAt: Date | null; deniedAt: Date | null; by: string }) {
  await exec
    .updateTable('staff_grants')
    .set({ approved_at: answer.approvedAt, denied_at: answer.deniedAt, approved_by: answer.by })
    .where('id', '=', id)
    .execute();
}

export async function revokeGrant(exec: Executor, id: string, staffId: string, at: Date): Promise<boolean> {
  const result = await exec
    .updateTable('staff_grants')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The owner and organisation settings of an account, as the access decision needs them. */
export async function subjectAccount(exec: Executor, accountId: string) {
  return exec
    .selectFrom('accounts as a')
    .leftJoin('organisations as o', 'o.id', 'a.org_id')
    .select(['a.id', 'a.pseudonym', 'a.kind', 'a.org_id', 'a.deleted_at', 'o.access_approval_required'])
    .where('a.id', '=', accountId)
    .executeTakeFirst();
}

export async function conversationOwner(exec: Executor, conversationId: string) {
  return exec.selectFrom('conversations').select(['account_id', 'id']).where('id', '=', conversationId).executeTakeFirst();
}

export async function findSupportRequestByRef(exec: Executor, reference: string) {
  return exec.selectFrom('support_requests').select(['id', 'account_id', 'conversation_id', 'closed_at']).where('reference', '=', reference).executeTakeFirst();
}
