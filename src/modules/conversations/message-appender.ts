import type { Executor } from '../../db/executor.js';
import { createGroupCommitter, type GroupCommitter } from '../../lib/group-commit.js';
import { insertMessageIfFactsUnchanged, insertMessagesIfFactsUnchanged, type BatchedMessage } from './conversations.repository.js';

/**
 * The path every unflagged message takes: messages that arrive while a write is in flight share
 * the next statement and its commit (`src/lib/group-commit.ts`); a message that arrives alone is
 * written by the one-message statement. Each message keeps its own conditions (facts_version,
 * live conversation, live session) and its own answer: a sequence number, or null for "read the
 * facts again". One message per account per statement, and never two statements in flight for
 * the same account, so a batch never waits on itself nor deadlocks with an account-wide change
 * (see `insertMessagesIfFactsUnchanged`). Resolves only after the commit: the caller answers 201
 * for a message that is on disk.
 */
export type MessageAppender = GroupCommitter<BatchedMessage, number | null>;

export interface MessageAppenderOptions {
  maxBatch?: number;
  maxInFlight?: number;
}

export function createMessageAppender(exec: Executor, options: MessageAppenderOptions = {}): MessageAppender {
  return createGroupCommitter<BatchedMessage, number | null>({
    commitMany: (batch) => insertMessagesIfFactsUnchanged(exec, batch),
    commitOne: ({ message, factsVersion, session }) => insertMessageIfFactsUnchanged(exec, message, factsVersion, session),
    keyOf: ({ message }) => message.accountId,
    maxBatch: options.maxBatch ?? 256,
    maxInFlight: options.maxInFlight ?? 2,
    name: 'message appender',
  });
}
