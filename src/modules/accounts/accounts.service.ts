import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { AppError, conflict, unauthorized } from '../../lib/errors.js';
import { constantTimeEqual, newPseudonym, newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { appendConsent } from '../privacy/consent.repository.js';
import { findOrganisationByInvite } from '../organisations/organisations.repository.js';
import {
  findLiveAccountByEmail,
  findSessionByTokenHash,
  insertAccount,
  insertSession,
} from './accounts.repository.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** Who is calling, as every authenticated route sees it. */
export interface AuthContext {
  accountId: string;
  sessionId: string;
  kind: 'consumer' | 'team' | 'enterprise' | 'api';
  orgId: string | null;
  pseudonym: string;
}

export interface AccountsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export function createAccountsModule({ db, clock, policy }: AccountsDeps) {
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
        const inserted = await insertAccount(trx, {
          id,
          email: input.email.trim(),
          name: input.name,
          passwordHash,
          kind,
          orgId: org?.id ?? null,
          pseudonym: newPseudonym(),
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
        return { id, email: input.email.trim(), name: input.name, kind, orgId: org?.id ?? null };
      });
    },

    async login(input: { email: string; password: string }, origin: RequestOrigin) {
      const account = await findLiveAccountByEmail(db, input.email);
      // Unknown email and wrong password cost the same and answer the same.
      const ok = await verifyPassword(account?.password_hash ?? (await decoyPasswordHash()), input.password);
      if (!account || !ok) throw unauthorized('invalid_credentials', 'email or password is wrong');
      const now = clock.now();
      const token = newToken('cst');
      const expiresAt = new Date(now.getTime() + policy.retention.sessionsDays * 86_400_000);
      await insertSession(db, {
        id: uuidv7(now.getTime()),
        accountId: account.id,
        tokenHash: sha256(token),
        createdAt: now,
        expiresAt,
        ...origin,
      });
      return { token, expiresAt };
    },

    /** Resolves a bearer token to its caller, or null when it is unknown, expired or revoked. */
    async authenticate(token: string): Promise<AuthContext | null> {
      const tokenHash = sha256(token);
      const session = await findSessionByTokenHash(db, tokenHash);
      if (!session || !constantTimeEqual(session.tokenHash, tokenHash)) return null;
      if (session.revokedAt || session.accountDeletedAt) return null;
      if (new Date(session.expiresAt).getTime() <= clock.now().getTime()) return null;
      return {
        accountId: session.accountId,
        sessionId: session.sessionId,
        kind: session.kind,
        orgId: session.orgId,
        pseudonym: session.pseudonym,
      };
    },
  };
}

export type AccountsModule = ReturnType<typeof createAccountsModule>;
