import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { badRequest } from '../../lib/errors.js';
import { listTermsAcceptances, recordTermsAcceptance } from './terms.repository.js';
import { decideTermsGate, findTermsVersion, termsInForce, termsStatus } from './terms.js';

export interface TermsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export function createTermsModule({ db, clock, policy }: TermsDeps) {
  async function overview(accountId: string | null) {
    const now = clock.now();
    const current = termsInForce(policy, now);
    const versions = policy.terms.map((t) => ({
      version: t.version,
      effectiveAt: new Date(t.effectiveAt).toISOString(),
      acceptBy: new Date(t.acceptBy).toISOString(),
      url: t.url,
      status: termsStatus(policy, t, now),
    }));
    if (!accountId) return { current: current?.version ?? null, versions, account: null };
    const accepted = await listTermsAcceptances(db, accountId);
    const acceptedCurrent = !current || accepted.some((a) => a.version === current.version);
    const gate = decideTermsGate(policy, now, acceptedCurrent);
    return {
      current: current?.version ?? null,
      versions,
      account: {
        accepted: accepted.map((a) => ({ version: a.version, acceptedAt: new Date(a.accepted_at).toISOString() })),
        acceptedCurrent,
        mustAcceptBy: gate.allow ? (gate.mustAcceptBy?.toISOString() ?? null) : gate.acceptBy.toISOString(),
        blocked: !gate.allow,
      },
    };
  }

  return {
    overview,

    /** Records the acceptance of a published version (in force or upcoming). */
    async accept(accountId: string, version: string) {
      const terms = findTermsVersion(policy, version);
      if (!terms) throw badRequest('unknown_terms_version', 'no such terms version in the policy');
      await recordTermsAcceptance(db, { accountId, version, acceptedAt: clock.now(), source: 'accepted' });
      return overview(accountId);
    },
  };
}

export type TermsModule = ReturnType<typeof createTermsModule>;
