import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { KEY_BYTES, newKey, open, seal } from './aead.js';
import { encodeAadParts } from './aad.js';

/**
 * The ROOT of the key hierarchy, behind an interface so that a KMS or an HSM can hold it.
 *
 *   root (this provider) → account key (random, wrapped by the root) → data key per conversation or
 *   copy (random, wrapped by the account key) → AES-256-GCM per field
 *
 * The root only ever wraps and unwraps account keys (and the data keys of de-identified copies,
 * which belong to no account); it never sees content.
 *
 * How a KMS-backed provider implements it (see docs/kms.md for the full walk-through):
 *   - `wrap(plainKey, aad)` is one KMS Encrypt call (AWS KMS `Encrypt`, GCP `encrypt`, Azure Key
 *     Vault `wrapKey`, Vault Transit `encrypt`) with the caller's `aad` as the encryption context /
 *     additional authenticated data; the result's key version is the `version` returned. The root
 *     key never leaves the KMS: only 32-byte account keys travel to it and back.
 *   - `unwrap(version, wrapped, aad)` is one KMS Decrypt call with the same `aad`. A KMS that
 *     records the key version inside its ciphertext may ignore `version`; one that does not uses it
 *     to pick the key version.
 *   - `currentVersion()` / `versions()` read the KMS key's primary and enabled versions.
 *   - Rotation is done in the KMS (new primary version); retiring disables or schedules destruction
 *     of an old version once nothing is wrapped under it any more. Retiring is the KMS's
 *     crypto-shredding of the root itself.
 * Every unwrapped account key is cached briefly by the caller (see KeyCache), so the KMS sees one
 * call per account per cache lifetime, not one per message.
 */
export interface WrappedKey {
  /** The root key version that wrapped it; needed to unwrap it. */
  version: number;
  wrapped: Buffer;
}

export interface KeyProvider {
  /** The root version new wraps use. */
  currentVersion(): Promise<number>;
  /** Every root version that can still unwrap, ascending. */
  versions(): Promise<number[]>;
  wrap(plainKey: Buffer, aad: Buffer): Promise<WrappedKey>;
  /** Throws RootKeyError('unknown_root_version') for a retired version, DecryptionError for a wrong aad or a damaged blob. */
  unwrap(version: number, wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}

/** A provider whose versions Custos manages itself (a KMS rotates in the KMS instead). */
export interface RotatableKeyProvider extends KeyProvider {
  /** Adds a new root version and makes it current. Returns the new version. */
  addVersion(): Promise<number>;
  /** Forgets a version for good: whatever is still wrapped under it never opens again. */
  retireVersion(version: number): Promise<void>;
}

export type RootKeyErrorCode =
  | 'invalid_root_key'
  | 'unknown_root_version'
  | 'current_version'
  | 'not_rotatable'
  | 'key_file_insecure'
  | 'key_file_invalid'
  | 'key_file_location'
  | 'key_file_busy';

/** Misconfiguration or misuse of the root. Messages name files and versions, never key bytes. */
export class RootKeyError extends Error {
  readonly code: RootKeyErrorCode;

  constructor(code: RootKeyErrorCode, message: string) {
    super(message);
    this.name = 'RootKeyError';
    this.code = code;
  }
}

const MAX_VERSION = 0xffff_ffff;

/** The root version is bound into the wrap, so a blob cannot be presented as another version's. */
const rootWrapAad = (version: number, aad: Buffer) => Buffer.concat([encodeAadParts('custos/root-wrap', [version]), aad]);

export type KeySource = 'memory' | 'env' | 'file';

/**
 * Root key versions held in this process's memory: from the environment, from a key file
 * (embedded mode), or generated (tests). The current version is the highest one, so versions only
 * ever grow and a retired number is never reused.
 */
export class LocalKeyProvider implements RotatableKeyProvider {
  private keys = new Map<number, Buffer>();

