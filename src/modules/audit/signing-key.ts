import type { KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CheckpointKeyError, exportKey, generateCheckpointKeyPair, importPrivateKey, publicKeyOf } from '../../audit/checkpoint.js';

/**
 * The Ed25519 key that signs audit checkpoints. It lives outside the database — in the
 * environment (CUSTOS_AUDIT_SIGNING_KEY), or on the embedded database in a key file beside the
 * database files — so that whoever can rewrite the database cannot also re-sign its history.
 */
export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditKeyError';
  }
}

/** Reads a key given as PEM (PKCS#8), or as base64 of its 32-byte seed. */
export function parseAuditSigningKey(text: string): AuditSigningKey {
  try {
    const privateKey = importPrivateKey(text);
    return { privateKey, publicKey: publicKeyOf(privateKey) };
  } catch (error) {
    if (error instanceof CheckpointKeyError) throw new AuditKeyError('CUSTOS_AUDIT_SIGNING_KEY is not an Ed25519 private key (PEM, or base64 of its 32-byte seed)');
    throw error;
  }
}

export const generateAuditSigningKey = (): AuditSigningKey => {
  const pair = generateCheckpointKeyPair();
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
};

export const auditKeyFile = (dataDir: string) => join(dataDir, 'keys', 'audit-signing.pem');

/**
 * The embedded database's signing key: created on first start with owner-only permissions. A
 * copy of the database files alone does not contain it.
 */
export function loadOrCreateAuditKeyFile(path: string): AuditSigningKey {
  try {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new AuditKeyError(`${path} must be readable by its owner only (chmod 600)`);
    return parseAuditSigningKey(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = generateAuditSigningKey();
  try {
    writeFileSync(path, exportKey(key.privateKey, 'pem'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseAuditSigningKey(readFileSync(path, 'utf8'));
    throw error;
  }
}
