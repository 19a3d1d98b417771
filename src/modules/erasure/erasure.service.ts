import { removeAccountConnections } from '../connections/connections.service.js';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import type { ContentCipher } from '../content/content-cipher.js';
import { unauthorized } from '../../lib/errors.js';
import { verifyPassword } from '../accounts/passwords.js';
import { recomputeDeadlines } from '../retention/retention.service.js';
import { holdProtection } from '../holds/holds.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import { eraseAccountSecurityData } from '../accounts/security-data.repository.js';

export interface ErasureDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
}

/**
 * Deleting an account (P12, P29): in one transaction the account key is destroyed — every
 * conversation of the account is unreadable from that instant, whatever copies of the database
 * exist — sessions end, identity fields are scrubbed, and every deadline becomes "now" so the
 * sweep removes the ciphertext. Copies the policy keeps (frozen training records) carry no
 * account id and have keys of their own, so they survive only in de-identified form.
 */
export function createErasureModule({ db, clock, policy, cipher }: ErasureDeps) {
  return {
    async deleteAccount(accountId: string, password: string) {
      const account = await db.selectFrom('accounts').select(['password_hash']).where('id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!account || !(await verifyPassword(account.password_hash, password))) {
        throw unauthorized('invalid_credentials', 'the password is wrong');
      }
      await shredAccount(accountId);
      await finishAccountDeletion(accountId);
    },
    shredAccount,
    finishAccountDeletion,
  };

  /**
   * The instant of unreadability, in one short transaction whose cost does not grow with the
   * data: the account key is destroyed (every conversation key under it becomes useless), sessions
   * end, identity fields are scrubbed.
   */
  async function shredAccount(accountId: string) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('accounts')
        .set({
          deleted_at: now,
          // The row stays as a tombstone keyed by the pseudonym (audit entries refer to it);
          // nothing in it identifies the person any more.
          email: `deleted-${accountId}@invalid`,
          email_normalized: `deleted-${accountId}@invalid`,
          name: '',
          password_hash: '',
        })
        .where('id', '=', accountId)
        .execute();
      await trx.updateTable('sessions').set({ revoked_at: now }).where('account_id', '=', accountId).where('revoked_at', 'is', null).execute();
      // The account's deletion is a fact of every conversation's deadline: a message write that
      // was waiting for a conversation's lock while this committed re-checks only that row, so the
      // row must show the change (ADR 0003). Deadlines follow in finishAccountDeletion; this is one
      // in-place (HOT) update of a column no index holds.
      await sql`update conversations set facts_version = facts_version + 1 where account_id = ${accountId}`.execute(trx);
      // Phone, payment token, MFA secrets, email links, cookie choices: gone with the account. A
      // legal hold names conversation content, not these.
      await eraseAccountSecurityData(trx, accountId);
      // Connected services' credentials go at once whatever a hold says: they are not content (P28).
      await removeAccountConnections(trx, cipher, accountId);
      // A legal hold keeps what it names readable (P13): then the account key stays, and only the
      // keys of the conversations the hold does not name are destroyed now.
      const protection = await holdProtection(trx, accountId, now);
      if (!protection.any) {
        await cipher.destroyAccountKey(trx, accountId);
      } else {
        const conversations = await trx.selectFrom('conversations').select(['id', 'content_persisted']).where('account_id', '=', accountId).execute();
        for (const c of conversations) {
          if (c.content_persisted && !protection.covers(c.id)) await cipher.destroyScopeKey(trx, accountId, { kind: 'conversation', id: c.id });
        }
      }
      const { pseudonym } = await trx.selectFrom('accounts').select('pseudonym').where('id', '=', accountId).executeTakeFirstOrThrow();
      await appendAudit(trx, {
        kind: 'account.delete',
        at: now,
        actor: `user:${pseudonym}`,
        subject: pseudonym,
        refs: { accountKeyDestroyed: !protection.any, heldByLegalHold: protection.any },
      });
    });
  }

  /**
   * The bookkeeping that grows with the data: conversations are marked deleted with deadlines of
   * "now" for the sweep, and the consent ledger's IPs go. If the process stops before this runs,
   * the sweep finds the deleted account and does it (src/jobs).
   */
  async function finishAccountDeletion(accountId: string) {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('conversations').set({ deleted_at: now }).where('account_id', '=', accountId).where('deleted_at', 'is', null).execute();
      await trx.deleteFrom('consent_ledger').where('account_id', '=', accountId).execute();
      await recomputeDeadlines(trx, policy, accountId, now);
    });
  }
}
export type ErasureModule = ReturnType<typeof createErasureModule>;
