import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { AppError, conflict, notFound, unauthorized } from '../../lib/errors.js';
import { constantTimeEqual, newPseudonym, newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { appendConsent } from '../privacy/consent.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import { findOrganisationByInvite } from '../organisations/organisations.repository.js';
import { recordTermsAcceptance } from '../terms/terms.repository.js';
import { termsInForce } from '../terms/terms.js';
import type { MfaModule, SecondFactor } from '../mfa/mfa.service.js';
import { parseUserAgent } from '../technical/user-agent.js';
import {
  findAccount,
  findLiveAccountByEmail,
  findSessionByTokenHash,
  insertAccount,
  insertSession,
  listLiveSessions,
  revokeOtherSessions,
  revokeSession,
  updatePasswordHash,
} from './accounts.repository.js';
import { accountThrottleKey, ipThrottleKey, loginThrottleLimits, remainingBlockMs, type ThrottleLimits } from './login-throttle.js';
import { clearThrottle, readThrottle, recordThrottleFailure } from './login-throttle.repository.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** How the caller proved who it is: a bearer header, or the browser's session cookie. */
export type CredentialKind = 'bearer' | 'cookie';

/** Who is calling, as every authenticated route sees it. */
export interface AuthContext {
  accountId: string;
  sessionId: string;
  kind: 'consumer' | 'team' | 'enterprise' | 'api';
  orgId: string | null;
  pseudonym: string;
  via: CredentialKind;
  mfaEnabled: boolean;
  orgRequiresMfa: boolean;
  /** Whether the account accepted the terms version in force now (true when none is in force). */
  acceptedCurrentTerms: boolean;
}

export interface AccountsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  mfa: Pick<MfaModule, 'checkFactor'>;
  throttleLimits?: ThrottleLimits;
}

export interface LoginInput extends SecondFactor {
  email: string;
  password: string;
}

const tooManyAttempts = (remainingMs: number) =>
  new AppError('too_many_attempts', 429, 'too many failed sign-in attempts; try again later', {
    retryAfterSeconds: Math.max(1, Math.ceil(remainingMs / 1000)),
  });

