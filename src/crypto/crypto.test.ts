import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, statSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecryptionError, encodeAad, newKey, open, seal } from './envelope.js';
import { fileKeyProvider, LocalKeyProvider, RootKeyError, rootKeysFromEnv } from './root-key.js';

describe('envelope', () => {
  it('round-trips and never repeats a nonce', () => {
    const key = newKey();
    const aad = encodeAad(['a', 1]);
    const a = seal(key, Buffer.from('hello'), aad);
    const b = seal(key, Buffer.from('hello'), aad);
    expect(a.equals(b)).toBe(false);
    expect(open(key, a, aad).toString()).toBe('hello');
  });

  it('refuses the wrong key, the wrong associated data and any changed byte, without echoing plaintext', () => {
    const key = newKey();
    const aad = encodeAad(['row', 'r1']);
    const sealed = seal(key, Buffer.from('SECRET-PLAINTEXT'), aad);
    expect(() => open(newKey(), sealed, aad)).toThrow(DecryptionError);
    expect(() => open(key, sealed, encodeAad(['row', 'r2']))).toThrow(DecryptionError);
    for (let i = 0; i < sealed.length; i++) {
      const tampered = Buffer.from(sealed);
      tampered[i]! ^= 0x01;
      try {
        open(key, tampered, aad);
        expect.unreachable(`byte ${i} change was accepted`);
      } catch (error) {
        expect(error).toBeInstanceOf(DecryptionError);
        expect((error as Error).message).not.toContain('SECRET');
      }
    }
  });

  it('associated data is unambiguous: every part and every boundary matters', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (a, b) => {
        const same = a.length === b.length && a.every((x, i) => x === b[i]);
        return same === encodeAad(a).equals(encodeAad(b));
      }),
    );
    expect(encodeAad(['ab', 'c']).equals(encodeAad(['a', 'bc']))).toBe(false);
  });

  it('keys are random: never the same twice', () => {
    const keys = new Set(Array.from({ length: 100 }, () => newKey().toString('hex')));
    expect(keys.size).toBe(100);
  });
});

describe('root key providers', () => {
  it('reads CUSTOS_ROOT_KEY and refuses a key that is not 32 bytes or not base64', () => {
    const key = newKey();
    expect(rootKeysFromEnv({ CUSTOS_ROOT_KEY: key.toString('base64') })!.get(1)!.equals(key)).toBe(true);
    expect(() => rootKeysFromEnv({ CUSTOS_ROOT_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => rootKeysFromEnv({ CUSTOS_ROOT_KEY: 'not base64!' })).toThrow(RootKeyError);
    const two = rootKeysFromEnv({ CUSTOS_ROOT_KEYS: `1:${newKey().toString('base64')},2:${newKey().toString('base64')}` })!;
    expect(new LocalKeyProvider(two).currentVersion()).toBe(2);
    expect(rootKeysFromEnv({})).toBeNull();
  });

  it('creates the key file with mode 0600 and refuses one that others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-root-'));
    const path = join(dir, 'keys', 'root.json');
    const provider = fileKeyProvider(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const wrapped = provider.wrap(Buffer.from('k'.repeat(32)), Buffer.from('aad'));
    expect(fileKeyProvider(path).unwrap(wrapped.version, wrapped.wrapped, Buffer.from('aad')).toString()).toBe('k'.repeat(32));
    chmodSync(path, 0o644);
    expect(() => fileKeyProvider(path)).toThrow(/readable by others/);
  });

  it('rotation keeps old wraps readable until their version is retired, then they open nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-root-'));
    const path = join(dir, 'root.json');
    const provider = fileKeyProvider(path);
    const aad = Buffer.from('account-1');
    const old = provider.wrap(newKey(), aad);
    expect(provider.rotate()).toBe(2);
    expect(JSON.parse(readFileSync(path, 'utf8')).versions).toHaveProperty('2');
    expect(() => provider.unwrap(old.version, old.wrapped, aad)).not.toThrow();
    provider.retire(1);
    expect(() => provider.unwrap(old.version, old.wrapped, aad)).toThrow(/retired or unknown/);
    expect(() => fileKeyProvider(path).unwrap(old.version, old.wrapped, aad)).toThrow(/retired or unknown/);
    expect(() => provider.retire(2)).toThrow(/current/);
    writeFileSync(join(dir, 'unused'), '');
  });
});
