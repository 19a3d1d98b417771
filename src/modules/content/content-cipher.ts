import type { Executor } from '../../db/executor.js';

/**
 * Where a piece of content lives. A cipher binds every ciphertext to this (as AEAD associated
 * data), so a ciphertext copied into another row does not open.
 */
export interface ContentLocation {
  /**
   * The account whose key wraps the data key; null for a de-identified copy (a training record),
   * whose key hangs directly under the root so that it outlives the account as the policy allows.
   */
  accountId: string | null;
  /**
   * Whose data key seals it: the conversation for the product copy, or a copy of its own
   * (feedback snapshot, training record, ...) so each copy's lifetime is independent.
   */
  keyScope: { kind: 'conversation' | 'copy'; id: string };
  table: string;
  rowId: string;
  column: string;
}

export interface SealedField {
  ciphertext: Buffer;
  keyVersion: number;
}

/** The seam between storage and encryption at rest. Repositories never see keys. */
export interface ContentCipher {
  seal(exec: Executor, where: ContentLocation, plaintext: string): Promise<SealedField>;
  open(exec: Executor, where: ContentLocation, sealed: SealedField): Promise<string>;
  /** Creates the data key of a new scope up front (so concurrent first writes never race). */
  prepareScope(exec: Executor, accountId: string | null, scope: ContentLocation['keyScope']): Promise<void>;
  /** Crypto-shredding: after this, nothing sealed under the scope opens again. */
  destroyScopeKey(exec: Executor, accountId: string | null, scope: ContentLocation['keyScope']): Promise<void>;
  /** The same for many scopes at once (a sweep batch): one round trip instead of one per scope. */
  destroyScopeKeys?(exec: Executor, owned: readonly { accountId: string | null; scope: ContentLocation['keyScope'] }[]): Promise<void>;
  /** Crypto-shredding of a whole account: every scope of the account becomes unreadable at once. */
  destroyAccountKey(exec: Executor, accountId: string): Promise<void>;
}
