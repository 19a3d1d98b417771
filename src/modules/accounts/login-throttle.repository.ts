import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import { backoffMs, loginThrottleLimits, type BackoffLimits, type ThrottleLimits, type ThrottleState } from './login-throttle.js';

export async function readThrottle(exec: Executor, key: Buffer): Promise<ThrottleState | null> {
  const row = await exec
    .selectFrom('login_throttle')
    .select(['failures', 'last_failure_at', 'blocked_until'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  return {
    failures: row.failures,
    lastFailureAt: new Date(row.last_failure_at),
    blockedUntil: row.blocked_until ? new Date(row.blocked_until) : null,
  };
}

/** Counts one failure for `key` (atomically, whatever other processes do) and sets its block. */
export async function recordThrottleFailure(
  exec: Executor,
  key: Buffer,
  now: Date,
  limits: BackoffLimits,
  forgetAfterMs: ThrottleLimits['forgetAfterMs'],
): Promise<number> {
  const forgetBefore = new Date(now.getTime() - forgetAfterMs);
  const row = await exec
    .insertInto('login_throttle')
    .values({ key, failures: 1, last_failure_at: now, blocked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql<number>`case when login_throttle.last_failure_at <= ${forgetBefore} then 1 else login_throttle.failures + 1 end`,
        last_failure_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const delay = backoffMs(row.failures, limits);
  if (delay > 0) {
    await exec
      .updateTable('login_throttle')
      .set({ blocked_until: new Date(now.getTime() + delay) })
      .where('key', '=', key)
      .execute();
  }
  return row.failures;
}

export async function clearThrottle(exec: Executor, key: Buffer): Promise<void> {
  await exec.deleteFrom('login_throttle').where('key', '=', key).execute();
}

/** Counters nobody has touched for the forget period and that block nothing any more: at most `limit`. Returns their keys (hex). */
export async function purgeStaleThrottleCounters(
  exec: Executor,
  now: Date,
  limit: number,
  limits: Pick<ThrottleLimits, 'forgetAfterMs'> = loginThrottleLimits,
): Promise<string[]> {
  const rows = await exec
    .deleteFrom('login_throttle')
    .where('key', 'in', (eb) =>
      eb
        .selectFrom('login_throttle')
        .select('key')
        .where('last_failure_at', '<=', new Date(now.getTime() - limits.forgetAfterMs))
        .where((w) => w.or([w('blocked_until', 'is', null), w('blocked_until', '<=', now)]))
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning('key')
    .execute();
  return rows.map((r) => r.key.toString('hex'));
}
