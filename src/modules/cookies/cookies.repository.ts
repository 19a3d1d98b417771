import type { Executor } from '../../db/executor.js';

export type ConsentSubject = { accountId: string } | { visitorHash: Buffer };

export async function insertCookieConsent(
  exec: Executor,
  c: { id: string; subject: ConsentSubject; granted: string[]; gpc: boolean; policyVersion: string; recordedAt: Date; deleteAfter: Date | null },
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
      delete_after: 'visitorHash' in c.subject ? c.deleteAfter : null,
    })
    .execute();
}

export async function latestCookieConsent(exec: Executor, subject: ConsentSubject) {
  let query = exec.selectFrom('cookie_consents').select(['granted', 'gpc', 'policy_version', 'recorded_at']);
  query = 'accountId' in subject ? query.where('account_id', '=', subject.accountId) : query.where('visitor_hash', '=', subject.visitorHash);
  return query.orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Visitors' choices that no longer stand (`delete_after`, set from cookies.consentDays): at most `limit`. */
export async function purgeExpiredVisitorConsents(exec: Executor, now: Date, limit: number): Promise<string[]> {
  const rows = await exec
    .deleteFrom('cookie_consents')
    .where('id', 'in', (eb) =>
      eb.selectFrom('cookie_consents').select('id').where('delete_after', '<=', now).orderBy('delete_after').limit(limit).forUpdate().skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
