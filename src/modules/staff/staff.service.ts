import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { staffRoles, type StaffRole } from '../../policy/index.js';
import { AppError, badRequest, conflict, notFound, unauthorized } from '../../lib/errors.js';
import { constantTimeEqual, newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../accounts/passwords.js';
import { loginThrottleLimits, remainingBlockMs, type ThrottleLimits } from '../accounts/login-throttle.js';
import { clearThrottle, readThrottle, recordThrottleFailure } from '../accounts/login-throttle.repository.js';
import { normalizeEmail } from '../accounts/accounts.repository.js';
import type { SecretSealer } from '../mfa/secret-sealer.js';
import { checkTotp, newTotpSecret, totpUri } from '../mfa/totp.js';
import { appendAudit } from '../audit/audit.repository.js';
import {
  advanceStaffTimeStep,
  disableStaff,
  findStaff,
  findStaffByEmail,
  findStaffSession,
  insertStaff,
  insertStaffSession,
  listStaff,
  revokeStaffSession,
} from './staff.repository.js';

/** Who is calling a staff route. */
export interface StaffContext {
  staffId: string;
  sessionId: string;
  role: StaffRole;
}

export interface StaffDeps {
  db: Kysely<DB>;
  clock: Clock;
  /** Seals TOTP secrets; staff cannot be created without it (their second factor is mandatory). */
  sealer: SecretSealer | null;
  throttleLimits?: ThrottleLimits;
  /** Shown as the issuer in authenticator apps. */
  issuer?: string;
}

/**
 * A staff session is short: it opens a console that reaches user data (through grants), so a
 * forgotten browser tab must not stay signed in for days.
 */
export const STAFF_SESSION_MS = 8 * 3_600_000;

const sealContext = (staffId: string) => `staff_totp:${staffId}`;
const staffThrottleKey = (email: string) => sha256(`staff-login\0${normalizeEmail(email)}`);
const staffIpThrottleKey = (ip: string | null) => sha256(`staff-login-ip\0${ip ?? 'unknown'}`);
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}$/;

export function createStaffModule({ db, clock, sealer, throttleLimits = loginThrottleLimits, issuer = 'Custos staff' }: StaffDeps) {
  function requireSealer(): SecretSealer {
    if (!sealer) throw new AppError('sealing_key_missing', 503, 'staff accounts need a sealing key for their TOTP secrets (CUSTOS_SEALING_KEY)');
    return sealer;
  }

  return {
    /**
     * Creates a staff member with a random password and a TOTP secret, both shown once: the
     * operator hands them over; nothing can print them again.
     */
    async create(input: { email: string; role: string }) {
      const email = input.email.trim();
      if (!EMAIL.test(email)) throw badRequest('invalid_email', 'the email address is not valid');
      if (!(staffRoles as readonly string[]).includes(input.role)) {
        throw badRequest('invalid_role', `the role must be one of ${staffRoles.join(', ')}`);
      }
      const role = input.role as StaffRole;
      const seal = requireSealer();
      const now = clock.now();
      const id = uuidv7(now.getTime());
      const password = randomBytes(18).toString('base64url');
      const secret = newTotpSecret();
      const passwordHash = await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        const inserted = await insertStaff(trx, {
          id,
          email,
          role,
          passwordHash,
          totpSealed: seal.seal(Buffer.from(secret, 'utf8'), sealContext(id)),
          createdAt: now,
        });
        if (!inserted) throw conflict('email_taken', 'a staff member with this email already exists');
        await appendAudit(trx, { kind: 'staff.create', at: now, actor: 'operator', subject: null, refs: { staff: id, role } });
      });
      return { id, email, role, password, totpSecret: secret, otpauthUri: totpUri(secret, issuer, email) };
    },

    async list() {
      const rows = await listStaff(db);
      return rows.map((s) => ({
        id: s.id,
        email: s.email,
        role: s.role,
        createdAt: new Date(s.created_at).toISOString(),
        disabledAt: s.disabled_at ? new Date(s.disabled_at).toISOString() : null,
      }));
    },

    /** Ends the staff member's sessions at once; their grants stop opening anything with them. */
    async disable(email: string) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const staff = await findStaffByEmail(trx, email);
        if (!staff) throw notFound('staff member');
        await disableStaff(trx, staff.id, now);
        await appendAudit(trx, { kind: 'staff.disable', at: now, actor: 'operator', subject: null, refs: { staff: staff.id } });
      });
    },

    /**
     * Password and TOTP, both required. Failures are throttled per email and per IP like user
     * sign-in, and an unknown email costs the same as a wrong password.
     */
    async login(input: { email: string; password: string; totp: string }, origin: { ip: string | null }) {
      const now = clock.now();
      const keys = { account: staffThrottleKey(input.email), ip: staffIpThrottleKey(origin.ip) };
      const blockedMs = Math.max(remainingBlockMs(await readThrottle(db, keys.account), now), remainingBlockMs(await readThrottle(db, keys.ip), now));
      if (blockedMs > 0) {
        throw new AppError('too_many_attempts', 429, 'too many failed sign-in attempts; try again later', { retryAfterSeconds: Math.max(1, Math.ceil(blockedMs / 1000)) });
      }
      const staff = await findStaffByEmail(db, input.email);
      const passwordOk = await verifyPassword(staff?.password_hash ?? (await decoyPasswordHash()), input.password);
      let ok = Boolean(staff && passwordOk && staff.disabled_at === null);
      if (ok && staff) {
        const secret = requireSealer().open(staff.totp_secret_sealed, sealContext(staff.id)).toString('utf8');
        const check = checkTotp(secret, input.totp, now, staff.totp_last_step);
        ok = check.valid && (await advanceStaffTimeStep(db, staff.id, check.timeStep));
      }
      if (!ok || !staff) {
        await recordThrottleFailure(db, keys.account, now, throttleLimits.account, throttleLimits.forgetAfterMs);
        await recordThrottleFailure(db, keys.ip, now, throttleLimits.ip, throttleLimits.forgetAfterMs);
        throw unauthorized('invalid_credentials', 'email, password or code is wrong');
      }
      await clearThrottle(db, keys.account);
      const token = newToken('stf');
      const expiresAt = new Date(now.getTime() + STAFF_SESSION_MS);
      await insertStaffSession(db, { id: uuidv7(now.getTime()), staffId: staff.id, tokenHash: sha256(token), createdAt: now, expiresAt });
      return { token, expiresAt: expiresAt.toISOString(), role: staff.role };
    },

    async authenticate(token: string): Promise<StaffContext | null> {
      const tokenHash = sha256(token);
      const session = await findStaffSession(db, tokenHash);
      if (!session || !constantTimeEqual(session.tokenHash, tokenHash)) return null;
      if (session.revokedAt || session.disabledAt) return null;
      if (new Date(session.expiresAt).getTime() <= clock.now().getTime()) return null;
      return { staffId: session.staffId, sessionId: session.sessionId, role: session.role };
    },

    async logout(sessionId: string) {
      await revokeStaffSession(db, sessionId, clock.now());
    },

    async me(staffId: string) {
      const staff = await findStaff(db, staffId);
      if (!staff) throw notFound('staff member');
      return { id: staff.id, email: staff.email, role: staff.role };
    },
  };
}

export type StaffModule = ReturnType<typeof createStaffModule>;
