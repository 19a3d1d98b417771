import type { AccountKind, Policy } from './policy.schema.js';

/**
 * The retention decision: when a copy of personal content must be gone, and which entry of the
 * policy file says so. Pure: every fact, including the current time, is passed in.
 */
const DAY_MS = 86_400_000;

export interface OrganisationFacts {
  zeroDataRetention: boolean;
  /** The organisation's own conversation window, if it chose one within the policy's bounds. */
  retentionDays: number | null;
  trainingConsent: boolean;
}

export interface LegalHoldFact {
  id: string;
  /** Open-ended when null. */
  until: Date | null;
}

export interface ConversationRetentionFacts {
  now: Date;
  accountKind: AccountKind;
  org: OrganisationFacts | null;
  /** The training setting in force now. */
  trainingOptIn: boolean;
  incognito: boolean;
  lastActivityAt: Date;
  deletedAt: Date | null;
  accountDeletedAt: Date | null;
  holds: readonly LegalHoldFact[];
}

/** A copy made for another purpose keeps its own window, counted from when it was made. */
export type CopyClass = 'feedback' | 'safety_copy' | 'classifier_score' | 'training_record' | 'technical_log';

export interface CopyRetentionFacts {
  now: Date;
  copyClass: CopyClass;
  createdAt: Date;
  holds: readonly LegalHoldFact[];
}

export interface RetentionDecision {
  /** null = kept while needed (only while an open-ended legal hold is in force). */
  deleteAfter: Date | null;
  /** false = the content must never be written to storage at all. */
  persistContent: boolean;
  /** Dotted path of the policy entry that decided, or `legal_hold`. */
  rule: string;
  reason: string;
}

export const LEGAL_HOLD_RULE = 'legal_hold';

const addDays = (from: Date, days: number): Date => new Date(from.getTime() + days * DAY_MS);

export function decideConversationRetention(facts: ConversationRetentionFacts, policy: Policy): RetentionDecision {
  return applyHolds(baseConversationDecision(facts, policy), facts.holds, facts.now);
}

function baseConversationDecision(facts: ConversationRetentionFacts, policy: Policy): RetentionDecision {
  const undeleted = undeletedConversationDecision(facts, policy);
  const deletedAt = earliest(facts.deletedAt, facts.accountDeletedAt);
  if (!deletedAt) return undeleted;
  const afterDeletion = addDays(deletedAt, Math.min(policy.retention.deleted.graceDays, policy.retention.deleted.maxDays));
  // Deleting never lengthens a life: an earlier ordinary deadline still wins.
  if (undeleted.deleteAfter && undeleted.deleteAfter.getTime() <= afterDeletion.getTime()) {
    return { ...undeleted, persistContent: false };
  }
  return {
    deleteAfter: afterDeletion,
    persistContent: false,
    rule: 'retention.deleted.graceDays',
    reason: facts.accountDeletedAt ? 'the account was deleted' : 'the user deleted the conversation',
  };
}

function undeletedConversationDecision(facts: ConversationRetentionFacts, policy: Policy): RetentionDecision {
  const r = policy.retention;
  if (facts.org?.zeroDataRetention) {
    // Content is never written; the row that remains holds ids, counts and times only, and lives
    // as long as the organisation's ordinary window so the conversation can go on.
    return {
      deleteAfter: addDays(facts.lastActivityAt, organisationDays(facts.accountKind, facts.org, policy)),
      persistContent: false,
      rule: 'retention.zeroDataRetentionDays',
      reason: 'the organisation has zero data retention: content is never persisted',
    };
  }
  if (facts.incognito) {
    if (r.incognitoDays === 0) {
      return {
        deleteAfter: addDays(facts.lastActivityAt, r.sessionsDays),
        persistContent: false,
        rule: 'retention.incognitoDays',
        reason: 'incognito conversations are not persisted under this policy',
      };
    }
    return {
      deleteAfter: addDays(facts.lastActivityAt, r.incognitoDays),
      persistContent: true,
      rule: 'retention.incognitoDays',
      reason: 'incognito conversations are kept only for the safety window',
    };
  }
  switch (facts.accountKind) {
    case 'consumer':
      return facts.trainingOptIn
        ? {
            deleteAfter: addDays(facts.lastActivityAt, r.conversations.consumer.optedInDays),
            persistContent: true,
            rule: 'retention.conversations.consumer.optedInDays',
            reason: 'consumer account that allows training',
          }
        : {
            deleteAfter: addDays(facts.lastActivityAt, r.conversations.consumer.optedOutDays),
            persistContent: true,
            rule: 'retention.conversations.consumer.optedOutDays',
            reason: 'consumer account that does not allow training',
          };
    case 'api':
      return {
        deleteAfter: addDays(facts.lastActivityAt, r.conversations.api.days),
        persistContent: true,
        rule: 'retention.conversations.api.days',
        reason: 'API account',
      };
    case 'team':
    case 'enterprise': {
      const custom = facts.org?.retentionDays ?? null;
      return {
        deleteAfter: addDays(facts.lastActivityAt, organisationDays(facts.accountKind, facts.org, policy)),
        persistContent: true,
        rule: custom === null
          ? `retention.conversations.${facts.accountKind}.defaultDays`
          : `retention.conversations.${facts.accountKind}.maxDays`,
        reason: custom === null
          ? `${facts.accountKind} organisation on the default window`
          : `${facts.accountKind} organisation chose ${clampOrgDays(facts.accountKind, custom, policy)} days within the policy's bounds`,
      };
    }
  }
}

