import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import type { ContentCipher, ContentLocation } from '../content/content-cipher.js';
import type { Executor } from '../../db/executor.js';
import { AppError, notFound, unauthorized } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { accountFactsFrom, decideForConversation, gatherAccountFacts, recomputeDeadlines } from '../retention/retention.service.js';
import { holdProtection } from '../holds/holds.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import { RecentMap } from '../../lib/recent-map.js';
import { createMessageAppender } from './message-appender.js';
import {
  findLiveConversation,
  insertConversation,
  insertMessageIfFactsUnchanged,
  listHistory,
  listMessages,
  markConversationDeleted,
  readLiveConversationWithFacts,
  type ConversationFactsRow,
  type NewMessage,
  type WriterSession,
} from './conversations.repository.js';

export interface ConversationsDeps<Flag = unknown> {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  maxContentBytes: number;
  /** The safety screen every stored message passes (P07, P15). */
  screen?: MessageScreen<Flag>;
}

export interface StoredMessageRef {
  accountId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  content: string;
}

/**
 * A verdict on a message's content first (pure, before any write), then, only when the verdict
 * flags something, the records of the flags, written in the message's own transaction so that a
 * flagged message is never stored without its flags.
 */
export interface MessageScreen<Flag = unknown> {
  classify(content: string): readonly Flag[];
  record(trx: Executor, message: StoredMessageRef, flags: readonly Flag[]): Promise<unknown>;
}

/** How many conversations' facts each process remembers between messages (a few hundred bytes each). */
const FACTS_CACHE_SIZE = 10_000;
/** Writes tried with fresh facts before giving up on a conversation that keeps changing. */
const MAX_APPEND_ATTEMPTS = 3;

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
export function createConversationsModule<Flag>({ db, clock, policy, cipher, maxContentBytes, screen }: ConversationsDeps<Flag>) {
  /**
   * The facts each recent conversation's deadline was last decided on. Never trusted as they are:
   * the write checks them in the same statement (`insertMessageIfFactsUnchanged`), so a stale
   * entry costs one more read, never a wrong deadline.
   */
  const recentFacts = new RecentMap<string, ConversationFactsRow>(FACTS_CACHE_SIZE);
  const appender = createMessageAppender(db);

  /** Decides the message's deadline from `facts`, seals its content, and writes it if the facts still hold. */
  async function writeMessage(
    exec: Executor,
    facts: ConversationFactsRow,
    accountId: string,
    conversationId: string,
    input: { role: 'user' | 'assistant'; content: string },
    contentLength: number,
    sessionId: string | undefined,
  ) {
    const now = clock.now();
    const decision = decideForConversation(
      accountFactsFrom(facts, facts.holds),
      { id: conversationId, incognito: facts.incognito, lastActivityAt: now, deletedAt: null },
      policy,
      now,
    );
    const id = uuidv7(now.getTime());
    // Zero data retention and a 0-day incognito window: the message is accepted, its content
    // never reaches storage (only its id, length and time do).
    const persist = decision.persistContent && facts.content_persisted;
    const sealed = persist ? await cipher.seal(exec, messageLocation(accountId, conversationId, id), input.content) : null;
    const message: NewMessage = {
      accountId,
      conversationId,
      id,
      role: input.role,
      content: sealed?.ciphertext ?? null,
      keyVersion: sealed?.keyVersion ?? null,
      contentLength,
      createdAt: now,
      deleteAfter: decision.deleteAfter,
      rule: decision.rule,
    };
    const session = sessionId === undefined ? undefined : { sessionId, now };
    // Outside a transaction the message may share a commit with others; inside one (a flagged
    // message) it is written in that transaction.
    const seq =
      exec === db
        ? await appender.submit({ message, factsVersion: facts.facts_version, session })
        : await insertMessageIfFactsUnchanged(exec, message, facts.facts_version, session);
    return seq === null ? null : { id, seq, persisted: sealed !== null };
  }

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

    /**
     * Appends a message. `options.sessionId` names the session the caller signed in with: the
     * write checks it is still live in its own statement (in-process callers name none).
     */
    async appendMessage(accountId: string, conversationId: string, input: { role: 'user' | 'assistant'; content: string }, options: { sessionId?: string } = {}) {
      const contentLength = Buffer.byteLength(input.content, 'utf8');
      if (contentLength > maxContentBytes) {
        throw new AppError('content_too_large', 413, `content is larger than the limit of ${maxContentBytes} bytes`);
      }
      const cacheKey = `${accountId}:${conversationId}`;
      const { sessionId } = options;
      const session = (): WriterSession | undefined => (sessionId === undefined ? undefined : { sessionId, now: clock.now() });
      const live = (facts: ConversationFactsRow | undefined) => {
        if (!facts) {
          recentFacts.delete(cacheKey);
          throw notFound('conversation');
        }
        if (!facts.session_live) throw unauthorized('invalid_token', 'the token is unknown, expired or revoked');
        return facts;
      };
      const flags = screen ? screen.classify(input.content) : [];
      for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
        if (flags.length === 0) {
          // The common case, one statement and no transaction: decide on the facts last seen
          // (or freshly read), write only if the database still holds them.
          const facts = (attempt === 0 ? recentFacts.get(cacheKey) : undefined) ?? live(await readLiveConversationWithFacts(db, accountId, conversationId, { lock: false, session: session() }));
          const written = await writeMessage(db, facts, accountId, conversationId, input, contentLength, sessionId);
          if (written) {
            recentFacts.set(cacheKey, facts);
            return { id: written.id };
          }
          recentFacts.delete(cacheKey);
          continue;
        }
        // A flagged message: the message and its flags commit together, under the conversation's lock.
        const written = await db.transaction().execute(async (trx) => {
          const facts = live(await readLiveConversationWithFacts(trx, accountId, conversationId, { lock: true, session: session() }));
          const message = await writeMessage(trx, facts, accountId, conversationId, input, contentLength, sessionId);
          if (message?.persisted) await screen!.record(trx, { accountId, conversationId, messageId: message.id, seq: message.seq, content: input.content }, flags);
          return message;
        });
        if (written) return { id: written.id };
      }
      throw new AppError('conversation_busy', 503, 'the conversation kept changing while the message was written; try again', { retryAfterSeconds: 1 });
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
