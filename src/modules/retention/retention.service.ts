import type { Executor } from '../../db/executor.js';
import type { Policy } from '../../policy/index.js';
import {
  decideRetention,
  type ConversationRetentionFacts,
  type LegalHoldFact,
  type OrganisationFacts,
  type RetentionDecision,
} from '../../policy/index.js';
import {
  type AccountFactsRow,
  loadAccountFacts,
  loadConversationsForRetention,
  loadHolds,
  writeDeadlines,
} from './retention.repository.js';

/**
 * Gathers the facts the policy core needs and writes its decisions back as `delete_after`.
 * Every event that changes a fact calls this inside the event's own transaction.
 */
export interface AccountRetentionFacts {
  accountKind: ConversationRetentionFacts['accountKind'];
  org: OrganisationFacts | null;
  trainingOptIn: boolean;
  accountDeletedAt: Date | null;
  holds: { id: string; conversationId: string | null; until: Date | null }[];
}

export async function gatherAccountFacts(exec: Executor, accountId: string): Promise<AccountRetentionFacts | null> {
  const [account, holds] = await Promise.all([loadAccountFacts(exec, accountId), loadHolds(exec, accountId)]);
  if (!account) return null;
  return accountFactsFrom(account, holds);
}

/** The organisation facts of an account row joined with its organisation (null columns: no organisation). */
export function organisationFactsFrom(row: Pick<AccountFactsRow, 'zero_data_retention' | 'retention_days' | 'training_consent'>): OrganisationFacts | null {
  return row.zero_data_retention === null
    ? null
    : { zeroDataRetention: row.zero_data_retention, retentionDays: row.retention_days, trainingConsent: row.training_consent ?? false };
}

/** The facts from an account row (joined with its organisation) and its unreleased holds. */
export function accountFactsFrom(
  account: AccountFactsRow,
  holds: readonly { id: string; conversation_id: string | null; until: Date | string | null }[],
): AccountRetentionFacts {
  return {
    accountKind: account.kind,
    org: organisationFactsFrom(account),
    trainingOptIn: account.training_opt_in,
    accountDeletedAt: account.deleted_at ? new Date(account.deleted_at) : null,
    holds: holds.map((h) => ({ id: h.id, conversationId: h.conversation_id, until: h.until ? new Date(h.until) : null })),
  };
}

export function holdsFor(facts: AccountRetentionFacts, conversationId: string): LegalHoldFact[] {
  return facts.holds
    .filter((h) => h.conversationId === null || h.conversationId === conversationId)
    .map((h) => ({ id: h.id, until: h.until }));
}

export function decideForConversation(
  facts: AccountRetentionFacts,
  conversation: { id: string; incognito: boolean; lastActivityAt: Date; deletedAt: Date | null },
  policy: Policy,
  now: Date,
): RetentionDecision {
  return decideRetention(
    {
      now,
      accountKind: facts.accountKind,
      org: facts.org,
      trainingOptIn: facts.trainingOptIn,
      incognito: conversation.incognito,
      lastActivityAt: conversation.lastActivityAt,
      deletedAt: conversation.deletedAt,
      accountDeletedAt: facts.accountDeletedAt,
      holds: holdsFor(facts, conversation.id),
    },
    policy,
  );
}

/** Recomputes the deadlines of an account's conversations (all, or the ones named). */
export async function recomputeDeadlines(
  exec: Executor,
  policy: Policy,
  accountId: string,
  now: Date,
  conversationIds: string[] | null = null,
): Promise<number> {
  const facts = await gatherAccountFacts(exec, accountId);
  if (!facts) return 0;
  const conversations = await loadConversationsForRetention(exec, accountId, conversationIds);
  const rows = conversations.map((c) => {
    const d = decideForConversation(
      facts,
      {
        id: c.id,
        incognito: c.incognito,
        lastActivityAt: new Date(c.last_activity_at),
        deletedAt: c.deleted_at ? new Date(c.deleted_at) : null,
      },
      policy,
      now,
    );
    return { id: c.id, deleteAfter: d.deleteAfter, rule: d.rule };
  });
  await writeDeadlines(exec, accountId, rows);
  return rows.length;
}
