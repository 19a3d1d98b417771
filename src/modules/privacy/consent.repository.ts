import type { Executor } from '../../db/executor.js';

export interface ConsentChange {
  accountId: string;
  trainingOptIn: boolean;
  policyVersion: string;
  changedAt: Date;
  source: 'signup' | 'settings';
  ip: string | null;
  userAgent: string | null;
}

/** The consent ledger only grows: this is the one writer, and the table refuses updates. */
export async function appendConsent(exec: Executor, c: ConsentChange): Promise<void> {
  await exec
    .insertInto('consent_ledger')
    .values({
      account_id: c.accountId,
      training_opt_in: c.trainingOptIn,
      policy_version: c.policyVersion,
      changed_at: c.changedAt,
      source: c.source,
      ip: c.ip,
      user_agent: c.userAgent,
    })
    .execute();
}

export async function listConsent(exec: Executor, accountId: string) {
  return exec
    .selectFrom('consent_ledger')
    .select(['training_opt_in', 'policy_version', 'changed_at', 'source'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
}

/** The account's newest consent record: the choice in force and the policy version it was made under. */
export async function latestConsent(exec: Executor, accountId: string) {
  return exec
    .selectFrom('consent_ledger')
    .select(['training_opt_in', 'policy_version', 'changed_at'])
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The training setting that was in force at an instant, from the ledger (the newest change at or before it). */
export async function consentInForceAt(exec: Executor, accountId: string, at: Date): Promise<boolean | null> {
  const row = await exec
    .selectFrom('consent_ledger')
    .select('training_opt_in')
    .where('account_id', '=', accountId)
    .where('changed_at', '<=', at)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.training_opt_in ?? null;
}
