import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { encodeAccountKeyAad, encodeDataKeyAad, encodeFieldAad } from '../../crypto/aad.js';
import { newKey, open, seal } from '../../crypto/aead.js';
import type { KeyProvider } from '../../crypto/key-provider.js';
import type { ContentCipher, ContentLocation, SealedField } from '../content/content-cipher.js';
import {
  accountKeyVersion,
  currentAccountKey,
  deleteAccountKeys,
  deleteDataKeys,
  deleteDataKeysOf,
  findDataKey,
  insertAccountKey,
  insertDataKey,
  notePendingCompaction,
  type Scope,
} from './keystore.repository.js';

/**
 * Envelope encryption at rest: root (KeyProvider) → account key → data key per conversation or
 * copy → AES-256-GCM per field. All keys are random; none is derived from another key and an id,
 * so destroying one really destroys it (crypto-shredding).
 *
 * When the keystore is its own database (KEYSTORE_URL), key rows are written there in their own
 * transactions: a key is created before the content that needs it, and destroyed right after the
 * content transaction marks the data deleted; a crash between the two leaves a key whose content is
 * already due for deletion, and the sweep's shredding pass destroys it.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

interface CachedKey {
  key: Buffer;
  expires: number;
}

export const accountKeyAad = (accountId: string, version: number) => encodeAccountKeyAad({ accountId, keyVersion: version });
export const dataKeyAad = (scope: Scope, version: number, accountId: string | null, accountKeyVersion: number | null) =>
  encodeDataKeyAad({ accountId, scope, keyVersion: version, accountKeyVersion });
export const fieldAad = (where: ContentLocation, keyVersion: number) =>
  encodeFieldAad({
    accountId: where.accountId,
    conversationId: where.keyScope.kind === 'conversation' ? where.keyScope.id : null,
    copyId: where.keyScope.kind === 'copy' ? where.keyScope.id : null,
    table: where.table,
    rowId: where.rowId,
    column: where.column,
    keyVersion,
  });

export interface KeystoreCipherDeps {
  /** A separate keystore database, or null to keep keys in the caller's transaction. */
  keystoreDb: Kysely<DB> | null;
  provider: KeyProvider;
  clock: Clock;
}

export class KeystoreCipher implements ContentCipher {
  /** Unwrapped keys kept briefly in memory; evicted at once when this process destroys them. */
  private readonly cache = new Map<string, CachedKey>();
  /** The newest version of each data key seen, so a cached "current" key carries its real version. */
  private readonly currentVersions = new Map<string, number>();

  constructor(private readonly deps: KeystoreCipherDeps) {}

  private exec(exec: Executor): Executor {
    return this.deps.keystoreDb ?? exec;
  }

  private remember(id: string, key: Buffer) {
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(id, { key, expires: this.deps.clock.now().getTime() + CACHE_TTL_MS });
  }

  private recall(id: string): Buffer | null {
    const hit = this.cache.get(id);
    if (!hit) return null;
    if (hit.expires <= this.deps.clock.now().getTime()) {
      this.cache.delete(id);
      return null;
    }
    return hit.key;
  }

  private forget(prefix: string) {
    for (const [id, entry] of this.cache) {
      if (id.startsWith(prefix)) {
        entry.key.fill(0);
        this.cache.delete(id);
      }
    }
    for (const id of this.currentVersions.keys()) if (`${id}:`.startsWith(prefix) || id.startsWith(prefix)) this.currentVersions.delete(id);
  }

  /** The account's current key, created on first use. */
  private async accountKey(exec: Executor, accountId: string, version: number | null): Promise<{ key: Buffer; version: number }> {
    if (version !== null) {
      const cached = this.recall(`a:${accountId}:${version}`);
      if (cached) return { key: cached, version };
    }
    let row = version === null ? await currentAccountKey(exec, accountId) : await accountKeyVersion(exec, accountId, version);
    if (!row) {
      if (version !== null) throw new Error('account key not found (destroyed or never created)');
      const key = newKey();
      const wrapped = await this.deps.provider.wrap(key, accountKeyAad(accountId, 1));
      await insertAccountKey(exec, { accountId, version: 1, rootVersion: wrapped.version, wrapped: wrapped.wrapped, at: this.deps.clock.now() });
      row = await currentAccountKey(exec, accountId);
      if (!row) throw new Error('account key could not be created');
    }
    const key = await this.deps.provider.unwrap(row.root_version, row.wrapped, accountKeyAad(accountId, row.version));
    this.remember(`a:${accountId}:${row.version}`, key);
    return { key, version: row.version };
  }

