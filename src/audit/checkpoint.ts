import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { HASH_BYTES, isTreeSize } from './merkle.js';

/**
 * Signed checkpoints: "the log had `size` entries and this root", signed with Ed25519 by a key kept
 * outside the database, so whoever can rewrite the tables cannot re-sign their history.
 *
 * The signed bytes are the body of a C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
 *
 *   <origin>\n<decimal size>\n<base64 root hash>\n
 *
 * and a signed checkpoint can be written as a C2SP signed note, so that standard transparency-log
 * tooling can check it.
 */
export interface Checkpoint {
  /** Names the log; a checkpoint of another log never verifies against this one. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
}

export interface SignedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** keyId() of the signing key, so a verifier holding several keys (after a rotation) picks the right one. */
  readonly keyId: string;
  /** Ed25519 signature (64 bytes) over encodeCheckpoint(checkpoint) in UTF-8. */
  readonly signature: Buffer;
}

export class CheckpointFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointFormatError';
  }
}

export class CheckpointKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointKeyError';
  }
}

const SIGNATURE_BYTES = 64;
// No whitespace or control characters: the origin is one line, and often doubles as a note key name.
const ORIGIN = /^[^\s\p{Cc}]+$/u;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

function assertCheckpoint(checkpoint: Checkpoint): void {
  if (typeof checkpoint.origin !== 'string' || !ORIGIN.test(checkpoint.origin)) throw new CheckpointFormatError('origin must be a non-empty line with no spaces or control characters');
  if (!isTreeSize(checkpoint.size)) throw new CheckpointFormatError('size must be a non-negative safe integer');
  if (!Buffer.isBuffer(checkpoint.rootHash) || checkpoint.rootHash.length !== HASH_BYTES) throw new CheckpointFormatError(`root hash must be ${HASH_BYTES} bytes`);
}

/** The canonical text form, the exact bytes that are signed. */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  assertCheckpoint(checkpoint);
  return `${checkpoint.origin}\n${checkpoint.size}\n${checkpoint.rootHash.toString('base64')}\n`;
}

/** Parses the canonical text form; anything else (extra lines, leading zeros, loose base64) is refused. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length !== 4 || lines[3] !== '') throw new CheckpointFormatError('a checkpoint is exactly three lines, each ending in a newline');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!DECIMAL.test(sizeText)) throw new CheckpointFormatError('size must be a decimal number without leading zeros');
  const rootHash = Buffer.from(rootText, 'base64');
  if (rootHash.toString('base64') !== rootText) throw new CheckpointFormatError('root hash must be canonical base64');
  const checkpoint: Checkpoint = { origin, size: Number(sizeText), rootHash };
  assertCheckpoint(checkpoint);
  return checkpoint;
}

function assertEd25519(key: KeyObject, type: 'private' | 'public'): void {
  if (key?.type !== type || key.asymmetricKeyType !== 'ed25519') throw new CheckpointKeyError(`expected an Ed25519 ${type} key`);
}

export function signCheckpoint(checkpoint: Checkpoint, privateKey: KeyObject): SignedCheckpoint {
  assertEd25519(privateKey, 'private');
  const body = Buffer.from(encodeCheckpoint(checkpoint), 'utf8');
  return {
    checkpoint: { origin: checkpoint.origin, size: checkpoint.size, rootHash: Buffer.from(checkpoint.rootHash) },
    keyId: keyId(privateKey),
    signature: sign(null, body, privateKey),
  };
}

/**
 * True when the signature is this key's over exactly this checkpoint. A malformed checkpoint, a key
 * id that names another key, or a signature of the wrong length is false, never an exception.
 */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKey: KeyObject): boolean {
  assertEd25519(publicKey, 'public');
  let body: Buffer;
  try {
    body = Buffer.from(encodeCheckpoint(signed.checkpoint), 'utf8');
  } catch {
    return false;
  }
  if (signed.keyId !== keyId(publicKey)) return false;
  if (!Buffer.isBuffer(signed.signature) || signed.signature.length !== SIGNATURE_BYTES) return false;
  return verify(null, body, publicKey, signed.signature);
}

// ---- keys ----

// DER of an Ed25519 key is a fixed prefix followed by the 32 raw bytes (RFC 8410).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const RAW_KEY_BYTES = 32;

export interface CheckpointKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateCheckpointKeyPair(): CheckpointKeyPair {
  return generateKeyPairSync('ed25519');
}

/** The public half of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  assertEd25519(privateKey, 'private');
  return createPublicKey(privateKey);
}

/** The 32 raw bytes: the seed of a private key, the point of a public key. */
export function rawKeyBytes(key: KeyObject): Buffer {
  const der = key.type === 'private' ? key.export({ format: 'der', type: 'pkcs8' }) : key.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - RAW_KEY_BYTES));
}

