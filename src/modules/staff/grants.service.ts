import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import {
  decideAccess,
  decideGrantRequest,
  type AccessAction,
  type AccessDecision,
  type AccessPurpose,
  type AccessSubject,
  type Policy,
} from '../../policy/index.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { appendAudit } from '../audit/audit.repository.js';
import { requireOrgAdmin, type OrgCaller } from '../organisations/organisations.repository.js';
import type { StaffContext } from './staff.service.js';
import {
  conversationOwner,
  findGrant,
  findSupportRequestByRef,
  grantsOnAccount,
  insertGrant,
  listOrgAccessRequests,
  listStaffGrants,
  lockGrant,
  revokeGrant,
  setGrantAnswer,
  subjectAccount,
  type GrantView,
} from './grants.repository.js';

export interface GrantsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export interface GrantInput {
  subject: { accountId?: string | undefined; conversationId?: string | undefined };
  purpose: AccessPurpose;
  caseRef: string;
  ttlMinutes: number;
  supportRequestRef?: string | undefined;
}

/** A refusal carries the decision's reason as its stable code, and nothing about the data. */
export const accessDenied = (reason: string) => new AppError(reason, 403, `access refused: ${reason.replace(/_/g, ' ')}`);

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function grantView(g: GrantView) {
  return {
    id: g.id,
    purpose: g.purpose,
    caseRef: g.caseRef,
    subject: { accountId: g.subject.accountId, conversationId: g.subject.conversationId },
    supportRequestRef: g.supportRequestRef,
    createdAt: g.createdAt.toISOString(),
    expiresAt: g.expiresAt.toISOString(),
    revokedAt: iso(g.revokedAt),
    approvalRequired: g.approvalRequired,
    approvedAt: iso(g.approvedAt),
    deniedAt: iso(g.deniedAt),
  };
}

/**
 * Grants (P17, P19): a staff member asks for one purpose, one case, one subject, for a limited
 * time; an organisation that requires it approves first. Issuing a grant opens nothing by
 * itself: every read asks `decideAccess` again, inside the read's transaction.
 */