/** The window of an organisation's conversations: its own choice clamped to the policy's bounds. */
export function organisationDays(kind: AccountKind, org: OrganisationFacts | null, policy: Policy): number {
  const c = policy.retention.conversations;
  if (kind === 'api') return c.api.days;
  if (kind === 'consumer') return c.consumer.optedOutDays;
  const custom = org?.retentionDays ?? null;
  return custom === null ? c[kind].defaultDays : clampOrgDays(kind, custom, policy);
}

function clampOrgDays(kind: 'team' | 'enterprise', days: number, policy: Policy): number {
  const w = policy.retention.conversations[kind];
  return Math.min(w.maxDays, Math.max(w.minDays, days));
}

const copyRules: Record<CopyClass, { path: string; days: (p: Policy) => number; reason: string }> = {
  feedback: { path: 'retention.feedbackDays', days: (p) => p.retention.feedbackDays, reason: 'explicit feedback' },
  safety_copy: {
    path: 'retention.safetyFlaggedDays',
    days: (p) => p.retention.safetyFlaggedDays,
    reason: 'content flagged for safety review',
  },
  classifier_score: {
    path: 'retention.classifierScoresDays',
    days: (p) => p.retention.classifierScoresDays,
    reason: 'safety classifier scores',
  },
  training_record: {
    path: 'retention.trainingBatchDays',
    days: (p) => p.retention.trainingBatchDays,
    reason: 'record frozen into a training batch',
  },
  technical_log: {
    path: 'retention.technical.days',
    days: (p) => p.retention.technical.days,
    reason: 'technical information for security and troubleshooting',
  },
};

export function decideCopyRetention(facts: CopyRetentionFacts, policy: Policy): RetentionDecision {
  const rule = copyRules[facts.copyClass];
  return applyHolds(
    { deleteAfter: addDays(facts.createdAt, rule.days(policy)), persistContent: true, rule: rule.path, reason: rule.reason },
    facts.holds,
    facts.now,
  );
}

/** A legal hold suspends deletion of exactly what it names, for as long as it is in force (P13). */
function applyHolds(decision: RetentionDecision, holds: readonly LegalHoldFact[], now: Date): RetentionDecision {
  const active = holds.filter((h) => h.until === null || h.until.getTime() > now.getTime());
  if (active.length === 0) return decision;
  const openEnded = active.some((h) => h.until === null);
  const latestUntil = Math.max(...active.map((h) => h.until?.getTime() ?? 0));
  const deleteAfter = openEnded
    ? null
    : new Date(Math.max(latestUntil, decision.deleteAfter?.getTime() ?? 0));
  if (deleteAfter !== null && decision.deleteAfter !== null && deleteAfter.getTime() === decision.deleteAfter.getTime()) {
    return decision;
  }
  return {
    deleteAfter,
    persistContent: decision.persistContent,
    rule: LEGAL_HOLD_RULE,
    reason: `deletion suspended by legal hold ${active.map((h) => h.id).join(', ')}`,
  };
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() <= b.getTime() ? a : b;
}

/** The windows that apply to one account, for the privacy dashboard (GET /v1/me/privacy). */
export function windowsForAccount(kind: AccountKind, org: OrganisationFacts | null, policy: Policy) {
  const r = policy.retention;
  return {
    conversationDays:
      org?.zeroDataRetention
        ? r.zeroDataRetentionDays
        : kind === 'consumer'
          ? { optedIn: r.conversations.consumer.optedInDays, optedOut: r.conversations.consumer.optedOutDays }
          : organisationDays(kind, org, policy),
    incognitoDays: r.incognitoDays,
    deletedConversationMaxDays: r.deleted.maxDays,
    feedbackDays: r.feedbackDays,
    safetyFlaggedDays: r.safetyFlaggedDays,
    classifierScoresDays: r.classifierScoresDays,
    technicalDays: r.technical.days,
    zeroDataRetention: org?.zeroDataRetention ?? false,
  };
}
