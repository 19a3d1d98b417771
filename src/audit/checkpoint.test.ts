import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  CheckpointFormatError,
  CheckpointKeyError,
  encodeCheckpoint,
  exportKey,
  formatCheckpointNote,
  generateCheckpointKeyPair,
  importPrivateKey,
  importPublicKey,
  keyId,
  noteVerifierKey,
  openCheckpointNote,
  parseCheckpoint,
  publicKeyOf,
  rawKeyBytes,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type SignedCheckpoint,
} from './checkpoint.js';
import { MerkleTree } from './tree.js';
import { hashLeaf } from './merkle.js';

// RFC 8032 §7.1 test 1: a fixed key makes the signatures below reproducible.
const seed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
const fixedPrivate = importPrivateKey(seed.toString('base64'));
const fixedPublic = publicKeyOf(fixedPrivate);

const tree = MerkleTree.fromLeafHashes(Array.from({ length: 5 }, (_, i) => hashLeaf(Buffer.from([i]))));
const checkpoint: Checkpoint = { origin: 'custos.example/audit', size: 5, rootHash: tree.root() };

describe('checkpoint text', () => {
  it('is the C2SP tlog-checkpoint body: origin, size, base64 root, each on its own line', () => {
    expect(encodeCheckpoint(checkpoint)).toBe(`custos.example/audit\n5\n${tree.root().toString('base64')}\n`);
  });

  it('parses back exactly what it writes', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9./-]{1,40}$/), fc.nat({ max: Number.MAX_SAFE_INTEGER }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (origin, size, root) => {
        const cp: Checkpoint = { origin, size, rootHash: Buffer.from(root) };
        expect(parseCheckpoint(encodeCheckpoint(cp))).toEqual(cp);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['no final newline', 'log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['an extra line', `log\n5\n${Buffer.alloc(32).toString('base64')}\nextra\n`],
    ['a leading zero', `log\n05\n${Buffer.alloc(32).toString('base64')}\n`],
    ['a negative size', `log\n-5\n${Buffer.alloc(32).toString('base64')}\n`],
    ['a size beyond 2^53', `log\n9007199254740993\n${Buffer.alloc(32).toString('base64')}\n`],
    ['a short root', `log\n5\n${Buffer.alloc(31).toString('base64')}\n`],
    ['unpadded base64', `log\n5\n${Buffer.alloc(32).toString('base64').replace(/=+$/, '')}\n`],
    ['an empty origin', `\n5\n${Buffer.alloc(32).toString('base64')}\n`],
    ['a space in the origin', `my log\n5\n${Buffer.alloc(32).toString('base64')}\n`],
  ])('refuses %s', (_name, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointFormatError);
  });

  it('refuses to write a malformed checkpoint', () => {
    expect(() => encodeCheckpoint({ ...checkpoint, origin: 'a\nb' })).toThrow(CheckpointFormatError);
    expect(() => encodeCheckpoint({ ...checkpoint, size: -1 })).toThrow(CheckpointFormatError);
    expect(() => encodeCheckpoint({ ...checkpoint, rootHash: Buffer.alloc(16) })).toThrow(CheckpointFormatError);
  });
});

describe('signing and verifying checkpoints', () => {
  const keys = generateCheckpointKeyPair();
  const signed = signCheckpoint(checkpoint, keys.privateKey);

  it('verifies with the signing key and names it by key id', () => {
    expect(signed.keyId).toBe(keyId(keys.publicKey));
    expect(signed.keyId).toBe(keyId(keys.privateKey));
    expect(signed.signature).toHaveLength(64);
    expect(verifyCheckpoint(signed, keys.publicKey)).toBe(true);
  });

  it('is deterministic: Ed25519 over the canonical body', () => {
    const a = signCheckpoint(checkpoint, fixedPrivate);
    const b = signCheckpoint({ ...checkpoint, rootHash: Buffer.from(checkpoint.rootHash) }, fixedPrivate);
    expect(a.signature).toEqual(b.signature);
    expect(verifyCheckpoint(a, fixedPublic)).toBe(true);
  });

  it.each<[string, (s: SignedCheckpoint) => SignedCheckpoint]>([
    ['a changed size', (s) => ({ ...s, checkpoint: { ...s.checkpoint, size: s.checkpoint.size + 1 } })],
    ['a smaller size', (s) => ({ ...s, checkpoint: { ...s.checkpoint, size: s.checkpoint.size - 1 } })],
    ['a changed root', (s) => ({ ...s, checkpoint: { ...s.checkpoint, rootHash: tree.root(4) } })],
    ['a changed origin', (s) => ({ ...s, checkpoint: { ...s.checkpoint, origin: 'custos.example/other' } })],
    ['a flipped signature bit', (s) => ({ ...s, signature: Buffer.from(s.signature.map((b, i) => (i === 10 ? b ^ 1 : b))) })],
    ['a truncated signature', (s) => ({ ...s, signature: s.signature.subarray(0, 63) })],
    ['an empty signature', (s) => ({ ...s, signature: Buffer.alloc(0) })],
    ['another key id', (s) => ({ ...s, keyId: '0000000000000000' })],
    ['a malformed root', (s) => ({ ...s, checkpoint: { ...s.checkpoint, rootHash: Buffer.alloc(3) } })],
  ])('refuses %s', (_name, tamper) => {
    expect(verifyCheckpoint(tamper(signed), keys.publicKey)).toBe(false);
  });

  it('refuses a signature by another key', () => {
    const other = generateCheckpointKeyPair();
    expect(verifyCheckpoint(signCheckpoint(checkpoint, other.privateKey), keys.publicKey)).toBe(false);
    expect(verifyCheckpoint({ ...signCheckpoint(checkpoint, other.privateKey), keyId: signed.keyId }, keys.publicKey)).toBe(false);
  });

  it('refuses keys of the wrong kind', () => {
    expect(() => signCheckpoint(checkpoint, keys.publicKey)).toThrow(CheckpointKeyError);
    expect(() => verifyCheckpoint(signed, keys.privateKey)).toThrow(CheckpointKeyError);
    const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(() => signCheckpoint(checkpoint, p256)).toThrow(CheckpointKeyError);
  });
});