  private constructor(
    keys: ReadonlyMap<number, Buffer>,
    readonly source: KeySource,
    private readonly file: KeyFile | null,
  ) {
    this.replaceKeys(keys);
  }

  /** An in-memory provider over the given versions (copied). */
  static fromKeys(keys: ReadonlyMap<number, Buffer>): LocalKeyProvider {
    return new LocalKeyProvider(keys, 'memory', null);
  }

  /** An in-memory provider with one fresh random version 1. */
  static generate(): LocalKeyProvider {
    return new LocalKeyProvider(new Map([[1, newKey()]]), 'memory', null);
  }

  /**
   * `CUSTOS_ROOT_KEY=<base64 of 32 bytes>` (version 1) or `CUSTOS_ROOT_KEYS=1:<base64>,2:<base64>`.
   * Returns null when neither is set. Rotating means changing the variable and restarting, so
   * addVersion/retireVersion refuse.
   */
  static fromEnv(env: NodeJS.ProcessEnv): LocalKeyProvider | null {
    const keys = rootKeysFromEnv(env);
    return keys ? new LocalKeyProvider(keys, 'env', null) : null;
  }

  /**
   * Embedded mode: the root keys live in a JSON file created on first start with mode 0600. It
   * must sit outside the database directory so that a copy of the database carries no key; pass
   * `databaseDir` to have that checked. A file readable or writable by group or others is refused.
   */
  static openKeyFile(path: string, options: { databaseDir?: string } = {}): LocalKeyProvider {
    const file = new KeyFile(resolve(path));
    if (options.databaseDir !== undefined) file.assertOutside(options.databaseDir);
    file.createIfMissing();
    return new LocalKeyProvider(file.read(), 'file', file);
  }

  async currentVersion(): Promise<number> {
    return this.current();
  }

  async versions(): Promise<number[]> {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  async wrap(plainKey: Buffer, aad: Buffer): Promise<WrappedKey> {
    if (plainKey.length !== KEY_BYTES) throw new RangeError(`only ${KEY_BYTES}-byte keys are wrapped`);
    const version = this.current();
    return { version, wrapped: seal(this.keys.get(version)!, plainKey, rootWrapAad(version, aad)) };
  }

  async unwrap(version: number, wrapped: Buffer, aad: Buffer): Promise<Buffer> {
    let key = this.keys.get(version);
    if (!key && this.file) {
      // Another process (the CLI) may have rotated the file since this one read it.
      this.replaceKeys(this.file.read());
      key = this.keys.get(version);
    }
    if (!key) {
      throw new RootKeyError(
        'unknown_root_version',
        `root key version ${version} is retired or unknown: keys wrapped under it can no longer be unwrapped`,
      );
    }
    return open(key, wrapped, rootWrapAad(version, aad));
  }

  async addVersion(): Promise<number> {
    if (!this.file) {
      this.assertRotatable();
      const version = this.current() + 1;
      this.keys.set(version, newKey());
      return version;
    }
    const { result, keys } = this.file.update((keys) => {
      const version = Math.max(...keys.keys(), this.current()) + 1;
      if (version > MAX_VERSION) throw new RootKeyError('invalid_root_key', 'root key versions are exhausted');
      keys.set(version, newKey());
      return version;
    });
    this.replaceKeys(keys);
    return result;
  }

  async retireVersion(version: number): Promise<void> {
    const retire = (keys: Map<number, Buffer>) => {
      if (!keys.has(version)) throw new RootKeyError('unknown_root_version', `root key version ${version} does not exist`);
      if (version === Math.max(...keys.keys())) {
        throw new RootKeyError('current_version', `root key version ${version} is current; add a new version and re-wrap before retiring it`);
      }
      keys.delete(version);
    };
    if (!this.file) {
      this.assertRotatable();
      const key = this.keys.get(version);
      retire(this.keys);
      key?.fill(0);
      return;
    }
    const { keys } = this.file.update(retire);
    this.replaceKeys(keys);
  }

  /** Re-reads the key file (embedded mode), picking up rotations made by another process. */
  async reload(): Promise<void> {
    if (this.file) this.replaceKeys(this.file.read());
  }

  private current(): number {
    return Math.max(...this.keys.keys());
  }

  private assertRotatable(): void {
    if (this.source === 'env') {
      throw new RootKeyError('not_rotatable', 'root keys from the environment are rotated by changing CUSTOS_ROOT_KEYS and restarting');
    }
  }

  private replaceKeys(next: ReadonlyMap<number, Buffer>): void {
    if (next.size === 0) throw new RootKeyError('invalid_root_key', 'no root key version');
    const keys = new Map<number, Buffer>();
    for (const [version, key] of next) {
      if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) {
        throw new RootKeyError('invalid_root_key', `root key version ${String(version)} is not a positive integer`);
      }
      if (key.length !== KEY_BYTES) {
        throw new RootKeyError('invalid_root_key', `root key version ${version} must be exactly ${KEY_BYTES} bytes, got ${key.length}`);
      }
      keys.set(version, Buffer.from(key));
    }
    for (const [version, old] of this.keys) if (!keys.has(version)) old.fill(0);
    this.keys = keys;
  }
}

const GENERATE_HINT = 'generate one with: openssl rand -base64 32';

/** Strict base64 of exactly 32 bytes. The error names the variable, never its value. */
export function decodeRootKey(text: string, label: string): Buffer {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  // Node's decoder skips characters it does not know; re-encoding catches them.
  if (trimmed === '' || bytes.toString('base64').replace(/=+$/, '') !== trimmed.replace(/=+$/, '')) {
    throw new RootKeyError('invalid_root_key', `${label} is not valid base64 (${GENERATE_HINT})`);
  }
  if (bytes.length !== KEY_BYTES) {
    throw new RootKeyError('invalid_root_key', `${label} must decode to exactly ${KEY_BYTES} bytes, got ${bytes.length} (${GENERATE_HINT})`);
  }
  return bytes;
}

function parseVersion(text: string, label: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > MAX_VERSION) {
    throw new RootKeyError('invalid_root_key', `${label}: "${text}" is not a valid key version (a positive integer)`);
  }
  return Number(text);
}

