import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import type { ContentCipher, ContentLocation } from '../content/content-cipher.js';
import type { Executor } from '../../db/executor.js';
import { AppError, notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { accountFactsFrom, decideForConversation, gatherAccountFacts, recomputeDeadlines } from '../retention/retention.service.js';
import { holdProtection } from '../holds/holds.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import {
  findLiveConversation,
  insertConversation,
  insertMessageAndTouch,
  listHistory,
  listMessages,
  lockLiveConversationWithFacts,
  markConversationDeleted,
} from './conversations.repository.js';

export interface ConversationsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  maxContentBytes: number;
  /** Runs inside the message's transaction once its content is stored (the safety classifier). */
  afterMessageStored?: (trx: Executor, message: { accountId: string; conversationId: string; messageId: string; seq: number; content: string }) => Promise<unknown>;
}

export interface RetentionView {
  deleteAfter: string | null;
  rule: string;
}

const retentionView = (deleteAfter: Date | string | null, rule: string): RetentionView => ({
  deleteAfter: deleteAfter === null ? null : new Date(deleteAfter).toISOString(),
  rule,
});

export const messageLocation = (accountId: string, conversationId: string, messageId: string): ContentLocation => ({
  accountId,
  keyScope: { kind: 'conversation', id: conversationId },
  table: 'messages',
  rowId: messageId,
  column: 'content',
});

export const titleLocation = (accountId: string, conversationId: string): ContentLocation => ({
  accountId,
  keyScope: { kind: 'conversation', id: conversationId },
  table: 'conversations',
  rowId: conversationId,
  column: 'title',
});

/**
 * Conversations are sessions: every read and write is scoped to one (account, conversation)
 * pair, and no code path takes content from one conversation into another (P01).
 */
export function createConversationsModule({ db, clock, policy, cipher, maxContentBytes, afterMessageStored }: ConversationsDeps) {
  return {
    async create(accountId: string, input: { incognito: boolean; title?: string | undefined }) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const facts = await gatherAccountFacts(trx, accountId);
        if (!facts) throw notFound('account');
        const id = uuidv7(now.getTime());
        const decision = decideForConversation(facts, { id, incognito: input.incognito, lastActivityAt: now, deletedAt: null }, policy, now);
        if (decision.persistContent) await cipher.prepareScope(trx, accountId, { kind: 'conversation', id });
        const title =
          decision.persistContent && input.title
            ? await cipher.seal(trx, titleLocation(accountId, id), input.title)
            : null;
        await insertConversation(trx, {
          accountId,
          id,
          incognito: input.incognito,
          contentPersisted: decision.persistContent,
          createdAt: now,
          deleteAfter: decision.deleteAfter,
          rule: decision.rule,
          title,
        });
        return { id, incognito: input.incognito, retention: retentionView(decision.deleteAfter, decision.rule) };
      });
    },

    async appendMessage(accountId: string, conversationId: string, input: { role: 'user' | 'assistant'; content: string }) {
      const contentLength = Buffer.byteLength(input.content, 'utf8');
      if (contentLength > maxContentBytes) {
        throw new AppError('content_too_large', 413, `content is larger than the limit of ${maxContentBytes} bytes`);
      }
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const conversation = await lockLiveConversationWithFacts(trx, accountId, conversationId);
        if (!conversation) throw notFound('conversation');
        const facts = accountFactsFrom(conversation, conversation.holds);
        const decision = decideForConversation(
          facts,
          { id: conversationId, incognito: conversation.incognito, lastActivityAt: now, deletedAt: null },
          policy,
          now,
        );
        const id = uuidv7(now.getTime());
        // Zero data retention and a 0-day incognito window: the message is accepted, its content
        // never reaches storage (only its id, length and time do).
        const persist = decision.persistContent && conversation.content_persisted;
        const sealed = persist ? await cipher.seal(trx, messageLocation(accountId, conversationId, id), input.content) : null;
        await insertMessageAndTouch(trx, {
          accountId,
          conversationId,
          id,
          seq: conversation.message_count + 1,
          role: input.role,
          content: sealed?.ciphertext ?? null,
          keyVersion: sealed?.keyVersion ?? null,
          contentLength,
          createdAt: now,
          deleteAfter: decision.deleteAfter,
          rule: decision.rule,
        });
        if (sealed && afterMessageStored) {
          await afterMessageStored(trx, { accountId, conversationId, messageId: id, seq: conversation.message_count + 1, content: input.content });
        }
        return { id };
      });
    },

    async history(accountId: string, options: { limit: number; before: Date | null }) {
      const rows = await listHistory(db, accountId, options.limit, options.before);
      return rows.map((c) => ({
        id: c.id,
        createdAt: new Date(c.created_at).toISOString(),
        lastActivityAt: new Date(c.last_activity_at).toISOString(),
        messageCount: c.message_count,
        retention: retentionView(c.delete_after, c.retention_rule),
      }));
    },

    async get(accountId: string, conversationId: string) {
      return db.transaction().execute(async (trx) => {
        const conversation = await findLiveConversation(trx, accountId, conversationId);
        if (!conversation) throw notFound('conversation');
        const rows = await listMessages(trx, accountId, conversationId);
        const messages = [];
        for (const m of rows) {
          messages.push({
            id: m.id,
            role: m.role,
            content:
              m.content === null
                ? null
                : await cipher.open(trx, messageLocation(accountId, conversationId, m.id), {
                    ciphertext: m.content,
                    keyVersion: m.content_key_version ?? 0,
                  }),
            createdAt: new Date(m.created_at).toISOString(),
          });
        }
        const title =
          conversation.title === null
            ? null
            : await cipher.open(trx, titleLocation(accountId, conversationId), {
                ciphertext: conversation.title,
                keyVersion: conversation.title_key_version ?? 1,
              });
        return {
          id: conversation.id,
          incognito: conversation.incognito,
          title,
          messages,
          retention: retentionView(conversation.delete_after, conversation.retention_rule),
        };
      });
    },

    /** Gone for its owner at once; its key is destroyed with it; the sweep removes the rows. */
    async delete(accountId: string, conversationId: string) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const deleted = await markConversationDeleted(trx, accountId, conversationId, now);
        if (!deleted) throw notFound('conversation');
        // Under a legal hold the content must survive (P13): the key stays until the hold is released.
        const held = (await holdProtection(trx, accountId, now)).covers(conversationId);
        if (!held) await cipher.destroyScopeKey(trx, accountId, { kind: 'conversation', id: conversationId });
        await recomputeDeadlines(trx, policy, accountId, now, [conversationId]);
        const owner = await trx.selectFrom('accounts').select('pseudonym').where('id', '=', accountId).executeTakeFirstOrThrow();
        await appendAudit(trx, {
          kind: 'conversation.delete',
          at: now,
          actor: `user:${owner.pseudonym}`,
          subject: owner.pseudonym,
          refs: { conversation: conversationId, keyDestroyed: !held, heldByLegalHold: held },
        });
      });
    },
  };
}

export type ConversationsModule = ReturnType<typeof createConversationsModule>;
