import { newKey, open, seal } from './aead.js';
import {
  encodeAccountKeyAad,
  encodeDataKeyAad,
  encodeFieldAad,
  type AccountKeyAad,
  type DataKeyScope,
  type FieldAad,
} from './aad.js';
import type { KeyProvider } from './key-provider.js';

/**
 * The key hierarchy as pure operations (the keystore tables store what these return):
 *
 *   root (KeyProvider) ─wraps→ account key ─wraps→ data key (one per conversation or copy) ─seals→ fields
 *
 * Every key is random. None is derived from a master key and an id: a derived key could be derived
 * again after "destruction", so shredding it would be a lie. Destroying a key is deleting its
 * wrapped row (and evicting it from the KeyCache); every wrap binds the key's owner and version
 * through its associated data, so a wrapped key copied to another owner's row does not unwrap.
 */

/** A fresh random data key (32 bytes). */
export const newDataKey = (): Buffer => newKey();

/** A fresh random account key (32 bytes). */
export const newAccountKey = (): Buffer => newKey();

/** A key wrapped by the root, as stored: the blob and the root version that wrapped it. */
export interface RootWrappedKey {
  rootVersion: number;
  wrapped: Buffer;
}

export async function wrapAccountKey(root: KeyProvider, accountKey: Buffer, at: AccountKeyAad): Promise<RootWrappedKey> {
  const { version, wrapped } = await root.wrap(accountKey, encodeAccountKeyAad(at));
  return { rootVersion: version, wrapped };
}

/** Throws RootKeyError when the root version is retired, DecryptionError when `at` is not where it was wrapped. */
export async function unwrapAccountKey(root: KeyProvider, stored: RootWrappedKey, at: AccountKeyAad): Promise<Buffer> {
  return root.unwrap(stored.rootVersion, stored.wrapped, encodeAccountKeyAad(at));
}

/** Where a data key wrapped by an account key belongs. */
export interface AccountDataKeyAad {
  accountId: string;
  /** Version of the account key doing the wrapping. */
  accountKeyVersion: number;
  scope: DataKeyScope;
  /** Version of the data key. */
  keyVersion: number;
}

const accountDataKeyAad = (at: AccountDataKeyAad) =>
  encodeDataKeyAad({ accountId: at.accountId, scope: at.scope, keyVersion: at.keyVersion, accountKeyVersion: at.accountKeyVersion });

export function wrapDataKey(accountKey: Buffer, dataKey: Buffer, at: AccountDataKeyAad): Buffer {
  return seal(accountKey, dataKey, accountDataKeyAad(at));
}

export function unwrapDataKey(accountKey: Buffer, wrapped: Buffer, at: AccountDataKeyAad): Buffer {
  return open(accountKey, wrapped, accountDataKeyAad(at));
}

/**
 * Where a data key wrapped directly by the root belongs: a de-identified copy (training record)
 * that belongs to no account, so destroying an account key does not destroy it when the policy
 * lets it outlive the account.
 */
export interface RootDataKeyAad {
  scope: DataKeyScope;
  keyVersion: number;
}

const rootDataKeyAad = (at: RootDataKeyAad) => encodeDataKeyAad({ accountId: null, scope: at.scope, keyVersion: at.keyVersion, accountKeyVersion: null });

export async function wrapDataKeyUnderRoot(root: KeyProvider, dataKey: Buffer, at: RootDataKeyAad): Promise<RootWrappedKey> {
  const { version, wrapped } = await root.wrap(dataKey, rootDataKeyAad(at));
  return { rootVersion: version, wrapped };
}

export async function unwrapDataKeyUnderRoot(root: KeyProvider, stored: RootWrappedKey, at: RootDataKeyAad): Promise<Buffer> {
  return root.unwrap(stored.rootVersion, stored.wrapped, rootDataKeyAad(at));
}

/**
 * Seals one text field where it lives. `where.keyVersion` is the version of `dataKey`. Text is
 * encoded as UTF-8 (an unpaired surrogate becomes U+FFFD, as in any UTF-8 store).
 */
export function sealField(dataKey: Buffer, plaintext: string, where: FieldAad): Buffer {
  const bytes = Buffer.from(plaintext, 'utf8');
  try {
    return seal(dataKey, bytes, encodeFieldAad(where));
  } finally {
    bytes.fill(0);
  }
}

/** Throws DecryptionError when the key, the location or a byte differs from sealing. */
export function openField(dataKey: Buffer, ciphertext: Buffer, where: FieldAad): string {
  const bytes = open(dataKey, ciphertext, encodeFieldAad(where));
  try {
    return bytes.toString('utf8');
  } finally {
    bytes.fill(0);
  }
}

/**
 * Unwrapped keys kept in memory, least recently used out first, bounded in size. Destroying a key
 * must `evict` it here at once, otherwise this process could still read what was just shredded.
 *
 * The cache owns its buffers: `set` stores a copy and `get` hands out a copy, so zeroing an evicted
 * entry can never corrupt a key a caller is still using across an await.
 */
export class KeyCache {
  private readonly entries = new Map<string, Buffer>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('KeyCache needs room for at least one key');
  }

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): Buffer | undefined {
    const key = this.entries.get(id);
    if (!key) return undefined;
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    this.entries.delete(id);
    this.entries.set(id, key);
    return Buffer.from(key);
  }

  set(id: string, key: Buffer): void {
    this.drop(id);
    // Buffer.alloc is never carved from Node's shared pool, so the copy is ours alone to zero.
    const own = Buffer.alloc(key.length);
    key.copy(own);
    this.entries.set(id, own);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.drop(oldest);
    }
  }

  /** Drops one key; true if it was cached. */
  evict(id: string): boolean {
    return this.drop(id);
  }

  /** Drops every key whose id starts with `prefix` (all keys of an account); returns how many. */
  evictPrefix(prefix: string): number {
    let count = 0;
    for (const id of [...this.entries.keys()]) if (id.startsWith(prefix) && this.drop(id)) count++;
    return count;
  }

  clear(): void {
    for (const key of this.entries.values()) key.fill(0);
    this.entries.clear();
  }

  private drop(id: string): boolean {
    const key = this.entries.get(id);
    if (!key) return false;
    key.fill(0);
    return this.entries.delete(id);
  }
}