/** Reads `CUSTOS_ROOT_KEY` or `CUSTOS_ROOT_KEYS`; null when neither is set. */
export function rootKeysFromEnv(env: NodeJS.ProcessEnv): Map<number, Buffer> | null {
  const one = env.CUSTOS_ROOT_KEY?.trim() || undefined;
  const many = env.CUSTOS_ROOT_KEYS?.trim() || undefined;
  if (one && many) throw new RootKeyError('invalid_root_key', 'set CUSTOS_ROOT_KEY or CUSTOS_ROOT_KEYS, not both');
  if (one) return new Map([[1, decodeRootKey(one, 'CUSTOS_ROOT_KEY')]]);
  if (!many) return null;
  const keys = new Map<number, Buffer>();
  for (const entry of many.split(',')) {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new RootKeyError('invalid_root_key', 'CUSTOS_ROOT_KEYS must look like 1:<base64>,2:<base64>');
    const version = parseVersion(entry.slice(0, colon).trim(), 'CUSTOS_ROOT_KEYS');
    if (keys.has(version)) throw new RootKeyError('invalid_root_key', `CUSTOS_ROOT_KEYS names version ${version} twice`);
    keys.set(version, decodeRootKey(entry.slice(colon + 1), `CUSTOS_ROOT_KEYS version ${version}`));
  }
  return keys;
}

const KEY_FILE_FORMAT = 'custos-root-keys/1';

interface KeyFileBody {
  format: typeof KEY_FILE_FORMAT;
  /** version → base64 of 32 bytes */
  keys: Record<string, string>;
}

const errorCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | null)?.code;

/** The embedded-mode key file: private to its owner, replaced atomically, never half-written. */
class KeyFile {
  constructor(readonly path: string) {}