describe('checkpoint keys', () => {
  const keys = generateCheckpointKeyPair();

  it('round-trips through PEM and through base64 of the raw 32 bytes', () => {
    for (const encoding of ['pem', 'base64'] as const) {
      const privateKey = importPrivateKey(exportKey(keys.privateKey, encoding));
      const publicKey = importPublicKey(exportKey(keys.publicKey, encoding));
      expect(rawKeyBytes(privateKey)).toEqual(rawKeyBytes(keys.privateKey));
      expect(rawKeyBytes(publicKey)).toEqual(rawKeyBytes(keys.publicKey));
      expect(verifyCheckpoint(signCheckpoint(checkpoint, privateKey), publicKey)).toBe(true);
    }
    expect(exportKey(keys.privateKey, 'pem')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(exportKey(keys.publicKey, 'pem')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(Buffer.from(exportKey(keys.publicKey, 'base64'), 'base64')).toHaveLength(32);
  });

  it('derives the RFC 8032 public key from its seed', () => {
    expect(rawKeyBytes(fixedPublic).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  });

  it('names a key by the first 8 bytes of SHA-256 of its raw public key', () => {
    expect(keyId(fixedPublic)).toBe(createHash('sha256').update(rawKeyBytes(fixedPublic)).digest().subarray(0, 8).toString('hex'));
    expect(keyId(fixedPublic)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses text that is not a key', () => {
    expect(() => importPrivateKey('not a key')).toThrow(CheckpointKeyError);
    expect(() => importPublicKey(Buffer.alloc(31).toString('base64'))).toThrow(CheckpointKeyError);
    expect(() => importPrivateKey(exportKey(keys.publicKey, 'pem'))).toThrow(CheckpointKeyError);
  });
});

describe('C2SP signed notes', () => {
  const signed = signCheckpoint(checkpoint, fixedPrivate);
  const note = formatCheckpointNote(signed, 'custos.example/audit', fixedPublic);

  it('writes body, blank line, and one "— name base64(keyhash ‖ signature)" line', () => {
    const lines = note.split('\n');
    expect(lines.slice(0, 4)).toEqual(['custos.example/audit', '5', checkpoint.rootHash.toString('base64'), '']);
    const match = /^\u2014 custos\.example\/audit (\S+)$/u.exec(lines[4]!);
    expect(match).not.toBeNull();
    const field = Buffer.from(match![1]!, 'base64');
    const keyHash = createHash('sha256').update('custos.example/audit\n').update(Buffer.from([1])).update(rawKeyBytes(fixedPublic)).digest().subarray(0, 4);
    expect(field.subarray(0, 4)).toEqual(keyHash);
    expect(field.subarray(4)).toEqual(signed.signature);
    expect(noteVerifierKey('custos.example/audit', fixedPublic)).toBe(`custos.example/audit+${keyHash.toString('hex')}+${Buffer.concat([Buffer.from([1]), rawKeyBytes(fixedPublic)]).toString('base64')}`);
  });

  it('computes key hashes as golang.org/x/mod/sumdb/note does (its documented example key)', () => {
    const goVerifierKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    const publicKey = importPublicKey(Buffer.from(goVerifierKey.split('+')[2]!, 'base64').subarray(1).toString('base64'));
    expect(noteVerifierKey('PeterNeumann', publicKey)).toBe(goVerifierKey);
  });

  it('opens with the right name and key, and not otherwise', () => {
    expect(openCheckpointNote(note, 'custos.example/audit', fixedPublic)).toEqual(signed);
    expect(openCheckpointNote(note, 'someone.else', fixedPublic)).toBeNull();
    expect(openCheckpointNote(note, 'custos.example/audit', generateCheckpointKeyPair().publicKey)).toBeNull();
    expect(openCheckpointNote(note.replace('\n5\n', '\n6\n'), 'custos.example/audit', fixedPublic)).toBeNull();
    expect(openCheckpointNote(note.slice(0, -1), 'custos.example/audit', fixedPublic)).toBeNull();
  });

  it('skips signature lines of other keys', () => {
    const other = generateCheckpointKeyPair();
    const otherLine = formatCheckpointNote(signCheckpoint(checkpoint, other.privateKey), 'witness.example', other.publicKey).split('\n\n')[1]!;
    const cosigned = `${note}${otherLine}`;
    expect(openCheckpointNote(cosigned, 'custos.example/audit', fixedPublic)).toEqual(signed);
    expect(openCheckpointNote(cosigned, 'witness.example', other.publicKey)?.keyId).toBe(keyId(other.publicKey));
  });
});
