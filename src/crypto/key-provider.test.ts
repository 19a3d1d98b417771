import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DecryptionError } from './aead.js';
import { LocalKeyProvider, RootKeyError, rootKeysFromEnv, type RootKeyErrorCode } from './key-provider.js';
import { newAccountKey, unwrapAccountKey, wrapAccountKey } from './key-hierarchy.js';

const aad = Buffer.from('account acc-1, key version 1');
const b64 = (n: number) => randomBytes(n).toString('base64');

async function rootKeyError(promise: Promise<unknown> | (() => unknown), code: RootKeyErrorCode): Promise<RootKeyError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(RootKeyError);
    expect((error as RootKeyError).code).toBe(code);
    return error as RootKeyError;
  }
  throw new Error(`expected RootKeyError ${code}`);
}

describe('LocalKeyProvider from the environment', () => {
  it('reads CUSTOS_ROOT_KEY as version 1', async () => {
    const value = b64(32);
    const provider = LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEY: value })!;
    expect(provider.source).toBe('env');
    expect(await provider.currentVersion()).toBe(1);
    expect(await provider.versions()).toEqual([1]);
    const key = newAccountKey();
    const { version, wrapped } = await provider.wrap(key, aad);
    expect(version).toBe(1);
    // The same variable in another process unwraps it.
    const again = LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEY: `  ${value}\n` })!;
    expect((await again.unwrap(1, wrapped, aad)).equals(key)).toBe(true);
  });

  it('reads several versions from CUSTOS_ROOT_KEYS and wraps under the highest', async () => {
    const v1 = b64(32);
    const old = LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEY: v1 })!;
    const key = newAccountKey();
    const underV1 = await old.wrap(key, aad);

    const rotated = LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEYS: `1:${v1}, 2:${b64(32)}` })!;
    expect(await rotated.versions()).toEqual([1, 2]);
    expect(await rotated.currentVersion()).toBe(2);
    expect((await rotated.wrap(key, aad)).version).toBe(2);
    expect((await rotated.unwrap(1, underV1.wrapped, aad)).equals(key)).toBe(true);
  });

  it('returns null when no root key is configured', () => {
    expect(LocalKeyProvider.fromEnv({})).toBeNull();
    expect(rootKeysFromEnv({ CUSTOS_ROOT_KEY: '   ' })).toBeNull();
  });

  it('refuses a key that is not exactly 32 bytes, without echoing it', async () => {
    for (const n of [16, 31, 33, 64]) {
      const value = b64(n);
      const error = await rootKeyError(() => LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEY: value }), 'invalid_root_key');
      expect(error.message).toContain(`exactly 32 bytes, got ${n}`);
      expect(error.message).toContain('CUSTOS_ROOT_KEY');
      expect(error.message).not.toContain(value);
    }
  });

  it('refuses a value that is not base64, without echoing it', async () => {
    for (const value of ['not base64 at all!!', `${b64(32).slice(0, 40)}$$$$`, 'hunter2-hunter2-hunter2-hunter2-hunter2-hunt']) {
      const error = await rootKeyError(() => LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEY: value }), 'invalid_root_key');
      expect(error.message).toMatch(/not valid base64/);
      expect(error.message).not.toContain(value);
    }
  });

  it('refuses malformed CUSTOS_ROOT_KEYS and setting both variables', async () => {
    const good = b64(32);
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEYS: good }), 'invalid_root_key');
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEYS: `0:${good}` }), 'invalid_root_key');
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEYS: `x:${good}` }), 'invalid_root_key');
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEYS: `1:${good},1:${b64(32)}` }), 'invalid_root_key');
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEYS: `1:${good},2:${b64(8)}` }), 'invalid_root_key');
    await rootKeyError(() => rootKeysFromEnv({ CUSTOS_ROOT_KEY: good, CUSTOS_ROOT_KEYS: `1:${good}` }), 'invalid_root_key');
  });

  it('cannot rotate in place: rotation is a change of the variable', async () => {
    const provider = LocalKeyProvider.fromEnv({ CUSTOS_ROOT_KEYS: `1:${b64(32)},2:${b64(32)}` })!;
    await rootKeyError(provider.addVersion(), 'not_rotatable');
    await rootKeyError(provider.retireVersion(1), 'not_rotatable');
  });
});

