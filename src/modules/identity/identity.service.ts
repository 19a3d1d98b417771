import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors.js';
import { newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { findAccount, normalizeEmail } from '../accounts/accounts.repository.js';
import type { Mailer } from './mailer.js';
import { validE164 } from './phone.js';
import {
  confirmEmail,
  emailTakenByOther,
  findPendingEmail,
  insertEmailVerification,
  spendEmailVerification,
  updateProfile,
} from './identity.repository.js';

/** A verification link works for a day: long enough for a mailbox, short for a leaked link. */
export const EMAIL_TOKEN_TTL_MS = 24 * 3_600_000;

export interface IdentityDeps {
  db: Kysely<DB>;
  clock: Clock;
  mailer: Mailer;
  /** Where the link in the email points: the web app's verification page. */
  publicUrl: string;
}

export interface ProfileChanges {
  name?: string | undefined;
  email?: string | undefined;
  phone?: string | null | undefined;
}

/** A pending verification of the current address is not a change of address. */
const pendingChange = (pending: string | null, currentNormalized: string) =>
  pending !== null && normalizeEmail(pending) !== currentNormalized ? pending : null;

export function createIdentityModule({ db, clock, mailer, publicUrl }: IdentityDeps) {
  async function profile(accountId: string) {
    const account = await findAccount(db, accountId);
    if (!account || account.deleted_at) throw notFound('account');
    return {
      id: account.id,
      pseudonym: account.pseudonym,
      name: account.name,
      email: account.email,
      emailVerified: account.email_verified_at !== null,
      pendingEmail: pendingChange(await findPendingEmail(db, accountId, clock.now()), account.email_normalized),
      phone: account.phone,
      kind: account.kind,
      orgId: account.org_id,
      createdAt: new Date(account.created_at).toISOString(),
    };
  }

  /**
   * Sends a link that confirms `email` for the account. The token is 256 random bits and only its
   * hash is stored. The mail is sent after the row is committed, never inside a transaction.
   */
  async function sendVerification(accountId: string, email: string) {
    const now = clock.now();
    const token = newToken('evt');
    await insertEmailVerification(db, {
      id: uuidv7(now.getTime()),
      accountId,
      email,
      tokenHash: sha256(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + EMAIL_TOKEN_TTL_MS),
    });
    const link = `${publicUrl.replace(/\/$/, '')}/verify-email?token=${encodeURIComponent(token)}`;
    try {
      await mailer.send({
        to: email,
        subject: 'Confirm your email address',
        text: [
          'Confirm that this address belongs to your account by opening this link:',
          '',
          link,
          '',
          `The link works for ${EMAIL_TOKEN_TTL_MS / 3_600_000} hours. If you did not ask for it, ignore this message.`,
          '',
          `(The page sends the token to POST /v1/email-verifications.)`,
        ].join('\n'),
      });
    } catch {
      throw new AppError('mail_unavailable', 503, 'the verification email could not be sent; try again later');
    }
  }

  return {
    profile,
    sendVerification,

    /** Confirms the address a token was sent to; a changed email takes effect only now. */
    async verifyEmail(token: string) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const spent = await spendEmailVerification(trx, sha256(token), now);
        if (!spent) throw badRequest('invalid_verification_token', 'the link is unknown, used or expired');
        const account = await findAccount(trx, spent.account_id);
        if (!account || account.deleted_at) throw badRequest('invalid_verification_token', 'the link is unknown, used or expired');
        if (await emailTakenByOther(trx, spent.email, spent.account_id)) throw conflict('email_taken', 'an account with this email already exists');
        await confirmEmail(trx, spent.account_id, spent.email, now);
        return { email: spent.email, verified: true as const };
      });
    },

    /**
     * Corrects the account's data (P29). Name and phone change at once; a new email is only
     * pending until the link sent to it is opened, so a typo or a hijacked session cannot move
     * the account to an address nobody controls.
     */
    async update(accountId: string, changes: ProfileChanges) {
      const account = await findAccount(db, accountId);
      if (!account || account.deleted_at) throw notFound('account');
      const direct: { name?: string; phone?: string | null } = {};
      if (changes.name !== undefined) direct.name = changes.name;
      if (changes.phone !== undefined) {
        if (changes.phone === null) direct.phone = null;
        else {
          const phone = validE164(changes.phone);
          if (!phone) throw new AppError('invalid_phone', 422, 'the phone number must be a valid number in E.164 form, e.g. +14155552671');
          direct.phone = phone;
        }
      }
      let verifyTo: string | null = null;
      if (changes.email !== undefined) {
        const email = changes.email.trim();
        const same = normalizeEmail(email) === account.email_normalized;
        if (!same && (await emailTakenByOther(db, email, accountId))) throw conflict('email_taken', 'an account with this email already exists');
        if (!same || account.email_verified_at === null) verifyTo = email;
      }
      await updateProfile(db, accountId, direct);
      if (verifyTo) await sendVerification(accountId, verifyTo);
      return profile(accountId);
    },
  };
}

export type IdentityModule = ReturnType<typeof createIdentityModule>;
