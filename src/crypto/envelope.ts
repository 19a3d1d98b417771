import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM with associated data, in a small versioned envelope:
 *   format (1 byte = 1) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
 * Every key is 32 random bytes; every seal draws a fresh random nonce. Opening with the wrong key,
 * the wrong associated data or a changed byte throws DecryptionError, which never carries plaintext.
 */
const FORMAT = 1;
const NONCE = 12;
const TAG = 16;

export class DecryptionError extends Error {
  constructor(message = 'ciphertext does not open with this key and associated data') {
    super(message);
    this.name = 'DecryptionError';
  }
}

export const newKey = (): Buffer => randomBytes(32);

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  if (key.length !== 32) throw new Error('AES-256-GCM needs a 32-byte key');
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT]), nonce, body, cipher.getAuthTag()]);
}

export function open(key: Buffer, envelope: Buffer, aad: Buffer): Buffer {
  if (key.length !== 32) throw new DecryptionError('wrong key length');
  if (envelope.length < 1 + NONCE + TAG || envelope[0] !== FORMAT) throw new DecryptionError('not a Custos envelope');
  const nonce = envelope.subarray(1, 1 + NONCE);
  const tag = envelope.subarray(envelope.length - TAG);
  const body = envelope.subarray(1 + NONCE, envelope.length - TAG);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new DecryptionError();
  }
}

/**
 * Canonical associated data: each part length-prefixed, so ("ab","c") and ("a","bc") differ.
 * Binding a ciphertext to its place means a copy moved to another row, table or account fails.
 */
export function encodeAad(parts: readonly (string | number | null)[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = Buffer.from(part === null ? '\u0000null' : String(part), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}