  assertOutside(databaseDir: string): void {
    const rel = relative(resolve(databaseDir), this.path);
    if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
      throw new RootKeyError(
        'key_file_location',
        `root key file ${this.path} is inside the database directory ${databaseDir}; keep it outside so database copies carry no keys`,
      );
    }
  }

  createIfMissing(): void {
    try {
      statSync(this.path);
      return;
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = this.writeTemp(new Map([[1, newKey()]]));
    try {
      // link() fails if the file appeared meanwhile (two first starts at once): the first one wins
      // and both then read the same key, where rename() would silently replace it.
      linkSync(tmp, this.path);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    } finally {
      unlinkSync(tmp);
    }
  }

  read(): Map<number, Buffer> {
    this.assertPrivate();
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch {
      throw new RootKeyError('key_file_invalid', `root key file ${this.path} is not valid JSON`);
    }
    const parsed = body as Partial<KeyFileBody> | null;
    if (!parsed || parsed.format !== KEY_FILE_FORMAT || typeof parsed.keys !== 'object' || parsed.keys === null) {
      throw new RootKeyError('key_file_invalid', `root key file ${this.path} is not a ${KEY_FILE_FORMAT} file`);
    }
    const keys = new Map<number, Buffer>();
    for (const [versionText, b64] of Object.entries(parsed.keys)) {
      const label = `root key file ${this.path}`;
      const version = parseVersion(versionText, label);
      if (typeof b64 !== 'string') throw new RootKeyError('key_file_invalid', `${label}: version ${version} is not a string`);
      keys.set(version, decodeRootKey(b64, `${label} version ${version}`));
    }
    if (keys.size === 0) throw new RootKeyError('key_file_invalid', `root key file ${this.path} holds no key`);
    return keys;
  }

  /** Read-modify-write under a lock file, so two rotations at once cannot lose a version. */
  update<T>(change: (keys: Map<number, Buffer>) => T): { result: T; keys: Map<number, Buffer> } {
    const lock = `${this.path}.lock`;
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
      throw new RootKeyError('key_file_busy', `root key file is being changed by another process (remove ${lock} if none is running)`);
    }
    try {
      const keys = this.read();
      const result = change(keys);
      const tmp = this.writeTemp(keys);
      try {
        renameSync(tmp, this.path); // atomic: readers see the old file or the new one
      } catch (error) {
        unlinkSync(tmp);
        throw error;
      }
      syncDirectory(dirname(this.path));
      return { result, keys };
    } finally {
      closeSync(fd);
      unlinkSync(lock);
    }
  }

  private assertPrivate(): void {
    // POSIX permission bits mean nothing on Windows; there the directory's ACL protects the file.
    if (process.platform === 'win32') return;
    const mode = statSync(this.path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new RootKeyError(
        'key_file_insecure',
        `root key file ${this.path} is accessible by group or others (mode ${mode.toString(8).padStart(4, '0')}); run: chmod 600 ${this.path}`,
      );
    }
  }

  private writeTemp(keys: ReadonlyMap<number, Buffer>): string {
    const body: KeyFileBody = {
      format: KEY_FILE_FORMAT,
      keys: Object.fromEntries([...keys].sort(([a], [b]) => a - b).map(([v, k]) => [String(v), k.toString('base64')])),
    };
    const tmp = `${this.path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    // The umask can only remove bits from 0600, but a pre-set ACL or odd filesystem might not honour
    // the mode at all: set it explicitly and check.
    chmodSync(tmp, 0o600);
    if (process.platform !== 'win32' && (statSync(tmp).mode & 0o077) !== 0) {
      unlinkSync(tmp);
      throw new RootKeyError('key_file_insecure', `cannot make ${tmp} private (mode 0600) on this filesystem`);
    }
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  }
}

function syncDirectory(dir: string): void {
  // Makes the rename durable; some platforms cannot fsync a directory, and the rename is still atomic.
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* best effort */
  }
}
