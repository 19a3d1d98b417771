import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { AppError, conflict, notFound } from '../../lib/errors.js';
import { findAccount } from '../accounts/accounts.repository.js';
import { verifyPassword } from '../accounts/passwords.js';
import { accountThrottleKey, loginThrottleLimits, remainingBlockMs } from '../accounts/login-throttle.js';
import { readThrottle, recordThrottleFailure } from '../accounts/login-throttle.repository.js';
import type { SecretSealer } from './secret-sealer.js';
import {
  advanceTimeStep,
  consumeRecoveryCode,
  countUnusedRecoveryCodes,
  deleteMfa,
  enableTotp,
  findTotp,
  replaceRecoveryCodes,
  upsertPendingTotp,
} from './mfa.repository.js';
import {
  checkTotp,
  newRecoveryCode,
  newTotpSecret,
  RECOVERY_CODE,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  totpUri,
} from './totp.js';

export interface MfaDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  /** null when no sealing key is configured: MFA then refuses to start rather than store seeds in clear. */
  sealer: SecretSealer | null;
}

export interface SecondFactor {
  totp?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorResult = 'not_enrolled' | 'required' | 'ok' | 'invalid';

const sealContext = (accountId: string) => `mfa_totp:${accountId}`;

const invalidCode = () => new AppError('invalid_mfa_code', 400, 'the code is not valid');

export function createMfaModule({ db, clock, policy, sealer }: MfaDeps) {
  function requireSealer(): SecretSealer {
    if (!sealer) throw new AppError('mfa_unavailable', 503, 'multi-factor authentication needs a sealing key (CUSTOS_SEALING_KEY)');
    return sealer;
  }

  const openSecret = (accountId: string, sealed: Buffer) => requireSealer().open(sealed, sealContext(accountId)).toString('utf8');

  async function checkFactor(accountId: string, factor: SecondFactor): Promise<SecondFactorResult> {
    const totp = await findTotp(db, accountId);
    if (!totp?.enabled_at) return 'not_enrolled';
    const now = clock.now();
    if (factor.totp !== undefined) {
      const check = checkTotp(openSecret(accountId, totp.secret_sealed), factor.totp, now, totp.last_time_step);
      if (!check.valid) return 'invalid';
      return (await advanceTimeStep(db, accountId, check.timeStep)) ? 'ok' : 'invalid';
    }
    if (factor.recoveryCode !== undefined) {
      if (!RECOVERY_CODE.test(factor.recoveryCode)) return 'invalid';
      return (await consumeRecoveryCode(db, accountId, recoveryCodeHash(factor.recoveryCode), now)) ? 'ok' : 'invalid';
    }
    return 'required';
  }

  return {
    /** Used by sign-in: whether the account has a second factor and whether the one given is right. */
    checkFactor,

    async status(accountId: string) {
      const totp = await findTotp(db, accountId);
      const enabled = Boolean(totp?.enabled_at);
      return {
        totp: { enabled, enabledAt: totp?.enabled_at ? new Date(totp.enabled_at).toISOString() : null },
        recoveryCodesRemaining: enabled ? await countUnusedRecoveryCodes(db, accountId) : 0,
        webauthn: { available: false },
      };
    },

    /** Step 1: a new secret, shown once; the factor is off until a code from it is verified. */
    async startTotpEnrolment(accountId: string, label: string) {
      const s = requireSealer();
      const secret = newTotpSecret();
      const started = await upsertPendingTotp(db, accountId, s.seal(Buffer.from(secret, 'utf8'), sealContext(accountId)), clock.now());
      if (!started) throw conflict('mfa_already_enabled', 'multi-factor authentication is already on; disable it first');
      return { secret, otpauthUri: totpUri(secret, policy.operator.name, label) };
    },

    /** Step 2: a right code turns the factor on and yields ten recovery codes, shown once. */
    async confirmTotpEnrolment(accountId: string, code: string) {
      const totp = await findTotp(db, accountId);
      if (!totp) throw new AppError('mfa_not_started', 409, 'start the enrolment first');
      if (totp.enabled_at) throw conflict('mfa_already_enabled', 'multi-factor authentication is already on');
      const now = clock.now();
      const check = checkTotp(openSecret(accountId, totp.secret_sealed), code, now, null);
      if (!check.valid) throw invalidCode();
      const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
      await db.transaction().execute(async (trx) => {
        if (!(await enableTotp(trx, accountId, now, check.timeStep))) throw conflict('mfa_already_enabled', 'multi-factor authentication is already on');
        await replaceRecoveryCodes(trx, accountId, recoveryCodes.map(recoveryCodeHash), now);
      });
      return { recoveryCodes };
    },

    /**
     * Turning the factor off needs the password and a code (TOTP or recovery): a stolen session
     * alone cannot remove it. Failures count against the account's sign-in throttle.
     */
    async disable(accountId: string, input: { password: string; code: string }) {
      const account = await findAccount(db, accountId);
      if (!account) throw notFound('account');
      const now = clock.now();
      const key = accountThrottleKey(account.email);
      const blocked = remainingBlockMs(await readThrottle(db, key), now);
      if (blocked > 0) {
        throw new AppError('too_many_attempts', 429, 'too many failed attempts; try again later', { retryAfterSeconds: Math.ceil(blocked / 1000) });
      }
      const passwordOk = await verifyPassword(account.password_hash, input.password);
      const factor = RECOVERY_CODE.test(input.code) ? { recoveryCode: input.code } : { totp: input.code };
      const result = passwordOk ? await checkFactor(accountId, factor) : 'invalid';
      if (result === 'not_enrolled') throw new AppError('mfa_not_enabled', 409, 'multi-factor authentication is not on');
      if (result !== 'ok') {
        await recordThrottleFailure(db, key, now, loginThrottleLimits.account, loginThrottleLimits.forgetAfterMs);
        throw new AppError('invalid_credentials', 400, 'the password or the code is wrong');
      }
      await db.transaction().execute((trx) => deleteMfa(trx, accountId));
    },
  };
}

export type MfaModule = ReturnType<typeof createMfaModule>;
