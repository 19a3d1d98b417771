import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { windowsForAccount, type Policy } from '../../policy/index.js';
import { notFound } from '../../lib/errors.js';
import type { RequestOrigin } from '../accounts/accounts.service.js';
import { gatherAccountFacts, recomputeDeadlines } from '../retention/retention.service.js';
import { appendConsent, latestConsent, listConsent } from './consent.repository.js';
import { policyChangeView } from './policy-change.js';
import { appendAudit } from '../audit/audit.repository.js';

export interface PrivacyDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export function createPrivacyModule({ db, clock, policy }: PrivacyDeps) {
  async function settings(accountId: string) {
    const facts = await gatherAccountFacts(db, accountId);
    if (!facts) throw notFound('account');
    const lastChoice = await latestConsent(db, accountId);
    return {
      trainingOptIn: facts.trainingOptIn,
      accountKind: facts.accountKind,
      policyVersion: policy.version,
      // P30: the user sees when the policy changed after they last made their choice, so they can review it.
      policy: policyChangeView(policy, lastChoice?.policy_version ?? null),
      windows: windowsForAccount(facts.accountKind, facts.org, policy),
    };
  }

  return {
    settings,

    /**
     * A change of the training setting: appended to the ledger and applied to the deadlines of
     * every conversation of the account, in one transaction (P05, P06).
     */
    async setTrainingOptIn(accountId: string, trainingOptIn: boolean, origin: RequestOrigin) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('accounts')
          .select(['training_opt_in', 'kind', 'pseudonym'])
          .where('id', '=', accountId)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound('account');
        const unchanged = current.training_opt_in === trainingOptIn;
        // The same choice again is recorded only as a confirmation under a newer policy version (P30);
        // otherwise it is no change and the ledger stays as it is.
        if (unchanged && (await latestConsent(trx, accountId))?.policy_version === policy.version) return;
        if (!unchanged) await trx.updateTable('accounts').set({ training_opt_in: trainingOptIn }).where('id', '=', accountId).execute();
        await appendConsent(trx, {
          accountId,
          trainingOptIn,
          policyVersion: policy.version,
          changedAt: now,
          source: 'settings',
          ...origin,
        });
        if (!unchanged) await recomputeDeadlines(trx, policy, accountId, now);
        await appendAudit(trx, {
          kind: 'consent.change',
          at: now,
          actor: `user:${current.pseudonym}`,
          subject: current.pseudonym,
          refs: { trainingOptIn, policyVersion: policy.version, source: 'settings' },
        });
      });
      return settings(accountId);
    },

    async consentHistory(accountId: string) {
      const rows = await listConsent(db, accountId);
      return rows.map((r) => ({
        trainingOptIn: r.training_opt_in,
        policyVersion: r.policy_version,
        changedAt: new Date(r.changed_at).toISOString(),
        source: r.source,
      }));
    },
  };
}

export type PrivacyModule = ReturnType<typeof createPrivacyModule>;
