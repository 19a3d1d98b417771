import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { mayManageHolds, type Policy, type StaffRole } from '../../policy/index.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { sendNotice, type Mailer } from '../identity/mailer.js';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.js';
import { sha256, uuidv7 } from '../../lib/ids.js';
import { recomputeDeadlines } from '../retention/retention.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-record.js';
import {
  accountForHold,
  activeHolds,
  conversationOfAccount,
  deletedConversations,
  insertHold,
  listHolds,
  lockHold,
  markReleased,
} from './holds.repository.js';

/** Who places or releases a hold: a staff member (their role must allow it) or the operator at the command line. */
export type HoldActor = { kind: 'staff'; staffId: string; role: StaffRole } | { kind: 'operator' };

export interface HoldsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  /** Tells a held account's owner, unless the hold says the law forbids it. */
  mailer?: Mailer | undefined;
  logger?: Pick<Logger, 'warn'> | undefined;
}

export interface HoldInput {
  accountId: string;
  conversationId?: string | null | undefined;
  basis: string;
  until?: Date | null | undefined;
  /** false when the law forbids telling the subject (a gag order). */
  notifySubject?: boolean | undefined;
}

export const MAX_BASIS_LENGTH = 1_000;

/**
 * Which of an account's data a hold in force protects at `now`: everything (an account-wide
 * hold), or the conversations named. Deleting protected data must not destroy its keys either:
 * crypto-shredding is deletion.
 */
export async function holdProtection(exec: Executor, accountId: string, now: Date) {
  const holds = await activeHolds(exec, accountId, now);
  const accountWide = holds.some((h) => h.conversation_id === null);
  const conversations = new Set(holds.flatMap((h) => (h.conversation_id === null ? [] : [h.conversation_id])));
  return {
    any: holds.length > 0,
    covers: (conversationId: string) => accountWide || conversations.has(conversationId),
  };
}

const actorOf = (by: HoldActor): AuditActor => (by.kind === 'staff' ? `staff:${by.staffId}` : 'operator');

/**
 * Legal holds (P13): a hold suspends deletion of exactly the data it names — the account, or
 * one conversation — for as long as it is in force. Sweeps skip held rows; a user's deletion
 * still hides the data from the user but leaves its keys; releasing the hold restores the normal
 * deadlines at once and destroys the keys that only the hold kept.
 */
