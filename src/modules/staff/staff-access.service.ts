import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import type { AccessAction, AccessObligations } from '../../policy/index.js';
import type { ContentCipher, SealedField, ContentLocation } from '../content/content-cipher.js';
import { notFound } from '../../lib/errors.js';
import { messageLocation, titleLocation } from '../conversations/conversations.service.js';
import type { AuditAppender } from '../audit/audit-appender.js';
import { accessDenied, type GrantsModule } from './grants.service.js';
import type { StaffContext } from './staff.service.js';

export interface StaffAccessDeps {
  db: Kysely<DB>;
  clock: Clock;
  cipher: ContentCipher;
  grants: Pick<GrantsModule, 'decide'>;
  audit: Pick<AuditAppender, 'append'>;
}

/**
 * Staff reads of user content (P17), in three steps: the access decision, then the audit entry,
 * committed, then the content. Nothing is opened before the entry is on disk: if it cannot be
 * written the read fails and nothing is returned (fail closed). A read writes no data of its
 * own, so its entry goes through the group appender (`AuditAppender`) rather than a transaction
 * of its own: concurrent reads share a commit. An entry for a read that then fails is kept; it
 * records an access that was attempted under a grant.
 */
export function createStaffAccessModule({ db, clock, cipher, grants, audit }: StaffAccessDeps) {
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
    staff: StaffContext,
    obligations: AccessObligations,
    subject: string,
    opened: { what: 'conversation_list' | 'conversation'; conversation: string | null },
  ) {
    await audit.append({
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
      const account = await db.selectFrom('accounts').select(['id', 'pseudonym', 'kind']).where('id', '=', accountId).executeTakeFirst();
      if (!account) throw notFound('account');
      const obligations = await authorise(db, staff, 'list_conversations', { accountId, conversationId: null }, grantId);
      await recordRead(staff, obligations, account.pseudonym, { what: 'conversation_list', conversation: null });
      const rows = await db
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
          title: c.title === null ? null : await openOrNull(db, titleLocation(accountId, c.id), { ciphertext: c.title, keyVersion: c.title_key_version ?? 1 }),
          messageCount: c.message_count,
          createdAt: iso(c.created_at)!,
          lastActivityAt: iso(c.last_activity_at)!,
          deletedAt: iso(c.deleted_at),
        });
      }
      return { account: { id: account.id, pseudonym: account.pseudonym, kind: account.kind }, access: accessView(obligations), conversations };
    },

    async readConversation(staff: StaffContext, conversationId: string, grantId?: string) {
      const c = await db
        .selectFrom('conversations as c')
        .innerJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['c.account_id', 'c.id', 'c.incognito', 'c.title', 'c.title_key_version', 'c.created_at', 'c.deleted_at', 'a.pseudonym'])
        .where('c.id', '=', conversationId)
        .executeTakeFirst();
      if (!c) throw notFound('conversation');
      const obligations = await authorise(db, staff, 'read_conversation', { accountId: c.account_id, conversationId }, grantId);
      await recordRead(staff, obligations, c.pseudonym, { what: 'conversation', conversation: conversationId });
      const rows = await db
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
          content: m.content === null ? null : await openOrNull(db, messageLocation(c.account_id, conversationId, m.id), { ciphertext: m.content, keyVersion: m.content_key_version ?? 0 }),
          createdAt: iso(m.created_at)!,
        });
      }
      return {
        id: c.id,
        accountId: c.account_id,
        pseudonym: c.pseudonym,
        incognito: c.incognito,
        title: c.title === null ? null : await openOrNull(db, titleLocation(c.account_id, conversationId), { ciphertext: c.title, keyVersion: c.title_key_version ?? 1 }),
        createdAt: iso(c.created_at)!,
        deletedAt: iso(c.deleted_at),
        access: accessView(obligations),
        messages,
      };
    },
  };
}

export function accessView(o: AccessObligations) {
  return { grantId: o.grantId, purpose: o.purpose, caseRef: o.caseRef, expiresAt: o.expiresAt.toISOString() };
}

export type StaffAccessModule = ReturnType<typeof createStaffAccessModule>;