export function createGrantsModule({ db, clock, policy }: GrantsDeps) {
  /** The access decision for one read, from the facts as they stand in `exec` now. */
  async function decide(
    exec: Executor,
    staff: StaffContext,
    action: AccessAction,
    target: AccessSubject,
    grantId: string | undefined,
  ): Promise<AccessDecision> {
    const account = await subjectAccount(exec, target.accountId);
    if (!account) throw notFound('account');
    const grants = await grantsOnAccount(exec, staff.staffId, target.accountId);
    return decideAccess(
      { staff: { id: staff.staffId, role: staff.role }, action, target, org: account.org_id === null ? null : { accessApprovalRequired: account.access_approval_required === true }, grantId },
      grants,
      policy,
      clock.now(),
    );
  }

  const orgAdminOf = (exec: Executor, caller: OrgCaller, orgId: string) => requireOrgAdmin(exec, caller, orgId, 'answer access requests');

  async function answer(caller: OrgCaller, orgId: string, grantId: string, approve: boolean) {
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      await orgAdminOf(trx, caller, orgId);
      const grant = await lockGrant(trx, grantId);
      if (!grant || grant.org_id !== orgId || !grant.approval_required) throw notFound('access request');
      if (grant.approved_at !== null || grant.denied_at !== null) throw conflict('already_answered', 'this access request was already answered');
      if (grant.revoked_at !== null || new Date(grant.expires_at).getTime() <= now.getTime()) {
        throw conflict('request_closed', 'this access request was withdrawn or has expired');
      }
      await setGrantAnswer(trx, grantId, { approvedAt: approve ? now : null, deniedAt: approve ? null : now, by: caller.accountId });
      await appendAudit(trx, {
        kind: approve ? 'grant.approve' : 'grant.deny',
        at: now,
        actor: `org-admin:${caller.pseudonym}`,
        subject: grant.pseudonym,
        refs: { grant: grantId, org: orgId },
      });
      return grantView((await findGrant(trx, grantId))!);
    });
  }

  return {
    decide,

    async request(staff: StaffContext, input: GrantInput) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        let accountId = input.subject.accountId ?? null;
        const conversationId = input.subject.conversationId ?? null;
        if (conversationId !== null) {
          const owner = await conversationOwner(trx, conversationId);
          if (!owner || (accountId !== null && owner.account_id !== accountId)) throw notFound('conversation');
          accountId = owner.account_id;
        }
        if (accountId === null) throw new AppError('subject_required', 400, 'name an accountId or a conversationId');
        const account = await subjectAccount(trx, accountId);
        if (!account) throw notFound('account');
        const supportRequest = input.supportRequestRef ? await findSupportRequestByRef(trx, input.supportRequestRef) : null;
        const open = supportRequest && supportRequest.closed_at === null ? supportRequest : null;
        const subject = { accountId, conversationId };
        const org = account.org_id === null ? null : { accessApprovalRequired: account.access_approval_required === true };
        const decision = decideGrantRequest(
          {
            staff: { id: staff.staffId, role: staff.role },
            purpose: input.purpose,
            caseRef: input.caseRef,
            subject,
            ttlMinutes: input.ttlMinutes,
            supportRequest: open ? { accountId: open.account_id, conversationId: open.conversation_id } : null,
            org,
          },
          policy,
          now,
        );
        if (!decision.allow) throw accessDenied(decision.reason);
        const id = uuidv7(now.getTime());
        await insertGrant(trx, {
          id,
          staffId: staff.staffId,
          purpose: input.purpose,
          caseRef: input.caseRef,
          accountId,
          conversationId,
          supportRequestId: open?.id ?? null,
          createdAt: now,
          expiresAt: decision.expiresAt,
          approvalRequired: decision.approvalRequired,
        });
        await appendAudit(trx, {
          kind: 'grant.create',
          at: now,
          actor: `staff:${staff.staffId}`,
          subject: account.pseudonym,
          refs: {
            grant: id,
            role: staff.role,
            purpose: input.purpose,
            caseRef: input.caseRef,
            conversation: conversationId,
            supportRequest: open?.id ?? null,
            expiresAt: decision.expiresAt.toISOString(),
            approvalRequired: decision.approvalRequired,
          },
        });
        return grantView((await findGrant(trx, id))!);
      });
    },

    async list(staff: StaffContext, limit = 100) {
      return (await listStaffGrants(db, staff.staffId, limit)).map(grantView);
    },

    async revoke(staff: StaffContext, grantId: string) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const grant = await findGrant(trx, grantId);
        if (!grant || grant.staffId !== staff.staffId) throw notFound('grant');
        if (!(await revokeGrant(trx, grantId, staff.staffId, now))) return;
        const account = await subjectAccount(trx, grant.subject.accountId);
        await appendAudit(trx, { kind: 'grant.revoke', at: now, actor: `staff:${staff.staffId}`, subject: account?.pseudonym ?? null, refs: { grant: grantId } });
      });
    },

    /** P19: what waits for the organisation's answer, for its admins. */
    async accessRequests(caller: OrgCaller, orgId: string) {
      await orgAdminOf(db, caller, orgId);
      const rows = await listOrgAccessRequests(db, orgId, 200);
      const now = clock.now().getTime();
      return rows.map((r) => ({
        grantId: r.id,
        staffRole: r.role,
        purpose: r.purpose,
        caseRef: r.case_ref,
        subject: r.pseudonym,
        conversationId: r.conversation_id,
        requestedAt: iso(r.created_at)!,
        expiresAt: iso(r.expires_at)!,
        status:
          r.approved_at !== null
            ? ('approved' as const)
            : r.denied_at !== null
              ? ('denied' as const)
              : r.revoked_at !== null || new Date(r.expires_at).getTime() <= now
                ? ('closed' as const)
                : ('pending' as const),
      }));
    },

    /**
     * Makes a member an administrator of their organisation (or no longer one). Administrators
     * answer staff access requests (P19); there is no other organisation role yet.
     */
    async setOrgAdmin(orgId: string, accountId: string, admin: boolean) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const account = await trx.selectFrom('accounts').select(['pseudonym', 'org_id', 'deleted_at']).where('id', '=', accountId).executeTakeFirst();
        if (!account || account.deleted_at !== null || account.org_id !== orgId) throw notFound('member of this organisation');
        await trx.updateTable('accounts').set({ org_admin: admin }).where('id', '=', accountId).execute();
        await appendAudit(trx, { kind: 'org.admin', at: now, actor: 'operator', subject: account.pseudonym, refs: { org: orgId, admin } });
      });
      return { orgId, accountId, admin };
    },

    approve: (caller: OrgCaller, orgId: string, grantId: string) => answer(caller, orgId, grantId, true),
    deny: (caller: OrgCaller, orgId: string, grantId: string) => answer(caller, orgId, grantId, false),
  };
}

export type GrantsModule = ReturnType<typeof createGrantsModule>;
