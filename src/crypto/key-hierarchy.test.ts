import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecryptionError } from './aead.js';
import type { FieldAad } from './aad.js';
import { LocalKeyProvider } from './key-provider.js';
import {
  KeyCache,
  newAccountKey,
  newDataKey,
  openField,
  sealField,
  unwrapAccountKey,
  unwrapDataKey,
  unwrapDataKeyUnderRoot,
  wrapAccountKey,
  wrapDataKey,
  wrapDataKeyUnderRoot,
  type AccountDataKeyAad,
} from './key-hierarchy.js';

const where: FieldAad = {
  accountId: 'acc-1',
  conversationId: 'conv-1',
  table: 'messages',
  rowId: 'msg-1',
  column: 'content',
  keyVersion: 1,
};

describe('keys are random, never derived', () => {
  it('makes 32-byte keys that never repeat', () => {
    const keys = Array.from({ length: 2000 }, (_, i) => (i % 2 ? newDataKey() : newAccountKey()));
    expect(keys.every((k) => k.length === 32)).toBe(true);
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(keys.length);
  });

  it('gives two accounts unrelated keys, and the same account a different key each time it is created', async () => {
    const root = LocalKeyProvider.generate();
    const a = newAccountKey();
    const b = newAccountKey();
    const aAgain = newAccountKey();
    expect(a.equals(b)).toBe(false);
    // Not a function of the account id: re-creating the key for the same account does not give it back.
    expect(a.equals(aAgain)).toBe(false);
    // No bytes in common beyond chance (a derived pair would share structure, e.g. an XOR of ids).
    const same = [...a].filter((byte, i) => byte === b[i]).length;
    expect(same).toBeLessThan(8);
    // A's wrapped key cannot be passed off as B's.
    const wrappedA = await wrapAccountKey(root, a, { accountId: 'A', keyVersion: 1 });
    await expect(unwrapAccountKey(root, wrappedA, { accountId: 'B', keyVersion: 1 })).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe('account keys under the root', () => {
  it('round-trips and binds the account id and the key version', async () => {
    const root = LocalKeyProvider.generate();
    const key = newAccountKey();
    const stored = await wrapAccountKey(root, key, { accountId: 'acc-1', keyVersion: 3 });
    expect(stored.rootVersion).toBe(1);
    expect(stored.wrapped.includes(key)).toBe(false);
    expect((await unwrapAccountKey(root, stored, { accountId: 'acc-1', keyVersion: 3 })).equals(key)).toBe(true);
    await expect(unwrapAccountKey(root, stored, { accountId: 'acc-2', keyVersion: 3 })).rejects.toBeInstanceOf(DecryptionError);
    await expect(unwrapAccountKey(root, stored, { accountId: 'acc-1', keyVersion: 2 })).rejects.toBeInstanceOf(DecryptionError);
  });

  it('does not unwrap under another root', async () => {
    const stored = await wrapAccountKey(LocalKeyProvider.generate(), newAccountKey(), { accountId: 'acc-1', keyVersion: 1 });
    await expect(unwrapAccountKey(LocalKeyProvider.generate(), stored, { accountId: 'acc-1', keyVersion: 1 })).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe('data keys under an account key', () => {
  const at: AccountDataKeyAad = { accountId: 'acc-1', accountKeyVersion: 1, scope: { kind: 'conversation', id: 'conv-1' }, keyVersion: 1 };

  it('round-trips', () => {
    const accountKey = newAccountKey();
    const dataKey = newDataKey();
    expect(unwrapDataKey(accountKey, wrapDataKey(accountKey, dataKey, at), at).equals(dataKey)).toBe(true);
  });

  it('binds every part of where the data key belongs', () => {
    const accountKey = newAccountKey();
    const wrapped = wrapDataKey(accountKey, newDataKey(), at);
    const elsewhere: AccountDataKeyAad[] = [
      { ...at, accountId: 'acc-2' },
      { ...at, accountKeyVersion: 2 },
      { ...at, keyVersion: 2 },
      { ...at, scope: { kind: 'copy', id: 'conv-1' } },
      { ...at, scope: { kind: 'conversation', id: 'conv-2' } },
    ];
    for (const other of elsewhere) expect(() => unwrapDataKey(accountKey, wrapped, other)).toThrow(DecryptionError);
    expect(() => unwrapDataKey(newAccountKey(), wrapped, at)).toThrow(DecryptionError);
  });

  it('is shredded with its account key: nothing else opens it', () => {
    const accountKey = newAccountKey();
    const dataKey = newDataKey();
    const wrapped = wrapDataKey(accountKey, dataKey, at);
    const sealed = sealField(dataKey, 'hello', where);
    // A new account key for the same account (what re-creating it would give) opens nothing old.
    expect(() => unwrapDataKey(newAccountKey(), wrapped, at)).toThrow(DecryptionError);
    expect(() => openField(newDataKey(), sealed, where)).toThrow(DecryptionError);
  });
});

describe('data keys of de-identified copies under the root', () => {
  it('round-trips and cannot be presented as another copy', async () => {
    const root = LocalKeyProvider.generate();
    const dataKey = newDataKey();
    const stored = await wrapDataKeyUnderRoot(root, dataKey, { scope: { kind: 'copy', id: 'rec-1' }, keyVersion: 1 });
    expect((await unwrapDataKeyUnderRoot(root, stored, { scope: { kind: 'copy', id: 'rec-1' }, keyVersion: 1 })).equals(dataKey)).toBe(true);
    await expect(unwrapDataKeyUnderRoot(root, stored, { scope: { kind: 'copy', id: 'rec-2' }, keyVersion: 1 })).rejects.toBeInstanceOf(DecryptionError);
    // Nor as an account key: the domains differ.
    await expect(unwrapAccountKey(root, stored, { accountId: 'rec-1', keyVersion: 1 })).rejects.toBeInstanceOf(DecryptionError);
  });
});

describe('sealed fields', () => {
  it('round-trips any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const key = newDataKey();
        expect(openField(key, sealField(key, text, where), where)).toBe(text);
      }),
    );
  });

  it('does not open when the ciphertext is moved to another row', () => {
    const key = newDataKey();
    const sealed = sealField(key, 'my medical question', where);
    expect(() => openField(key, sealed, { ...where, rowId: 'msg-2' })).toThrow(DecryptionError);
  });

  it('does not open when any single component of its location differs (table, row, account, conversation, copy, column, key version)', () => {
    const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 });
    const location: fc.Arbitrary<FieldAad> = fc.record({
      accountId: fc.option(text, { nil: null }),
      conversationId: fc.option(text, { nil: null }),
      copyId: fc.option(text, { nil: null }),
      table: text,
      rowId: text,
      column: fc.option(text, { nil: null }),
      keyVersion: fc.integer({ min: 1, max: 1000 }),
    });
    const component = fc.constantFrom<keyof FieldAad>('accountId', 'conversationId', 'copyId', 'table', 'rowId', 'column', 'keyVersion');
    fc.assert(
      fc.property(location, component, text, (at, field, replacement) => {
        const key = newDataKey();
        const sealed = sealField(key, 'content', at);
        const moved: FieldAad = { ...at };
        if (field === 'keyVersion') moved.keyVersion = at.keyVersion + 1;
        else moved[field] = at[field] === replacement ? `${replacement}!` : replacement;
        expect(openField(key, sealed, at)).toBe('content');
        expect(() => openField(key, sealed, moved)).toThrow(DecryptionError);
      }),
      { numRuns: 500 },
    );
  });

  it('does not open a ciphertext that claims to have been sealed by another key version', () => {
    const v1 = newDataKey();
    const sealed = sealField(v1, 'text', { ...where, keyVersion: 1 });
    expect(() => openField(v1, sealed, { ...where, keyVersion: 2 })).toThrow(DecryptionError);
  });

  it('makes a full chain root → account → data → field that opens only with every link intact', async () => {
    const root = LocalKeyProvider.generate();
    const accountKey = newAccountKey();
    const storedAccount = await wrapAccountKey(root, accountKey, { accountId: 'acc-1', keyVersion: 1 });
    const dataKey = newDataKey();
    const dataAt: AccountDataKeyAad = { accountId: 'acc-1', accountKeyVersion: 1, scope: { kind: 'conversation', id: 'conv-1' }, keyVersion: 1 };
    const storedData = wrapDataKey(accountKey, dataKey, dataAt);
    const sealed = sealField(dataKey, 'bonjour', where);

    const account = await unwrapAccountKey(root, storedAccount, { accountId: 'acc-1', keyVersion: 1 });
    const data = unwrapDataKey(account, storedData, dataAt);
    expect(openField(data, sealed, where)).toBe('bonjour');
  });
});

describe('KeyCache', () => {
  const key = (n: number) => Buffer.alloc(32, n);

  it('stays within its bound, dropping the least recently used key first', () => {
    const cache = new KeyCache(2);
    cache.set('a', key(1));
    cache.set('b', key(2));
    expect(cache.get('a')?.equals(key(1))).toBe(true); // a is now the most recent
    cache.set('c', key(3));
    expect(cache.size).toBe(2);
    expect(cache.has('b')).toBe(false);
    expect(cache.get('a')?.equals(key(1))).toBe(true);
    expect(cache.get('c')?.equals(key(3))).toBe(true);
  });

  it('replaces an entry without growing', () => {
    const cache = new KeyCache(2);
    cache.set('a', key(1));
    cache.set('a', key(9));
    expect(cache.size).toBe(1);
    expect(cache.get('a')?.equals(key(9))).toBe(true);
  });

  it('evicts a destroyed key at once', () => {
    const cache = new KeyCache(10);
    cache.set('d:conv-1:1', key(1));
    expect(cache.evict('d:conv-1:1')).toBe(true);
    expect(cache.get('d:conv-1:1')).toBeUndefined();
    expect(cache.evict('d:conv-1:1')).toBe(false);
  });

  it('evicts every key of an account by prefix', () => {
    const cache = new KeyCache(10);
    cache.set('acc-1/a/1', key(1));
    cache.set('acc-1/d/conv-1/1', key(2));
    cache.set('acc-2/a/1', key(3));
    expect(cache.evictPrefix('acc-1/')).toBe(2);
    expect(cache.size).toBe(1);
    expect(cache.has('acc-2/a/1')).toBe(true);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('owns its copies: neither the caller’s buffer nor a handed-out copy can change or zero a cached key', () => {
    const cache = new KeyCache(2);
    const original = key(7);
    cache.set('a', original);
    original.fill(0);
    const handed = cache.get('a')!;
    expect(handed.equals(key(7))).toBe(true);
    handed.fill(0);
    expect(cache.get('a')?.equals(key(7))).toBe(true);
    // Evicting zeroes the cache's copy, not what a caller is still holding.
    const held = cache.get('a')!;
    cache.evict('a');
    expect(held.equals(key(7))).toBe(true);
  });

  it('needs room for at least one key', () => {
    expect(() => new KeyCache(0)).toThrow(RangeError);
  });
});
