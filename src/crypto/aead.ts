import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { pooledRandomBytes } from '../lib/random-pool.js';

/**
 * AES-256-GCM with associated data, in a compact versioned envelope:
 *
 *   format (1 byte, 0x01) ‖ nonce (12 bytes, random) ‖ ciphertext (same length as plaintext) ‖ tag (16 bytes)
 *
 * The format byte lets a later algorithm live next to this one without guessing. Nonces are random
 * per seal: with 96-bit nonces a single key stays well inside the birthday bound for the volumes a
 * data key sees (one conversation), and a random nonce needs no counter state to survive restarts.
 */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
export const ENVELOPE_FORMAT_AES256GCM = 0x01;
/** Bytes an envelope adds to its plaintext. */
export const ENVELOPE_OVERHEAD = 1 + NONCE_BYTES + TAG_BYTES;

const ALGORITHM = 'aes-256-gcm';

export type DecryptionFailure = 'malformed' | 'unknown_format' | 'bad_key' | 'authentication_failed';

const MESSAGES: Record<DecryptionFailure, string> = {
  malformed: 'ciphertext is too short to be an envelope',
  unknown_format: 'ciphertext has an unknown envelope format',
  bad_key: 'key is not 32 bytes',
  authentication_failed: 'ciphertext does not open with this key and associated data',
};

/**
 * Every failure to open. The message is one of a fixed set: it never carries plaintext, key bytes
 * or the associated data, so it is safe to log.
 */
export class DecryptionError extends Error {
  readonly reason: DecryptionFailure;

  constructor(reason: DecryptionFailure) {
    super(MESSAGES[reason]);
    this.name = 'DecryptionError';
    this.reason = reason;
  }
}

/** A fresh AES-256 key: 32 bytes from the CSPRNG. */
export const newKey = (): Buffer => randomBytes(KEY_BYTES);

function assertKey(key: Buffer): void {
  // A wrong-length key on the sealing side is a programming error, not a bad ciphertext.
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new RangeError(`AES-256-GCM needs a ${KEY_BYTES}-byte key`);
}

export function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  assertKey(key);
  const out = Buffer.allocUnsafe(ENVELOPE_OVERHEAD + plaintext.length);
  out[0] = ENVELOPE_FORMAT_AES256GCM;
  const nonce = pooledRandomBytes(NONCE_BYTES);
  nonce.copy(out, 1);
  const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  let at = 1 + NONCE_BYTES;
  at += cipher.update(plaintext).copy(out, at);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}

export function open(key: Buffer, envelope: Buffer, aad: Buffer): Buffer {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new DecryptionError('bad_key');
  if (envelope.length < ENVELOPE_OVERHEAD) throw new DecryptionError('malformed');
  if (envelope[0] !== ENVELOPE_FORMAT_AES256GCM) throw new DecryptionError('unknown_format');
  const nonce = envelope.subarray(1, 1 + NONCE_BYTES);
  const body = envelope.subarray(1 + NONCE_BYTES, envelope.length - TAG_BYTES);
  const tag = envelope.subarray(envelope.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  // GCM releases plaintext before the tag is checked; it must not outlive a failed check.
  const plaintext = decipher.update(body);
  try {
    decipher.final();
  } catch {
    plaintext.fill(0);
    throw new DecryptionError('authentication_failed');
  }
  return plaintext;
}
