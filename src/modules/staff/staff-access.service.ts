import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import type { AccessAction, AccessObligations } from '../../policy/index.js';
import type { ContentCipher, SealedField, ContentLocation } from '../content/content-cipher.js';
import { notFound } from '../../lib/errors.js';
import { messageLocation, titleLocation } from '../conversations/conversations.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import { accessDenied, type GrantsModule } from './grants.service.js';
import type { StaffContext } from './staff.service.js';

export interface StaffAccessDeps {
  db: Kysely<DB>;
  clock: Clock;
  cipher: ContentCipher;
  grants: Pick<GrantsModule, 'decide'>;
}

/**
 * Staff reads of user content (P17). Each read runs in one transaction: the access decision,
 * then the audit entry, then the content. If the entry cannot be written the transaction fails
 * and nothing is returned (fail closed); the entry and the read commit together.
 */
export function createStaffAccessModule({ db, clock, cipher, grants }: StaffAccessDeps) {
  const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

  // Content whose key was destroyed (a deleted conversation, a deleted account) opens nothing:
  // the reader sees that it is gone, not an error.
  async function openOrNull(exec: Executor, where: ContentLocation, sealed: SealedField): Promise<string | null> {
    try {
      return await cipher.open(exec, where, sealed);
    } catch {
      return null;
    }
  }

  async function authorise(
    trx: Executor,
    staff: StaffContext,
    action: AccessAction,
    target: { accountId: string; conversationId: string | null },
    grantId: string | undefined,
  ): Promise<AccessObligations> {
    const decision = await grants.decide(trx, staff, action, target, grantId);
    if (!decision.allow) throw accessDenied(decision.reason);
    return decision.obligations;
  }

  async function recordRead(
    trx: Executor,
    staff: StaffContext,
    obligations: AccessObligations,
    subject: string,
    opened: { what: 'conversation_list' | 'conversation'; conversation: string | null },
  ) {
    await appendAudit(trx, {
      kind: 'staff.read',
      at: clock.now(),
      actor: `staff:${staff.staffId}`,
      subject,
      refs: {
        grant: obligations.grantId,
        role: staff.role,
        purpose: obligations.purpose,
        caseRef: obligations.caseRef,
        opened: opened.what,
        conversation: opened.conversation,
      },
    });
  }

  return {
    authorise,

    async listConversations(staff: StaffContext, accountId: string, grantId?: string) {
      return db.transaction().execute(async (trx) => {
        const account = await trx.selectFrom('accounts').select(['id', 'pseudonym', 'kind']).where('id', '=', accountId).executeTakeFirst();
        if (!account) throw notFound('account');
        const obligations = await authorise(trx, staff, 'list_conversations', { accountId, conversationId: null }, grantId);
        await recordRead(trx, staff, obligations, account.pseudonym, { what: 'conversation_list', conversation: null });
        const rows = await trx
          .selectFrom('conversations')
          .select(['id', 'incognito', 'title', 'title_key_version', 'message_count', 'created_at', 'last_activity_at', 'deleted_at'])
          .where('account_id', '=', accountId)
          .orderBy('last_activity_at', 'desc')
          .limit(500)
          .execute();
        const conversations = [];
        for (const c of rows) {
          conversations.push({
            id: c.id,
            incognito: c.incognito,
            title: c.title === null ? null : await openOrNull(trx, titleLocation(accountId, c.id), { ciphertext: c.title, keyVersion: c.title_key_version ?? 1 }),
            messageCount: c.message_count,
            createdAt: iso(c.created_at)!,
            lastActivityAt: iso(c.last_activity_at)!,
            deletedAt: iso(c.deleted_at),
          });
        }
        return { account: { id: account.id, pseudonym: account.pseudonym, kind: account.kind }, access: accessView(obligations), conversations };
      });
    },

    async readConversation(staff: StaffContext, conversationId: string, grantId?: string) {
      return db.transaction().execute(async (trx) => {
        const c = await trx
          .selectFrom('conversations as c')
          .innerJoin('accounts as a', 'a.id', 'c.account_id')
          .select(['c.account_id', 'c.id', 'c.incognito', 'c.title', 'c.title_key_version', 'c.created_at', 'c.deleted_at', 'a.pseudonym'])
          .where('c.id', '=', conversationId)
          .executeTakeFirst();
        if (!c) throw notFound('conversation');
        const obligations = await authorise(trx, staff, 'read_conversation', { accountId: c.account_id, conversationId }, grantId);
        await recordRead(trx, staff, obligations, c.pseudonym, { what: 'conversation', conversation: conversationId });
        const rows = await trx
          .selectFrom('messages')
          .select(['id', 'seq', 'role', 'content', 'content_key_version', 'created_at'])
          .where('account_id', '=', c.account_id)
          .where('conversation_id', '=', conversationId)
          .orderBy('seq')
          .execute();
        const messages = [];
        for (const m of rows) {
          messages.push({
            id: m.id,
            seq: m.seq,
            role: m.role,
            content: m.content === null ? null : await openOrNull(trx, messageLocation(c.account_id, conversationId, m.id), { ciphertext: m.content, keyVersion: m.content_key_version ?? 0 }),
            createdAt: iso(m.created_at)!,
          });
        }
        return {
          id: c.id,
          accountId: c.account_id,
          pseudonym: c.pseudonym,
          incognito: c.incognito,
          title: c.title === null ? null : await openOrNull(trx, titleLocation(c.account_id, conversationId), { ciphertext: c.title, keyVersion: c.title_key_version ?? 1 }),
          createdAt: iso(c.created_at)!,
          deletedAt: iso(c.deleted_at),
          access: accessView(obligations),
          messages,
        };
      });
    },
  };
}

export function accessView(o: AccessObligations) {
  return { grantId: o.grantId, purpose: o.purpose, caseRef: o.caseRef, expiresAt: o.expiresAt.toISOString() };
}

export type StaffAccessModule = ReturnType<typeof createStaffAccessModule>;