describe('LocalKeyProvider wraps', () => {
  it('binds the caller’s associated data and the root version', async () => {
    const provider = LocalKeyProvider.generate();
    await provider.addVersion();
    const key = newAccountKey();
    const { version, wrapped } = await provider.wrap(key, aad);
    expect(version).toBe(2);
    await expect(provider.unwrap(2, wrapped, Buffer.from('account acc-2, key version 1'))).rejects.toBeInstanceOf(DecryptionError);
    await expect(provider.unwrap(1, wrapped, aad)).rejects.toBeInstanceOf(DecryptionError);
    expect((await provider.unwrap(2, wrapped, aad)).equals(key)).toBe(true);
  });

  it('wraps only 32-byte keys', async () => {
    await expect(LocalKeyProvider.generate().wrap(Buffer.alloc(16), aad)).rejects.toThrow(RangeError);
  });

  it('refuses an empty or malformed set of versions', async () => {
    await rootKeyError(() => LocalKeyProvider.fromKeys(new Map()), 'invalid_root_key');
    await rootKeyError(() => LocalKeyProvider.fromKeys(new Map([[1, Buffer.alloc(16)]])), 'invalid_root_key');
    await rootKeyError(() => LocalKeyProvider.fromKeys(new Map([[0, randomBytes(32)]])), 'invalid_root_key');
  });

  it('rotates in memory: v1 data unwraps until v1 is retired, the current version cannot be retired', async () => {
    const provider = LocalKeyProvider.generate();
    const key = newAccountKey();
    const underV1 = await provider.wrap(key, aad);
    expect(await provider.addVersion()).toBe(2);
    expect((await provider.unwrap(1, underV1.wrapped, aad)).equals(key)).toBe(true);
    await rootKeyError(provider.retireVersion(2), 'current_version');
    await provider.retireVersion(1);
    expect(await provider.versions()).toEqual([2]);
    await rootKeyError(provider.unwrap(1, underV1.wrapped, aad), 'unknown_root_version');
    await rootKeyError(provider.retireVersion(1), 'unknown_root_version');
  });
});