export function createAccountsModule({ db, clock, policy, mfa, throttleLimits = loginThrottleLimits }: AccountsDeps) {
  async function countFailure(keys: { ip: Buffer; account: Buffer }, now: Date) {
    await recordThrottleFailure(db, keys.ip, now, throttleLimits.ip, throttleLimits.forgetAfterMs);
    await recordThrottleFailure(db, keys.account, now, throttleLimits.account, throttleLimits.forgetAfterMs);
  }

  return {
    async register(input: { email: string; password: string; name: string; inviteToken?: string | undefined }, origin: RequestOrigin) {
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const org = input.inviteToken ? await findOrganisationByInvite(trx, sha256(input.inviteToken)) : null;
        if (input.inviteToken && !org) throw new AppError('invalid_invite', 400, 'the invite token is not valid');
        const id = uuidv7(now.getTime());
        const kind: 'consumer' | 'team' | 'enterprise' | 'api' = org?.kind ?? 'consumer';
        // Organisation accounts are governed by the organisation's consent (P08), not a personal toggle.
        const trainingOptIn = org ? false : policy.training.consentDefault;
        const pseudonym = newPseudonym();
        const inserted = await insertAccount(trx, {
          id,
          email: input.email.trim(),
          name: input.name,
          passwordHash,
          kind,
          orgId: org?.id ?? null,
          pseudonym,
          trainingOptIn,
          createdAt: now,
        });
        if (!inserted) throw conflict('email_taken', 'an account with this email already exists');
        await appendConsent(trx, {
          accountId: id,
          trainingOptIn,
          policyVersion: policy.version,
          changedAt: now,
          source: 'signup',
          ...origin,
        });
        await appendAudit(trx, {
          kind: 'consent.change',
          at: now,
          actor: `user:${pseudonym}`,
          subject: pseudonym,
          refs: { trainingOptIn, policyVersion: policy.version, source: 'signup' },
        });
        // Signing up is done on a form that presents the terms in force: that is their acceptance.
        const terms = termsInForce(policy, now);
        if (terms) await recordTermsAcceptance(trx, { accountId: id, version: terms.version, acceptedAt: now, source: 'signup' });
        return { id, email: input.email.trim(), name: input.name, kind, orgId: org?.id ?? null, pseudonym };
      });
    },

    /**
     * Sign-in. Unknown email and wrong password take the same path (a decoy hash is verified, both
     * throttle keys are counted) and give the same answer. With MFA on, a right password without a
     * code answers `mfa_required`; a wrong code counts as a failure like a wrong password.
     */
    async login(input: LoginInput, origin: RequestOrigin) {
      const now = clock.now();
      const keys = { ip: ipThrottleKey(origin.ip), account: accountThrottleKey(input.email) };
      const blockedMs = Math.max(
        remainingBlockMs(await readThrottle(db, keys.ip), now),
        remainingBlockMs(await readThrottle(db, keys.account), now),
      );
      if (blockedMs > 0) throw tooManyAttempts(blockedMs);

      const account = await findLiveAccountByEmail(db, input.email);
      const ok = await verifyPassword(account?.password_hash ?? (await decoyPasswordHash()), input.password);
      if (!account || !ok) {
        await countFailure(keys, now);
        throw unauthorized('invalid_credentials', 'email or password is wrong');
      }
      const factor = await mfa.checkFactor(account.id, { totp: input.totp, recoveryCode: input.recoveryCode });
      if (factor === 'required') throw unauthorized('mfa_required', 'this account needs a code from its authenticator (totp) or a recovery code');
      if (factor === 'invalid') {
        await countFailure(keys, now);
        throw unauthorized('invalid_mfa_code', 'the code is not valid');
      }
      await clearThrottle(db, keys.account);

      const token = newToken('cst');
      const maxAgeSeconds = policy.retention.sessionsDays * 86_400;
      const expiresAt = new Date(now.getTime() + maxAgeSeconds * 1000);
      await insertSession(db, {
        id: uuidv7(now.getTime()),
        accountId: account.id,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
        ...origin,
      });
      return { token, expiresAt, maxAgeSeconds };
    },

    /** Resolves a session token to its caller, or null when it is unknown, expired or revoked. */
    async authenticate(token: string, via: CredentialKind = 'bearer'): Promise<AuthContext | null> {
      const now = clock.now();
      const tokenHash = sha256(token);
      const terms = termsInForce(policy, now);
      const session = await findSessionByTokenHash(db, tokenHash, terms?.version ?? null);
      // The lookup is by hash; the comparison after it is constant-time all the same.
      if (!session || !constantTimeEqual(session.tokenHash, tokenHash)) return null;
      if (session.revokedAt || session.accountDeletedAt) return null;
      if (new Date(session.expiresAt).getTime() <= now.getTime()) return null;
      return {
        accountId: session.accountId,
        sessionId: session.sessionId,
        kind: session.kind,
        orgId: session.orgId,
        pseudonym: session.pseudonym,
        via,
        mfaEnabled: session.mfaEnabledAt !== null,
        orgRequiresMfa: session.orgRequireMfa === true,
        acceptedCurrentTerms: !terms || session.termsAcceptedAt !== null,
      };
    },

    async listSessions(accountId: string, currentSessionId: string) {
      const rows = await listLiveSessions(db, accountId, clock.now());
      return rows.map((s) => ({
        id: s.id,
        createdAt: new Date(s.created_at).toISOString(),
        expiresAt: new Date(s.expires_at).toISOString(),
        ip: s.ip,
        ...parseUserAgent(s.user_agent),
        current: s.id === currentSessionId,
      }));
    },

    /** Ends one of the caller's own sessions; another account's session is simply not found. */
    async revokeSession(accountId: string, sessionId: string) {
      if (!(await revokeSession(db, accountId, sessionId, clock.now()))) throw notFound('session');
    },

    /** A password change ends every other session of the account, in the same transaction. */
    async changePassword(accountId: string, currentSessionId: string, input: { currentPassword: string; newPassword: string }) {
      const account = await findAccount(db, accountId);
      if (!account || account.deleted_at) throw notFound('account');
      const now = clock.now();
      const key = accountThrottleKey(account.email);
      const blockedMs = remainingBlockMs(await readThrottle(db, key), now);
      if (blockedMs > 0) throw tooManyAttempts(blockedMs);
      if (!(await verifyPassword(account.password_hash, input.currentPassword))) {
        await recordThrottleFailure(db, key, now, throttleLimits.account, throttleLimits.forgetAfterMs);
        throw new AppError('invalid_credentials', 400, 'the current password is wrong');
      }
      const passwordHash = await hashPassword(input.newPassword);
      return db.transaction().execute(async (trx) => {
        await updatePasswordHash(trx, accountId, passwordHash, now);
        return { endedSessions: await revokeOtherSessions(trx, accountId, currentSessionId, now) };
      });
    },
  };
}

export type AccountsModule = ReturnType<typeof createAccountsModule>;
