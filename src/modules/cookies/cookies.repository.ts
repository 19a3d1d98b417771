import type { Executor } from '../../db/executor.js';

export type ConsentSubject = { accountId: string } | { visitorHash: Buffer };

export async function insertCookieConsent(
  exec: Executor,
  c: { id: string; subject: ConsentSubject; granted: string[]; gpc: boolean; policyVersion: string; recordedAt: Date },
): Promise<void> {
  await exec
    .insertInto('cookie_consents')
    .values({
      id: c.id,
      account_id: 'accountId' in c.subject ? c.subject.accountId : null,
      visitor_hash: 'visitorHash' in c.subject ? c.subject.visitorHash : null,
      granted: c.granted,
      gpc: c.gpc,
      policy_version: c.policyVersion,
      recorded_at: c.recordedAt,
    })
    .execute();
}

export async function latestCookieConsent(exec: Executor, subject: ConsentSubject) {
  let query = exec.selectFrom('cookie_consents').select(['granted', 'gpc', 'policy_version', 'recorded_at']);
  query = 'accountId' in subject ? query.where('account_id', '=', subject.accountId) : query.where('visitor_hash', '=', subject.visitorHash);
  return query.orderBy('recorded_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** A visitor's choices are of no use once they no longer stand (cookies.consentDays): they go. */
export async function purgeExpiredVisitorConsents(exec: Executor, now: Date, consentDays: number, limit = 1000): Promise<number> {
  const cutoff = new Date(now.getTime() - consentDays * 86_400_000);
  const result = await exec
    .deleteFrom('cookie_consents')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('cookie_consents')
        .select('id')
        .where('visitor_hash', 'is not', null)
        .where('recorded_at', '<=', cutoff)
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
