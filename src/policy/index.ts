import type { Policy } from './policy.schema.js';
import {
  decideConversationRetention,
  decideCopyRetention,
  type ConversationRetentionFacts,
  type CopyRetentionFacts,
  type RetentionDecision,
} from './retention.js';

export * from './policy.schema.js';
export * from './policy.loader.js';
export * from './retention.js';
export * from './training.js';
export * from './access.js';

/** One entry point for every retention decision, whatever the copy. */
export function decideRetention(facts: ConversationRetentionFacts | CopyRetentionFacts, policy: Policy): RetentionDecision {
  return 'copyClass' in facts ? decideCopyRetention(facts, policy) : decideConversationRetention(facts, policy);
}
export * from './disclosure.js';
export * from './statements.js';
export * from './analytics.js';