export type KeyEncoding = 'pem' | 'base64';

/** PEM (PKCS#8 / SPKI) or base64 of the 32 raw bytes. */
export function exportKey(key: KeyObject, encoding: KeyEncoding): string {
  if (key?.asymmetricKeyType !== 'ed25519' || key.type === 'secret') throw new CheckpointKeyError('expected an Ed25519 key');
  if (encoding === 'base64') return rawKeyBytes(key).toString('base64');
  return key.type === 'private' ? String(key.export({ format: 'pem', type: 'pkcs8' })) : String(key.export({ format: 'pem', type: 'spki' }));
}

function readKey(text: string, type: 'private' | 'public'): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      key = type === 'private' ? createPrivateKey({ key: trimmed, format: 'pem' }) : createPublicKey({ key: trimmed, format: 'pem' });
    } else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length !== RAW_KEY_BYTES || raw.toString('base64') !== trimmed) throw new CheckpointKeyError('not base64 of 32 bytes');
      key =
        type === 'private'
          ? createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' })
          : createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch {
    throw new CheckpointKeyError(`not an Ed25519 ${type} key (PEM, or base64 of its 32 raw bytes)`);
  }
  assertEd25519(key, type);
  return key;
}

/** Reads a private key written by exportKey (PEM or base64 of the 32-byte seed). */
export const importPrivateKey = (text: string): KeyObject => readKey(text, 'private');

/** Reads a public key written by exportKey (PEM or base64 of the 32-byte point). */
export const importPublicKey = (text: string): KeyObject => readKey(text, 'public');

/**
 * A short stable name for a key pair: hex of the first 8 bytes of SHA-256 of the raw public key.
 * The same for the private key and its public key.
 */
export function keyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? publicKeyOf(key) : key;
  assertEd25519(publicKey, 'public');
  return createHash('sha256').update(rawKeyBytes(publicKey)).digest().subarray(0, 8).toString('hex');
}

// ---- C2SP signed notes ----

const NOTE_ALG_ED25519 = 0x01;
// Key names in a note are one token: no whitespace and no '+', which separates the fields of a verifier key.
const NOTE_KEY_NAME = /^[^\s+\p{Cc}]+$/u;

function assertKeyName(name: string): void {
  if (typeof name !== 'string' || !NOTE_KEY_NAME.test(name)) throw new CheckpointKeyError('a note key name is non-empty, with no spaces or "+"');
}

/** C2SP signed-note key hash: the first 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
function noteKeyHash(name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(`${name}\n`)
    .update(Buffer.from([NOTE_ALG_ED25519]))
    .update(rawKeyBytes(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string of C2SP signed notes, `<name>+<hex key hash>+<base64(0x01 ‖ public key)>`. */
export function noteVerifierKey(name: string, publicKey: KeyObject): string {
  assertKeyName(name);
  assertEd25519(publicKey, 'public');
  const encoded = Buffer.concat([Buffer.from([NOTE_ALG_ED25519]), rawKeyBytes(publicKey)]).toString('base64');
  return `${name}+${noteKeyHash(name, publicKey).toString('hex')}+${encoded}`;
}

/** Writes a signed checkpoint as a C2SP signed note: the body, a blank line, one signature line. */
export function formatCheckpointNote(signed: SignedCheckpoint, keyName: string, publicKey: KeyObject): string {
  assertKeyName(keyName);
  assertEd25519(publicKey, 'public');
  const signatureField = Buffer.concat([noteKeyHash(keyName, publicKey), signed.signature]).toString('base64');
  return `${encodeCheckpoint(signed.checkpoint)}\n\u2014 ${keyName} ${signatureField}\n`;
}

/**
 * Reads a C2SP signed note and returns the checkpoint when one of its signature lines is a valid
 * signature by (keyName, publicKey); null when none is. Lines signed by other keys are ignored, as
 * the note format intends.
 */
export function openCheckpointNote(note: string, keyName: string, publicKey: KeyObject): SignedCheckpoint | null {
  assertKeyName(keyName);
  assertEd25519(publicKey, 'public');
  const split = note.indexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return null;
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(note.slice(0, split + 1));
  } catch {
    return null;
  }
  const wantHash = noteKeyHash(keyName, publicKey);
  for (const line of note.slice(split + 2, -1).split('\n')) {
    const match = /^\u2014 (\S+) (\S+)$/u.exec(line);
    if (!match || match[1] !== keyName) continue;
    const field = Buffer.from(match[2]!, 'base64');
    if (field.length !== 4 + SIGNATURE_BYTES || !field.subarray(0, 4).equals(wantHash)) continue;
    const signed: SignedCheckpoint = { checkpoint, keyId: keyId(publicKey), signature: Buffer.from(field.subarray(4)) };
    if (verifyCheckpoint(signed, publicKey)) return signed;
  }
  return null;
}
