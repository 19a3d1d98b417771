import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { decideCopyRetention, type Policy } from '../../policy/index.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { copyLocation, openReidLink, readExchange, writeReidLink } from '../copies/copies.js';
import type { SafetyClassifier, SafetyScore } from './classifier.js';

export interface SafetyDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  classifier: SafetyClassifier;
}

export interface StoredMessage {
  accountId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  content: string;
}

/**
 * Safety flags (P07, P15): a flag — from the classifier on each stored message, or from trust &
 * safety staff — keeps a de-identified copy of the flagged exchange (the message and the one
 * before it) for the safety window, and the score for the classifier-score window.
 */
export function createSafetyModule({ db, clock, policy, cipher, classifier }: SafetyDeps) {
  async function flagInTransaction(
    trx: Executor,
    message: StoredMessage,
    flag: { category: string; source: 'classifier' | 'staff'; score: number; classifierName: string; note?: string },
  ) {
    const now = clock.now();
    const facts = await trx
      .selectFrom('conversations as c')
      .innerJoin('accounts as a', 'a.id', 'c.account_id')
      .select(['c.incognito', 'a.kind', 'a.org_id'])
      .where('c.account_id', '=', message.accountId)
      .where('c.id', '=', message.conversationId)
      .executeTakeFirstOrThrow();
    const id = uuidv7(now.getTime());
    const exchange = await readExchange(trx, cipher, message.accountId, message.conversationId, Math.max(1, message.seq - 1), message.seq);
    const sealed = await cipher.seal(trx, copyLocation('safety_copies', id, 'exchange'), JSON.stringify(exchange));
    const copyDeadline = decideCopyRetention({ now, copyClass: 'safety_copy', createdAt: now, holds: [] }, policy).deleteAfter!;
    const scoreDeadline = decideCopyRetention({ now, copyClass: 'classifier_score', createdAt: now, holds: [] }, policy).deleteAfter!;
    // A staff note may quote the conversation: it is sealed with the copy, never logged or audited.
    const note = flag.note ? (await cipher.seal(trx, copyLocation('safety_copies', id, 'note'), flag.note)).ciphertext : null;
    await trx
      .insertInto('safety_copies')
      .values({
        id,
        category: flag.category,
        source: flag.source,
        exchange: sealed.ciphertext,
        note,
        key_version: sealed.keyVersion,
        account_kind: facts.kind,
        org_id: facts.org_id,
        incognito: facts.incognito,
        created_at: now,
        delete_after: copyDeadline,
      })
      .execute();
    await trx
      .insertInto('classifier_scores')
      .values({ id: uuidv7(now.getTime()), safety_copy_id: id, category: flag.category, score: flag.score, classifier: flag.classifierName, created_at: now, delete_after: scoreDeadline })
      .execute();
    await writeReidLink(trx, cipher, { copyKind: 'safety', copyId: id, accountId: message.accountId, deleteAfter: copyDeadline, now });
    return { id, deleteAfter: copyDeadline.toISOString() };
  }

  return {
    classifierName: classifier.name,
    flagInTransaction,

    /** The classifier's verdict on a message: the categories scored at or above the threshold (pure). */
    classifyMessage(content: string): SafetyScore[] {
      return classifier.classify(content).filter((s) => s.score >= classifier.threshold);
    },

    /** Records the classifier's flags on a stored message, inside the message's transaction. */
    async recordClassifierFlags(trx: Executor, message: StoredMessage, flagged: readonly SafetyScore[]) {
      const copies = [];
      for (const s of flagged) {
        copies.push(await flagInTransaction(trx, message, { category: s.category, source: 'classifier', score: s.score, classifierName: classifier.name }));
      }
      return copies;
    },

    /** A flag raised by trust & safety staff on a message they reached through a grant. */
    async flagByStaff(input: { messageId: string; category: string }) {
      return db.transaction().execute(async (trx) => {
        const m = await trx
          .selectFrom('messages as m')
          .innerJoin('conversations as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.conversation_id'))
          .select(['m.account_id', 'm.conversation_id', 'm.id', 'm.seq', 'm.content'])
          .where('m.id', '=', input.messageId)
          .where('c.deleted_at', 'is', null)
          .executeTakeFirst();
        if (!m || m.content === null) throw notFound('message');
        return flagInTransaction(
          trx,
          { accountId: m.account_id, conversationId: m.conversation_id, messageId: m.id, seq: m.seq, content: '' },
          { category: input.category, source: 'staff', score: 1, classifierName: 'staff' },
        );
      });
    },

    /** The account behind a safety copy, for enforcing the usage policy (called only under an audited grant). */
    async reidentify(exec: Executor, copyId: string) {
      return openReidLink(exec, cipher, 'safety', copyId);
    },
  };
}

export type SafetyModule = ReturnType<typeof createSafetyModule>;
