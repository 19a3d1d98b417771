import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { AppError } from '../../lib/errors.js';
import type { Policy } from '../../policy/index.js';
import type { AccountsModule } from '../accounts/accounts.service.js';
import type { AuditModule } from '../audit/audit.service.js';
import type { ConnectionsModule } from '../connections/connections.service.js';
import type { DisclosuresModule } from '../disclosures/disclosures.service.js';
import type { ConversationsModule } from '../conversations/conversations.service.js';
import type { CookiesModule } from '../cookies/cookies.service.js';
import type { HoldsModule } from '../holds/holds.service.js';
import type { IdentityModule } from '../identity/identity.service.js';
import type { PaymentsModule } from '../payments/payments.service.js';
import type { PrivacyModule } from '../privacy/privacy.service.js';
import type { SupportModule } from '../support/support.service.js';
import type { TechnicalModule } from '../technical/technical.service.js';
import { liveConversationIds } from './export.repository.js';

/**
 * The data-subject export (P29): everything Custos holds about the caller, gathered from the same
 * owner views the API serves one by one, so the export can never show more or less than those
 * routes do. One object, rendered as JSON (machine-readable) or as a page (human-readable).
 */
export interface ExportDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Pick<Policy, 'version'>;
  identity: Pick<IdentityModule, 'profile'>;
  privacy: Pick<PrivacyModule, 'settings' | 'consentHistory'>;
  conversations: Pick<ConversationsModule, 'get'>;
  accounts: Pick<AccountsModule, 'listSessions'>;
  technical: Pick<TechnicalModule, 'list'>;
  cookies: Pick<CookiesModule, 'view'>;
  payments: Pick<PaymentsModule, 'get'>;
  holds: Pick<HoldsModule, 'noticesFor'>;
  support: Pick<SupportModule, 'list'>;
  audit: Pick<AuditModule, 'accessLog'>;
  connections: Pick<ConnectionsModule, 'list'>;
  disclosures: Pick<DisclosuresModule, 'forSubject'>;
}

export interface ExportCaller {
  accountId: string;
  pseudonym: string;
  sessionId: string;
}

export const EXPORT_FORMAT = 'custos.export/1' as const;
// Technical records are read a page at a time; their retention window bounds how many there are.
const TECHNICAL_PAGE = 1000;
const ACCESS_LOG_LIMIT = 500;

/** A missing optional part (no payment method, no audit checkpoint yet) is null, not a failed export. */
async function orNull<T>(read: Promise<T>, status: number): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AppError && error.status === status) return null;
    throw error;
  }
}

export function createExportModule(deps: ExportDeps) {
  const { db, clock, policy } = deps;

  async function technicalRecords(accountId: string) {
    const all: Awaited<ReturnType<TechnicalModule['list']>> = [];
    let before: Date | null = null;
    for (;;) {
      const page = await deps.technical.list(accountId, { limit: TECHNICAL_PAGE, before });
      all.push(...page);
      if (page.length < TECHNICAL_PAGE) return all;
      before = new Date(page[page.length - 1]!.at);
    }
  }

  return {
    async exportFor(caller: ExportCaller) {
      const { accountId } = caller;
      const account = await deps.identity.profile(accountId);
      const conversations = [];
      for (const id of await liveConversationIds(db, accountId)) {
        // A conversation deleted while the export runs is simply left out.
        const conversation = await orNull(deps.conversations.get(accountId, id), 404);
        if (conversation) conversations.push(conversation);
      }
      const accessLog = await orNull(deps.audit.accessLog(caller.pseudonym, ACCESS_LOG_LIMIT), 503);
      return {
        format: EXPORT_FORMAT,
        generatedAt: clock.now().toISOString(),
        policyVersion: policy.version,
        account,
        privacy: await deps.privacy.settings(accountId),
        consentHistory: await deps.privacy.consentHistory(accountId),
        conversations,
        sessions: await deps.accounts.listSessions(accountId, caller.sessionId),
        technicalData: await technicalRecords(accountId),
        cookieConsent: await deps.cookies.view({ accountId }, false),
        paymentMethod: await orNull(deps.payments.get(accountId), 404),
        connections: await deps.connections.list(accountId),
        supportRequests: await deps.support.list(accountId),
        legalHoldNotices: await deps.holds.noticesFor(accountId),
        disclosures: await deps.disclosures.forSubject(accountId),
        staffAccessLog: accessLog,
      };
    },
  };
}

export type ExportModule = ReturnType<typeof createExportModule>;
export type AccountExport = Awaited<ReturnType<ExportModule['exportFor']>>;
