import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { decideGrantRequest, type Policy } from '../../policy/index.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { appendAudit } from '../audit/audit.repository.js';
import { openReidLink } from '../copies/copies.js';
import { accessDenied } from '../staff/grants.service.js';
import type { StaffAccessModule } from '../staff/staff-access.service.js';
import { findGrant, insertGrant, subjectAccount } from '../staff/grants.repository.js';
import { grantView } from '../staff/grants.service.js';
import type { StaffContext } from '../staff/staff.service.js';
import type { SafetyModule } from './safety.service.js';

export interface SafetyStaffDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  safety: Pick<SafetyModule, 'flagInTransaction'>;
  access: Pick<StaffAccessModule, 'authorise'>;
}

/**
 * What trust & safety staff do with safety copies: flag a message they reached under a grant, and
 * re-identify a de-identified copy to enforce the usage policy (P15). Re-identification is itself
 * a grant with purpose `policy_violation` on the account the copy leads to: it is decided by the
 * same rules as every grant (role, case reference, time limit, organisation approval), recorded in
 * the audit log in the same transaction, and listed in the owner's access log.
 */
export function createSafetyStaffModule({ db, clock, policy, cipher, safety, access }: SafetyStaffDeps) {
  return {
    async flag(staff: StaffContext, input: { messageId: string; category: string; note?: string | undefined; grantId?: string | undefined }) {
      return db.transaction().execute(async (trx) => {
        const m = await trx
          .selectFrom('messages as m')
          .innerJoin('conversations as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.conversation_id'))
          .innerJoin('accounts as a', 'a.id', 'm.account_id')
          .select(['m.account_id', 'm.conversation_id', 'm.id', 'm.seq', 'm.content', 'a.pseudonym'])
          .where('m.id', '=', input.messageId)
          .where('c.deleted_at', 'is', null)
          .executeTakeFirst();
        if (!m || m.content === null) throw notFound('message');
        // Flagging means having read the message: the same grant as reading the conversation.
        const obligations = await access.authorise(trx, staff, 'read_conversation', { accountId: m.account_id, conversationId: m.conversation_id }, input.grantId);
        const copy = await safety.flagInTransaction(
          trx,
          { accountId: m.account_id, conversationId: m.conversation_id, messageId: m.id, seq: m.seq, content: '' },
          { category: input.category, source: 'staff', score: 1, classifierName: 'staff', ...(input.note ? { note: input.note } : {}) },
        );
        await appendAudit(trx, {
          kind: 'safety.flag',
          at: clock.now(),
          actor: `staff:${staff.staffId}`,
          subject: m.pseudonym,
          refs: { grant: obligations.grantId, category: input.category, safetyCopy: copy.id, conversation: m.conversation_id },
        });
        return copy;
      });
    },

    async reidentify(staff: StaffContext, input: { copyKind: 'feedback' | 'safety'; copyId: string; caseRef: string; justification: string; ttlMinutes: number }) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const accountId = await openReidLink(trx, cipher, input.copyKind, input.copyId);
        const account = await subjectAccount(trx, accountId);
        if (!account) throw notFound('re-identification link');
        const decision = decideGrantRequest(
          {
            staff: { id: staff.staffId, role: staff.role },
            purpose: 'policy_violation',
            caseRef: input.caseRef,
            subject: { accountId, conversationId: null },
            ttlMinutes: input.ttlMinutes,
            supportRequest: null,
            org: account.org_id === null ? null : { accessApprovalRequired: account.access_approval_required === true },
          },
          policy,
          now,
        );
        // A refusal rolls the transaction back: the link was opened, nothing of it leaves.
        if (!decision.allow) throw accessDenied(decision.reason);
        const grantId = uuidv7(now.getTime());
        await insertGrant(trx, {
          id: grantId,
          staffId: staff.staffId,
          purpose: 'policy_violation',
          caseRef: input.caseRef,
          accountId,
          conversationId: null,
          supportRequestId: null,
          createdAt: now,
          expiresAt: decision.expiresAt,
          approvalRequired: decision.approvalRequired,
        });
        const pseudonym = (await trx.selectFrom('accounts').select('pseudonym').where('id', '=', accountId).executeTakeFirstOrThrow()).pseudonym;
        await appendAudit(trx, {
          kind: 'copy.reidentify',
          at: now,
          actor: `staff:${staff.staffId}`,
          subject: pseudonym,
          refs: {
            grant: grantId,
            role: staff.role,
            purpose: 'policy_violation',
            caseRef: input.caseRef,
            copyKind: input.copyKind,
            copy: input.copyId,
            justification: input.justification,
          },
        });
        return { accountPseudonym: pseudonym, grant: grantView((await findGrant(trx, grantId))!) };
      });
    },
  };
}

export type SafetyStaffModule = ReturnType<typeof createSafetyStaffModule>;