describe('LocalKeyProvider from a key file (embedded mode)', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'custos-keys-'));
    path = join(dir, 'keys', 'root-keys.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (p: string) => statSync(p).mode & 0o777;
  const fileVersions = () => Object.keys((JSON.parse(readFileSync(path, 'utf8')) as { keys: Record<string, string> }).keys).map(Number);

  it('creates the file on first start with mode 0600 and reads the same key afterwards', async () => {
    const first = LocalKeyProvider.openKeyFile(path);
    expect(first.source).toBe('file');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(dir, 'keys'))).toBe(0o700);
    expect(fileVersions()).toEqual([1]);
    const key = newAccountKey();
    const stored = await wrapAccountKey(first, key, { accountId: 'acc-1', keyVersion: 1 });
    const restarted = LocalKeyProvider.openKeyFile(path);
    expect((await unwrapAccountKey(restarted, stored, { accountId: 'acc-1', keyVersion: 1 })).equals(key)).toBe(true);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['root-keys.json']);
  });

  it('refuses a key file readable by group or others', async () => {
    LocalKeyProvider.openKeyFile(path);
    for (const insecure of [0o644, 0o640, 0o604, 0o620]) {
      chmodSync(path, insecure);
      const error = await rootKeyError(() => LocalKeyProvider.openKeyFile(path), 'key_file_insecure');
      expect(error.message).toContain(insecure.toString(8));
      expect(error.message).toContain(`chmod 600 ${path}`);
    }
    chmodSync(path, 0o400);
    expect(() => LocalKeyProvider.openKeyFile(path)).not.toThrow();
  });

  it('refuses a key file inside the database directory', async () => {
    const databaseDir = join(dir, 'data');
    await rootKeyError(() => LocalKeyProvider.openKeyFile(join(databaseDir, 'root-keys.json'), { databaseDir }), 'key_file_location');
    await rootKeyError(() => LocalKeyProvider.openKeyFile(join(databaseDir, 'sub', 'k.json'), { databaseDir }), 'key_file_location');
    expect(LocalKeyProvider.openKeyFile(join(dir, 'data-keys.json'), { databaseDir }).source).toBe('file');
  });

  it('refuses a damaged key file with a clear error', async () => {
    LocalKeyProvider.openKeyFile(path);
    writeFileSync(path, '{ not json', { mode: 0o600 });
    await rootKeyError(() => LocalKeyProvider.openKeyFile(path), 'key_file_invalid');
    writeFileSync(path, JSON.stringify({ format: 'custos-root-keys/1', keys: { 1: b64(16) } }), { mode: 0o600 });
    await rootKeyError(() => LocalKeyProvider.openKeyFile(path), 'invalid_root_key');
    writeFileSync(path, JSON.stringify({ format: 'something-else', keys: {} }), { mode: 0o600 });
    await rootKeyError(() => LocalKeyProvider.openKeyFile(path), 'key_file_invalid');
  });

  it('rotates: a new version is written atomically; v1 data unwraps until v1 is retired, then fails clearly', async () => {
    const provider = LocalKeyProvider.openKeyFile(path);
    const key = newAccountKey();
    const underV1 = await wrapAccountKey(provider, key, { accountId: 'acc-1', keyVersion: 1 });
    expect(underV1.rootVersion).toBe(1);

    expect(await provider.addVersion()).toBe(2);
    expect(await provider.currentVersion()).toBe(2);
    expect(fileVersions()).toEqual([1, 2]);
    expect(mode(path)).toBe(0o600);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['root-keys.json']); // no temp or lock file left
    expect((await wrapAccountKey(provider, newAccountKey(), { accountId: 'acc-2', keyVersion: 1 })).rootVersion).toBe(2);
    expect((await unwrapAccountKey(provider, underV1, { accountId: 'acc-1', keyVersion: 1 })).equals(key)).toBe(true);
    // A restart sees both versions.
    const restarted = LocalKeyProvider.openKeyFile(path);
    expect((await unwrapAccountKey(restarted, underV1, { accountId: 'acc-1', keyVersion: 1 })).equals(key)).toBe(true);

    // Re-wrap under the current version, then retire v1.
    const rewrapped = await wrapAccountKey(provider, key, { accountId: 'acc-1', keyVersion: 1 });
    await provider.retireVersion(1);
    expect(fileVersions()).toEqual([2]);
    expect(mode(path)).toBe(0o600);
    const error = await rootKeyError(unwrapAccountKey(provider, underV1, { accountId: 'acc-1', keyVersion: 1 }), 'unknown_root_version');
    expect(error.message).toBe('root key version 1 is retired or unknown: keys wrapped under it can no longer be unwrapped');
    await rootKeyError(unwrapAccountKey(LocalKeyProvider.openKeyFile(path), underV1, { accountId: 'acc-1', keyVersion: 1 }), 'unknown_root_version');
    expect((await unwrapAccountKey(LocalKeyProvider.openKeyFile(path), rewrapped, { accountId: 'acc-1', keyVersion: 1 })).equals(key)).toBe(true);

    await rootKeyError(provider.retireVersion(2), 'current_version');
    expect(await provider.addVersion()).toBe(3); // a retired number is never reused
  });

  it('picks up a rotation made by another process', async () => {
    const server = LocalKeyProvider.openKeyFile(path);
    const cli = LocalKeyProvider.openKeyFile(path);
    expect(await cli.addVersion()).toBe(2);
    const key = newAccountKey();
    const wrapped = await cli.wrap(key, aad);
    expect(wrapped.version).toBe(2);
    expect((await server.unwrap(2, wrapped.wrapped, aad)).equals(key)).toBe(true);
    expect(await server.currentVersion()).toBe(2);
    // And the next rotation from the first process does not lose the other's version.
    expect(await server.addVersion()).toBe(3);
    expect(fileVersions()).toEqual([1, 2, 3]);
  });

  it('refuses to rotate while another rotation holds the lock', async () => {
    const provider = LocalKeyProvider.openKeyFile(path);
    writeFileSync(`${path}.lock`, '', { mode: 0o600 });
    const error = await rootKeyError(provider.addVersion(), 'key_file_busy');
    expect(error.message).toContain(`${path}.lock`);
    expect(fileVersions()).toEqual([1]);
  });

  it('never writes key material into an error message', async () => {
    LocalKeyProvider.openKeyFile(path);
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { keys: Record<string, string> };
    chmodSync(path, 0o644);
    const error = await rootKeyError(() => LocalKeyProvider.openKeyFile(path), 'key_file_insecure');
    expect(error.message).not.toContain(stored.keys['1']!);
  });
});
