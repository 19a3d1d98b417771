import { randomBytes } from 'node:crypto';
import { generateSecret, generateSync, generateURI, verifySync } from 'otplib';
import { sha256 } from '../../lib/ids.js';

/**
 * RFC 6238 TOTP as every authenticator app speaks it: SHA-1, 6 digits, 30-second steps, 160-bit
 * secrets. One step of clock drift either way is accepted, and a step is never accepted twice.
 */
export const totpParameters = Object.freeze({ algorithm: 'sha1', digits: 6, periodSeconds: 30, secretBytes: 20, toleranceSeconds: 30 });

export const TOTP_CODE = /^[0-9]{6}$/;

export const newTotpSecret = (): string => generateSecret({ length: totpParameters.secretBytes });

export const totpUri = (secret: string, issuer: string, label: string): string => generateURI({ issuer, label, secret });

export type TotpCheck = { valid: true; timeStep: number } | { valid: false };

/** Checks a code at `now`, refusing any step at or before `lastTimeStep` (replay). */
export function checkTotp(secret: string, code: string, now: Date, lastTimeStep: number | null): TotpCheck {
  if (!TOTP_CODE.test(code)) return { valid: false };
  const result = verifySync({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    epochTolerance: totpParameters.toleranceSeconds,
    ...(lastTimeStep !== null ? { afterTimeStep: lastTimeStep } : {}),
  });
  // The result type also covers HOTP, which has no time step; a TOTP verification always has one.
  return result.valid && 'timeStep' in result ? { valid: true, timeStep: result.timeStep } : { valid: false };
}

/** The code an authenticator shows at `at` (tests and the CLI use it; the server never needs to). */
export const totpCodeAt = (secret: string, at: Date): string => generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) });

/**
 * Ten single-use recovery codes, each 80 random bits written as four groups of four base32
 * characters. At 80 bits a SHA-256 of the code is safe to store: no dictionary, no brute force.
 */
export const RECOVERY_CODE_COUNT = 10;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join('-');
}

export const RECOVERY_CODE = /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i;

export const recoveryCodeHash = (code: string): Buffer => sha256(`recovery\0${code.replace(/-/g, '').toLowerCase()}`);
