import type { Executor } from '../../db/executor.js';

export async function recordTermsAcceptance(
  exec: Executor,
  a: { accountId: string; version: string; acceptedAt: Date; source: 'signup' | 'accepted' },
): Promise<void> {
  // Accepting twice keeps the first acceptance: that is when the account agreed.
  await exec
    .insertInto('terms_acceptances')
    .values({ account_id: a.accountId, version: a.version, accepted_at: a.acceptedAt, source: a.source })
    .onConflict((oc) => oc.columns(['account_id', 'version']).doNothing())
    .execute();
}

export async function listTermsAcceptances(exec: Executor, accountId: string) {
  return exec
    .selectFrom('terms_acceptances')
    .select(['version', 'accepted_at', 'source'])
    .where('account_id', '=', accountId)
    .orderBy('accepted_at')
    .execute();
}
