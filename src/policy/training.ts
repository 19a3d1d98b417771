import type { AccountKind, Policy } from './policy.schema.js';
import type { OrganisationFacts } from './retention.js';

/**
 * The training decision: may this copy of content go into a training export made at `at`, and on
 * what basis. Pure: the caller gathers the facts as they stand at the export instant.
 */
export type TrainingBasis = 'opt_in' | 'feedback' | 'safety_flag' | 'org_consent';
export type TrainingRefusal =
  | 'incognito'
  | 'deleted'
  | 'opted_out'
  | 'no_org_consent'
  | 'zero_data_retention'
  | 'already_exported'
  | 'not_persisted';

/** What is being considered: the conversation itself, or a copy made for feedback or safety. */
export type TrainingSource = 'conversation' | 'feedback' | 'safety_flag';

export interface TrainingFacts {
  /** The export instant. */
  at: Date;
  source: TrainingSource;
  accountKind: AccountKind;
  org: OrganisationFacts | null;
  /** The training setting in force at `at`. */
  trainingOptIn: boolean;
  incognito: boolean;
  /** When the considered copy was deleted (for a conversation: when the user deleted it). */
  deletedAt: Date | null;
  contentPersisted: boolean;
  alreadyExported: boolean;
}

export type TrainingDecision =
  | { eligible: true; basis: TrainingBasis; reason: string }
  | { eligible: false; basis: TrainingRefusal; reason: string };

export function decideTrainingUse(facts: TrainingFacts, _policy: Policy): TrainingDecision {
  // Incognito wins over everything, feedback and safety flags included (P03 over P07).
  if (facts.incognito) return refuse('incognito', 'incognito conversations are never used for training');
  if (facts.deletedAt && facts.deletedAt.getTime() <= facts.at.getTime()) {
    return refuse('deleted', 'deleted before the export');
  }
  if (facts.org?.zeroDataRetention) return refuse('zero_data_retention', 'the organisation has zero data retention');
  if (!facts.contentPersisted) return refuse('not_persisted', 'no content was persisted');
  if (facts.alreadyExported) return refuse('already_exported', 'already frozen into an earlier batch');
  if (facts.accountKind !== 'consumer') {
    // P08: organisation and API accounts only with the organisation's explicit consent, whatever
    // the source: feedback or a flag does not override the organisation's decision.
    return facts.org?.trainingConsent
      ? allow('org_consent', 'the organisation consented to training')
      : refuse('no_org_consent', 'the organisation has not consented to training');
  }
  switch (facts.source) {
    case 'feedback':
      return allow('feedback', 'the user explicitly reported this content');
    case 'safety_flag':
      return allow('safety_flag', 'the content was flagged for safety review');
    case 'conversation':
      return facts.trainingOptIn
        ? allow('opt_in', 'the user allows training')
        : refuse('opted_out', 'the user does not allow training');
  }
}

const allow = (basis: TrainingBasis, reason: string): TrainingDecision => ({ eligible: true, basis, reason });
const refuse = (basis: TrainingRefusal, reason: string): TrainingDecision => ({ eligible: false, basis, reason });
