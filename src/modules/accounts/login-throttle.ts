import { sha256 } from '../../lib/ids.js';
import { normalizeEmail } from './accounts.repository.js';

/**
 * Growing back-off for failed sign-ins, per IP and per account. Pure decisions; the counters
 * live in `login_throttle` so every server process behind a load balancer sees the same ones.
 *
 * A key may fail `freeFailures` times; each further failure blocks it for `baseDelayMs`, doubling
 * up to `maxDelayMs`. A success clears the account's counter (not the IP's: one valid account must
 * not launder an IP that is guessing at others). Counters are forgotten `forgetAfterMs` after the
 * last failure. The per-account key is the hash of the normalized email whether or not such an
 * account exists, so the throttle itself tells nobody which emails are registered.
 */
export interface BackoffLimits {
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface ThrottleLimits {
  account: BackoffLimits;
  ip: BackoffLimits;
  forgetAfterMs: number;
}

export const loginThrottleLimits: ThrottleLimits = Object.freeze({
  account: Object.freeze({ freeFailures: 5, baseDelayMs: 1_000, maxDelayMs: 15 * 60_000 }),
  ip: Object.freeze({ freeFailures: 20, baseDelayMs: 1_000, maxDelayMs: 60 * 60_000 }),
  forgetAfterMs: 24 * 3_600_000,
});

export interface ThrottleState {
  failures: number;
  lastFailureAt: Date;
  blockedUntil: Date | null;
}

/** The failure count that counts at `now`: forgotten after a quiet period. */
export function liveFailures(state: ThrottleState | null, now: Date, limits: ThrottleLimits): number {
  if (!state) return 0;
  return now.getTime() - state.lastFailureAt.getTime() >= limits.forgetAfterMs ? 0 : state.failures;
}

/** How long a key is blocked after its `failures`-th failure (0 = not blocked). */
export function backoffMs(failures: number, limits: BackoffLimits): number {
  const over = failures - limits.freeFailures;
  if (over <= 0) return 0;
  // 2^over grows past any cap quickly; clamp the exponent so the number stays finite.
  return Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** Math.min(over - 1, 40));
}

/** When a key is blocked at `now`, the milliseconds until it may try again; otherwise 0. */
export function remainingBlockMs(state: ThrottleState | null, now: Date): number {
  if (!state?.blockedUntil) return 0;
  return Math.max(0, state.blockedUntil.getTime() - now.getTime());
}

export const ipThrottleKey = (ip: string | null): Buffer => sha256(`login-ip\0${ip ?? 'unknown'}`);
export const accountThrottleKey = (email: string): Buffer => sha256(`login-account\0${normalizeEmail(email)}`);