export function createHoldsModule({ db, clock, policy, cipher, mailer, logger }: HoldsDeps) {
  function authorise(by: HoldActor) {
    if (by.kind === 'staff' && !mayManageHolds(by.role, policy)) {
      throw forbidden('role_not_allowed', `the ${by.role} role may not manage legal holds`);
    }
  }

  const view = (h: { id: string; account_id: string; conversation_id: string | null; basis: string; until: Date | string | null; notify_subject: boolean; created_at: Date | string; created_by: string; released_at: Date | string | null }) => ({
    id: h.id,
    accountId: h.account_id,
    conversationId: h.conversation_id,
    basis: h.basis,
    until: h.until === null ? null : new Date(h.until).toISOString(),
    notifySubject: h.notify_subject,
    createdAt: new Date(h.created_at).toISOString(),
    createdBy: h.created_by,
    releasedAt: h.released_at === null ? null : new Date(h.released_at).toISOString(),
  });

  const notify = (email: string, text: string) => sendNotice(mailer, logger, { to: email, subject: 'A legal hold applies to your data', text }, 'legal hold');

  return {
    async create(by: HoldActor, input: HoldInput) {
      authorise(by);
      const basis = input.basis.trim();
      if (basis.length === 0 || basis.length > MAX_BASIS_LENGTH) throw badRequest('invalid_basis', `the basis must be 1 to ${MAX_BASIS_LENGTH} characters`);
      const now = clock.now();
      const until = input.until ?? null;
      if (until !== null && until.getTime() <= now.getTime()) throw badRequest('until_in_past', 'a hold must end in the future');
      const conversationId = input.conversationId ?? null;
      const notifySubject = input.notifySubject ?? true;
      const id = uuidv7(now.getTime());
      const account = await db.transaction().execute(async (trx) => {
        const account = await accountForHold(trx, input.accountId);
        if (!account) throw notFound('account');
        if (conversationId !== null && !(await conversationOfAccount(trx, input.accountId, conversationId))) throw notFound('conversation');
        await insertHold(trx, { id, accountId: input.accountId, conversationId, basis, until, notifySubject, createdAt: now, createdBy: by.kind === 'staff' ? by.staffId : 'operator' });
        await recomputeDeadlines(trx, policy, input.accountId, now);
        await appendAudit(trx, {
          kind: 'hold.create',
          at: now,
          actor: actorOf(by),
          subject: account.pseudonym,
          refs: { hold: id, conversation: conversationId, until: until?.toISOString() ?? null, notifySubject, basisSha256: sha256(basis).toString('hex') },
        });
        return account;
      });
      if (notifySubject && account.deleted_at === null) {
        await notify(
          account.email,
          `A legal hold now applies to ${conversationId ? 'one of your conversations' : 'your account'}: its data is kept while the hold is in force, even if you delete it.\n\nBasis: ${basis}\n${until ? `Until: ${until.toISOString()}\n` : ''}`,
        );
      }
      return view({ id, account_id: input.accountId, conversation_id: conversationId, basis, until, notify_subject: notifySubject, created_at: now, created_by: by.kind === 'staff' ? by.staffId : 'operator', released_at: null });
    },

    async release(by: HoldActor, holdId: string) {
      authorise(by);
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const hold = await lockHold(trx, holdId);
        if (!hold) throw notFound('legal hold');
        if (hold.released_at !== null) throw conflict('already_released', 'this legal hold was already released');
        await markReleased(trx, holdId, now);
        await recomputeDeadlines(trx, policy, hold.account_id, now);
        // Keys that only this hold kept alive go now, as they would have at deletion.
        const account = await accountForHold(trx, hold.account_id);
        const protection = await holdProtection(trx, hold.account_id, now);
        const destroyed: string[] = [];
        if (account?.deleted_at && !protection.any) {
          await cipher.destroyAccountKey(trx, hold.account_id);
          destroyed.push('account');
        } else {
          for (const c of await deletedConversations(trx, hold.account_id)) {
            if (c.content_persisted && !protection.covers(c.id)) {
              await cipher.destroyScopeKey(trx, hold.account_id, { kind: 'conversation', id: c.id });
              destroyed.push(c.id);
            }
          }
        }
        await appendAudit(trx, {
          kind: 'hold.release',
          at: now,
          actor: actorOf(by),
          subject: account?.pseudonym ?? null,
          refs: { hold: holdId, conversation: hold.conversation_id, keysDestroyed: destroyed },
        });
        return view({ ...hold, released_at: now });
      });
    },

    async list(by: HoldActor, filter: { accountId?: string | undefined; activeOnly?: boolean }) {
      authorise(by);
      return (await listHolds(db, filter)).map(view);
    },

    /** What the account's owner is told (P13, P27): holds that do not forbid telling them. */
    async noticesFor(accountId: string) {
      const rows = await listHolds(db, { accountId, notifiedOnly: true });
      return rows.map((h) => ({
        id: h.id,
        scope: h.conversation_id === null ? ('account' as const) : ('conversation' as const),
        conversationId: h.conversation_id,
        basis: h.basis,
        createdAt: new Date(h.created_at).toISOString(),
        until: h.until === null ? null : new Date(h.until).toISOString(),
        releasedAt: h.released_at === null ? null : new Date(h.released_at).toISOString(),
      }));
    },
  };
}

export type HoldsModule = ReturnType<typeof createHoldsModule>;