  /** The data key of a scope (a conversation or a copy), created on first use. */
  private async dataKey(exec: Executor, accountId: string | null, scope: Scope, version: number | null): Promise<{ key: Buffer; version: number }> {
    const cacheId = `d:${accountId ?? '-'}:${scope.kind}:${scope.id}`;
    if (version !== null) {
      const cached = this.recall(`${cacheId}:${version}`);
      if (cached) return { key: cached, version };
    } else {
      const current = this.currentVersions.get(cacheId);
      const cached = current === undefined ? null : this.recall(`${cacheId}:${current}`);
      if (cached) return { key: cached, version: current! };
    }
    let row = await findDataKey(exec, scope, version);
    if (!row) {
      if (version !== null) throw new Error('data key not found (destroyed or never created)');
      const key = newKey();
      if (accountId === null) {
        const wrapped = await this.deps.provider.wrap(key, dataKeyAad(scope, 1, null, null));
        await insertDataKey(exec, { scope, version: 1, accountId: null, accountKeyVersion: null, rootVersion: wrapped.version, wrapped: wrapped.wrapped, at: this.deps.clock.now() });
      } else {
        const account = await this.accountKey(exec, accountId, null);
        const wrapped = seal(account.key, key, dataKeyAad(scope, 1, accountId, account.version));
        await insertDataKey(exec, { scope, version: 1, accountId, accountKeyVersion: account.version, rootVersion: null, wrapped, at: this.deps.clock.now() });
      }
      row = await findDataKey(exec, scope, null);
      if (!row) throw new Error('data key could not be created');
    }
    if ((row.account_id ?? null) !== accountId) throw new Error('data key belongs to another owner');
    let key: Buffer;
    if (row.account_id === null) {
      key = await this.deps.provider.unwrap(row.root_version!, row.wrapped, dataKeyAad(scope, row.version, null, null));
    } else {
      const account = await this.accountKey(exec, row.account_id, row.account_key_version);
      key = open(account.key, row.wrapped, dataKeyAad(scope, row.version, row.account_id, row.account_key_version));
    }
    this.remember(`${cacheId}:${row.version}`, key);
    if (version === null) this.currentVersions.set(cacheId, row.version);
    return { key, version: row.version };
  }

  async seal(exec: Executor, where: ContentLocation, plaintext: string): Promise<SealedField> {
    const { key, version } = await this.dataKey(this.exec(exec), where.accountId, where.keyScope, null);
    return { ciphertext: seal(key, Buffer.from(plaintext, 'utf8'), fieldAad(where, version)), keyVersion: version };
  }

  async open(exec: Executor, where: ContentLocation, sealed: SealedField): Promise<string> {
    const { key } = await this.dataKey(this.exec(exec), where.accountId, where.keyScope, sealed.keyVersion);
    return open(key, sealed.ciphertext, fieldAad(where, sealed.keyVersion)).toString('utf8');
  }

  /** Creates the data key of a new scope now, so concurrent first writes never race to create it. */
  async prepareScope(exec: Executor, accountId: string | null, scope: Scope): Promise<void> {
    await this.dataKey(this.exec(exec), accountId, scope, null);
  }

  async destroyScopeKey(exec: Executor, accountId: string | null, scope: Scope): Promise<void> {
    const keys = this.exec(exec);
    await deleteDataKeys(keys, scope);
    await notePendingCompaction(keys, `data key ${scope.kind}`, this.deps.clock.now());
    this.forget(`d:${accountId ?? '-'}:${scope.kind}:${scope.id}:`);
  }

  /** destroyScopeKey for a whole sweep batch: one delete, one compaction note, one pass over the cache. */
  async destroyScopeKeys(exec: Executor, owned: readonly { accountId: string | null; scope: Scope }[]): Promise<void> {
    if (owned.length === 0) return;
    const keys = this.exec(exec);
    await deleteDataKeysOf(keys, owned.map((o) => o.scope), this.deps.clock.now());
    // Cache ids are `${scopeId}:${version}`; the same eviction as forget(), in one pass.
    const scopes = new Set(owned.map((o) => `d:${o.accountId ?? '-'}:${o.scope.kind}:${o.scope.id}`));
    for (const [id, entry] of this.cache) {
      if (scopes.has(id.slice(0, id.lastIndexOf(':')))) {
        entry.key.fill(0);
        this.cache.delete(id);
      }
    }
    for (const id of scopes) this.currentVersions.delete(id);
  }

  /**
   * Destroys the account key versions — the one step that makes every key under them useless, in
   * constant time. The wrapped data keys left behind open nothing without it; the sweep removes them.
   */
  async destroyAccountKey(exec: Executor, accountId: string): Promise<void> {
    const keys = this.exec(exec);
    await deleteAccountKeys(keys, accountId);
    await notePendingCompaction(keys, 'account key', this.deps.clock.now());
    this.forget(`a:${accountId}:`);
    this.forget(`d:${accountId}:`);
  }

  /** Drops every unwrapped key from memory (after a rotation, or when asked to). */
  clearCache() {
    for (const entry of this.cache.values()) entry.key.fill(0);
    this.cache.clear();
    this.currentVersions.clear();
  }
}
