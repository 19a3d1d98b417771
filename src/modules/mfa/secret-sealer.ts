import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Seals small secrets that the server must be able to read again (TOTP seeds): AES-256-GCM under
 * a key that lives outside the database, with the row the secret belongs to as associated data,
 * so a database dump alone reveals nothing and a sealed value copied to another row does not open.
 */
export interface SecretSealer {
  seal(plaintext: Buffer, context: string): Buffer;
  /** Throws when the value was not sealed under this key for this context. */
  open(sealed: Buffer, context: string): Buffer;
}

const FORMAT_V1 = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function aesGcmSealer(key: Buffer): SecretSealer {
  if (key.length !== 32) throw new Error('the sealing key must be 32 bytes');
  const sealingKey = Buffer.from(key);
  return {
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealingKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return Buffer.concat([Buffer.from([FORMAT_V1]), iv, body, cipher.getAuthTag()]);
    },
    open(sealed, context) {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== FORMAT_V1) throw new Error('not a sealed value');
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(sealed.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', sealingKey, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
    },
  };
}

export const SEALING_KEY_FILE = 'sealing.key';

/**
 * The embedded database's sealing key: a file beside (not inside) the database files, created
 * on first use with owner-only permissions. A dump of the database does not contain it; a copy of
 * the whole data dir does, which is why production sets CUSTOS_SEALING_KEY from a secret store.
 */
export function loadOrCreateSealingKey(dataDir: string): Buffer {
  const path = join(dataDir, SEALING_KEY_FILE);
  try {
    return decodeKey(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return decodeKey(readFileSync(path, 'utf8'), path);
    throw error;
  }
}

function decodeKey(text: string, path: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
  return key;
}
