import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';

export interface SupportDeps {
  db: Kysely<DB>;
  clock: Clock;
}

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A reference a user can read out over the phone: `SR-` and ten unambiguous characters (50 bits). */
export function newSupportReference(): string {
  const bytes = randomBytes(10);
  let out = 'SR-';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return out;
}

/**
 * Support requests (P17): support staff may open a user's content only for support the user
 * asked for. A request names the account (and optionally one conversation); its reference is
 * what a support grant must cite.
 */
export function createSupportModule({ db, clock }: SupportDeps) {
  const view = (r: { id: string; reference: string; conversation_id: string | null; created_at: Date | string; closed_at: Date | string | null }) => ({
    id: r.id,
    reference: r.reference,
    conversationId: r.conversation_id,
    createdAt: new Date(r.created_at).toISOString(),
    closedAt: r.closed_at === null ? null : new Date(r.closed_at).toISOString(),
  });

  return {
    async open(accountId: string, input: { conversationId?: string | undefined }) {
      const now = clock.now();
      const conversationId = input.conversationId ?? null;
      if (conversationId !== null) {
        const owned = await db
          .selectFrom('conversations')
          .select('id')
          .where('account_id', '=', accountId)
          .where('id', '=', conversationId)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
        if (!owned) throw notFound('conversation');
      }
      const row = { id: uuidv7(now.getTime()), reference: newSupportReference(), account_id: accountId, conversation_id: conversationId, created_at: now, closed_at: null };
      await db.insertInto('support_requests').values(row).execute();
      return view(row);
    },

    async list(accountId: string) {
      const rows = await db.selectFrom('support_requests').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').limit(100).execute();
      return rows.map(view);
    },

    /** Closing a request ends its power to justify new support grants. */
    async close(accountId: string, id: string) {
      const result = await db
        .updateTable('support_requests')
        .set({ closed_at: clock.now() })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw notFound('support request');
    },
  };
}

export type SupportModule = ReturnType<typeof createSupportModule>;
