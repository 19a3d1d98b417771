import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { decideCopyRetention, type Policy } from '../../policy/index.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { copyLocation, readExchange, writeReidLink } from '../copies/copies.js';

export interface FeedbackDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
}

/**
 * Rating an output stores the whole conversation up to that message as a copy of its own (P14),
 * kept for the feedback window whatever happens to the conversation later, with no account id on
 * it (P15). On an incognito conversation only the rating is kept: incognito content is never used
 * for training (P03 wins over P07), so there is no reason to keep a snapshot of it.
 */
export function createFeedbackModule({ db, clock, policy, cipher }: FeedbackDeps) {
  return {
    async submit(accountId: string, messageId: string, input: { rating: 'up' | 'down'; comment?: string | undefined }) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const message = await trx
          .selectFrom('messages as m')
          .innerJoin('conversations as c', (j) => j.onRef('c.account_id', '=', 'm.account_id').onRef('c.id', '=', 'm.conversation_id'))
          .innerJoin('accounts as a', 'a.id', 'm.account_id')
          .select(['m.id', 'm.seq', 'm.conversation_id', 'c.incognito', 'c.content_persisted', 'a.kind', 'a.org_id'])
          .where('m.account_id', '=', accountId)
          .where('m.id', '=', messageId)
          .where('c.deleted_at', 'is', null)
          .executeTakeFirst();
        if (!message) throw notFound('message');
        const id = uuidv7(now.getTime());
        const deleteAfter = decideCopyRetention({ now, copyClass: 'feedback', createdAt: now, holds: [] }, policy).deleteAfter!;
        const keepContent = !message.incognito && message.content_persisted;
        let snapshot = null;
        let comment = null;
        let keyVersion: number | null = null;
        let messageCount = 0;
        if (keepContent) {
          const exchange = await readExchange(trx, cipher, accountId, message.conversation_id, 1, message.seq);
          messageCount = exchange.length;
          const sealed = await cipher.seal(trx, copyLocation('feedback_copies', id, 'snapshot'), JSON.stringify(exchange));
          snapshot = sealed.ciphertext;
          keyVersion = sealed.keyVersion;
          if (input.comment) comment = (await cipher.seal(trx, copyLocation('feedback_copies', id, 'comment'), input.comment)).ciphertext;
        }
        await trx
          .insertInto('feedback_copies')
          .values({
            id,
            rating: input.rating,
            comment,
            snapshot,
            key_version: keyVersion,
            message_count: messageCount,
            account_kind: message.kind,
            org_id: message.org_id,
            incognito: message.incognito,
            created_at: now,
            delete_after: deleteAfter,
          })
          .execute();
        await writeReidLink(trx, cipher, { copyKind: 'feedback', copyId: id, accountId, deleteAfter, now });
        return { id, snapshotKept: keepContent, deleteAfter: deleteAfter.toISOString() };
      });
    },
  };
}

export type FeedbackModule = ReturnType<typeof createFeedbackModule>;
