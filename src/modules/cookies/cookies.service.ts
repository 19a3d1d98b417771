import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { allowsCategory, consentExpiresAt, consentInForce, grantedFromChoice, type StoredConsent } from './cookie-consent.js';
import { insertCookieConsent, latestCookieConsent, type ConsentSubject } from './cookies.repository.js';

export interface CookiesDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

/** Whose choice: a signed-in account, or an anonymous visitor known by the consent-id cookie. */
export type ConsentHolder = { accountId: string } | { visitorToken: string } | null;

const VISITOR_TOKEN = /^ccid_[A-Za-z0-9_-]{43}$/;
export const isVisitorToken = (value: string): boolean => VISITOR_TOKEN.test(value);

const subjectOf = (holder: ConsentHolder): ConsentSubject | null => {
  if (!holder) return null;
  if ('accountId' in holder) return { accountId: holder.accountId };
  return isVisitorToken(holder.visitorToken) ? { visitorHash: sha256(holder.visitorToken) } : null;
};

export function createCookiesModule({ db, clock, policy }: CookiesDeps) {
  async function stored(holder: ConsentHolder): Promise<StoredConsent | null> {
    const subject = subjectOf(holder);
    if (!subject) return null;
    const row = await latestCookieConsent(db, subject);
    return row ? { granted: row.granted, recordedAt: new Date(row.recorded_at) } : null;
  }

  async function view(holder: ConsentHolder, gpc: boolean) {
    const now = clock.now();
    const choice = consentInForce(await stored(holder), policy, now);
    return {
      policyVersion: policy.version,
      gpc,
      recordedAt: choice ? choice.recordedAt.toISOString() : null,
      expiresAt: choice ? consentExpiresAt(choice, policy).toISOString() : null,
      categories: Object.entries(policy.cookies.categories).map(([name, c]) => ({
        name,
        essential: c.essential,
        description: c.description,
        chosen: c.essential ? true : choice ? choice.granted.includes(name) : null,
        allowed: allowsCategory(policy, name, choice, gpc, now),
      })),
    };
  }

  return {
    view,

    /**
     * Records a choice. A visitor without a consent id gets a new one (returned, to be set as the
     * consent cookie). The GPC signal is recorded with the choice and, whatever was chosen, keeps
     * every non-essential category off for as long as the browser sends it.
     */
    async record(holder: ConsentHolder, choice: Readonly<Record<string, boolean>>, gpc: boolean) {
      const granted = grantedFromChoice(policy, choice);
      const now = clock.now();
      let effectiveHolder = holder;
      let newVisitorToken: string | null = null;
      if (!subjectOf(holder)) {
        newVisitorToken = newToken('ccid');
        effectiveHolder = { visitorToken: newVisitorToken };
      }
      await insertCookieConsent(db, {
        id: uuidv7(now.getTime()),
        subject: subjectOf(effectiveHolder)!,
        granted,
        gpc,
        policyVersion: policy.version,
        recordedAt: now,
        deleteAfter: consentExpiresAt({ granted, recordedAt: now }, policy),
      });
      return { view: await view(effectiveHolder, gpc), newVisitorToken };
    },

    /** The check everything non-essential makes first. */
    async allows(holder: ConsentHolder, category: string, gpc: boolean): Promise<boolean> {
      const definition = policy.cookies.categories[category];
      if (!definition) return false;
      if (definition.essential) return true;
      if (gpc) return false;
      return allowsCategory(policy, category, await stored(holder), gpc, clock.now());
    },
  };
}

export type CookiesModule = ReturnType<typeof createCookiesModule>;
