import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { newKey, open, seal, encodeAad } from './envelope.js';

/**
 * The root of the key hierarchy. Account keys are wrapped under it; it never touches content.
 * A KMS-backed provider implements the same interface: `wrap`/`unwrap` become KMS Encrypt/Decrypt
 * calls (the root never leaves the KMS), `rotate` creates a new KMS key version, `retire` disables
 * an old one. See docs/kms.md.
 */
export interface KeyProvider {
  /** The version new wraps use. */
  currentVersion(): number;
  /** Every version that can still unwrap. */
  versions(): number[];
  wrap(plainKey: Buffer, aad: Buffer): { version: number; wrapped: Buffer };
  unwrap(version: number, wrapped: Buffer, aad: Buffer): Buffer;
  /** Adds a new root version and makes it current (only providers that can generate keys). */
  rotate(): number;
  readonly canGenerate: boolean;
  /** Forgets a version: whatever is still wrapped under it no longer opens. */
  retire(version: number): void;
}

export class RootKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RootKeyError';
  }
}

const rootAad = (version: number, aad: Buffer) => Buffer.concat([encodeAad(['root', version]), aad]);

/** Root key versions held in memory; persisted by `onChange` (the key file) when it has one. */
export class LocalKeyProvider implements KeyProvider {
  private readonly keys = new Map<number, Buffer>();

  constructor(
    keys: ReadonlyMap<number, Buffer>,
    private readonly onChange: ((keys: ReadonlyMap<number, Buffer>) => void) | null = null,
    /** Re-reads the source, so a version added by another process (a rotation) is found. */
    private readonly reload: (() => ReadonlyMap<number, Buffer>) | null = null,
  ) {
    this.load(keys);
  }

  private load(keys: ReadonlyMap<number, Buffer>) {
    if (keys.size === 0) throw new RootKeyError('no root key');
    for (const [version, key] of keys) {
      if (key.length !== 32) throw new RootKeyError(`root key version ${version} must be 32 bytes, got ${key.length}`);
    }
    this.keys.clear();
    for (const [version, key] of keys) this.keys.set(version, Buffer.from(key));
  }

  /** Whether this provider can make new versions itself (a key file), or only use given ones (env). */
  get canGenerate() {
    return this.onChange !== null;
  }

  currentVersion() {
    return Math.max(...this.keys.keys());
  }

  versions() {
    return [...this.keys.keys()].sort((a, b) => a - b);
  }

  wrap(plainKey: Buffer, aad: Buffer) {
    const version = this.currentVersion();
    return { version, wrapped: seal(this.keys.get(version)!, plainKey, rootAad(version, aad)) };
  }

  unwrap(version: number, wrapped: Buffer, aad: Buffer) {
    if (!this.keys.has(version) && this.reload) this.load(this.reload());
    const key = this.keys.get(version);
    if (!key) throw new RootKeyError(`root key version ${version} is retired or unknown`);
    return open(key, wrapped, rootAad(version, aad));
  }

  rotate() {
    const version = this.currentVersion() + 1;
    this.keys.set(version, newKey());
    this.onChange?.(this.keys);
    return version;
  }

  retire(version: number) {
    if (version === this.currentVersion()) throw new RootKeyError('the current root version cannot be retired');
    const key = this.keys.get(version);
    if (!key) return;
    key.fill(0);
    this.keys.delete(version);
    this.onChange?.(this.keys);
  }
}

/** `CUSTOS_ROOT_KEY=<base64 of 32 bytes>` (version 1), or `CUSTOS_ROOT_KEYS=1:<b64>,2:<b64>`. */
export function rootKeysFromEnv(env: NodeJS.ProcessEnv): Map<number, Buffer> | null {
  const many = env.CUSTOS_ROOT_KEYS;
  const one = env.CUSTOS_ROOT_KEY;
  if (!many && !one) return null;
  const entries = many ? many.split(',').map((e) => e.trim().split(':')) : [['1', one!]];
  const keys = new Map<number, Buffer>();
  for (const [versionText, b64] of entries) {
    const version = Number(versionText);
    if (!Number.isInteger(version) || version < 1) throw new RootKeyError(`bad root key version "${versionText}"`);
    if (!b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new RootKeyError(`root key version ${version} is not base64`);
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) throw new RootKeyError(`root key version ${version} must decode to 32 bytes, got ${key.length}`);
    keys.set(version, key);
  }
  return keys;
}

interface KeyFile {
  versions: Record<string, string>;
}

/**
 * Embedded mode: the root keys live in a file created on first start with mode 0600, outside the
 * database files, so a copy of the database alone does not carry them. A file that group or
 * others can read is refused.
 */
export function fileKeyProvider(path: string): LocalKeyProvider {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeKeyFile(path, new Map([[1, newKey()]]));
  }
  const mode = statSync(path).mode & 0o777;
  if (mode & 0o077) {
    throw new RootKeyError(`root key file ${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  }
  return new LocalKeyProvider(readKeyFile(path), (changed) => writeKeyFile(path, changed), () => readKeyFile(path));
}

function readKeyFile(path: string): Map<number, Buffer> {
  let parsed: KeyFile;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  } catch {
    throw new RootKeyError(`root key file ${path} is not valid`);
  }
  return new Map<number, Buffer>(Object.entries(parsed.versions ?? {}).map(([v, k]) => [Number(v), Buffer.from(k, 'base64')]));
}

function writeKeyFile(path: string, keys: ReadonlyMap<number, Buffer>) {
  const body: KeyFile = { versions: Object.fromEntries([...keys].map(([v, k]) => [String(v), k.toString('base64')])) };
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(body), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path); // atomic: a crash leaves the old file or the new one, never half of each
}
