import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecryptionError, ENVELOPE_FORMAT_AES256GCM, ENVELOPE_OVERHEAD, KEY_BYTES, NONCE_BYTES, newKey, open, seal } from './aead.js';

const aad = Buffer.from('table=messages;row=1');

function decryptionFailure(fn: () => unknown): DecryptionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DecryptionError);
    return error as DecryptionError;
  }
  throw new Error('expected a DecryptionError');
}

describe('AES-256-GCM envelope', () => {
  it('round-trips any plaintext, including the empty one', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.uint8Array({ maxLength: 64 }), (bytes, extra) => {
        const key = newKey();
        const plaintext = Buffer.from(bytes);
        const ad = Buffer.from(extra);
        expect(open(key, seal(key, plaintext, ad), ad).equals(plaintext)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('lays the envelope out as format ‖ nonce ‖ ciphertext ‖ tag', () => {
    const key = newKey();
    const plaintext = Buffer.from('hello, world');
    const envelope = seal(key, plaintext, aad);
    expect(envelope.length).toBe(plaintext.length + ENVELOPE_OVERHEAD);
    expect(ENVELOPE_OVERHEAD).toBe(1 + 12 + 16);
    expect(envelope[0]).toBe(ENVELOPE_FORMAT_AES256GCM);
    expect(envelope.subarray(1 + NONCE_BYTES, 1 + NONCE_BYTES + plaintext.length).equals(plaintext)).toBe(false);
  });

  it('draws a fresh nonce per seal, so equal plaintexts give unrelated envelopes', () => {
    const key = newKey();
    const plaintext = Buffer.from('same message');
    const nonces = new Set<string>();
    for (let i = 0; i < 1000; i++) nonces.add(seal(key, plaintext, aad).subarray(1, 1 + NONCE_BYTES).toString('hex'));
    expect(nonces.size).toBe(1000);
  });

  it('refuses the wrong key', () => {
    const envelope = seal(newKey(), Buffer.from('secret'), aad);
    expect(decryptionFailure(() => open(newKey(), envelope, aad)).reason).toBe('authentication_failed');
  });

  it('refuses the wrong associated data', () => {
    const key = newKey();
    const envelope = seal(key, Buffer.from('secret'), aad);
    expect(decryptionFailure(() => open(key, envelope, Buffer.from('table=messages;row=2'))).reason).toBe('authentication_failed');
    expect(decryptionFailure(() => open(key, envelope, Buffer.alloc(0))).reason).toBe('authentication_failed');
  });

  it('refuses any flipped bit anywhere in the envelope', () => {
    const key = newKey();
    const envelope = seal(key, Buffer.from('a message worth protecting'), aad);
    fc.assert(
      fc.property(fc.nat({ max: envelope.length - 1 }), fc.integer({ min: 0, max: 7 }), (index, bit) => {
        const tampered = Buffer.from(envelope);
        tampered[index] = tampered[index]! ^ (1 << bit);
        const error = decryptionFailure(() => open(key, tampered, aad));
        expect(error.reason).toBe(index === 0 ? 'unknown_format' : 'authentication_failed');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses truncated and extended envelopes', () => {
    const key = newKey();
    const envelope = seal(key, Buffer.from('message'), aad);
    expect(decryptionFailure(() => open(key, envelope.subarray(0, ENVELOPE_OVERHEAD - 1), aad)).reason).toBe('malformed');
    expect(decryptionFailure(() => open(key, envelope.subarray(0, envelope.length - 1), aad)).reason).toBe('authentication_failed');
    expect(decryptionFailure(() => open(key, Buffer.concat([envelope, Buffer.from([0])]), aad)).reason).toBe('authentication_failed');
  });

  it('never puts plaintext, key or associated data into the error', () => {
    const key = newKey();
    const plaintext = 'MY-SECRET-DIAGNOSIS-4242';
    const envelope = seal(key, Buffer.from(plaintext), aad);
    const tampered = Buffer.from(envelope);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 1;
    const failures = [
      decryptionFailure(() => open(key, tampered, aad)),
      decryptionFailure(() => open(newKey(), envelope, aad)),
      decryptionFailure(() => open(key, envelope, Buffer.from('other'))),
    ];
    for (const error of failures) {
      const text = `${error.message} ${error.stack ?? ''} ${JSON.stringify(error)} ${String(error)}`;
      expect(text).not.toContain(plaintext);
      expect(text).not.toContain(key.toString('hex'));
      expect(text).not.toContain(key.toString('base64'));
      expect(text).not.toContain('table=messages');
    }
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => seal(Buffer.alloc(16), Buffer.from('x'), aad)).toThrow(RangeError);
    const envelope = seal(newKey(), Buffer.from('x'), aad);
    expect(decryptionFailure(() => open(Buffer.alloc(31), envelope, aad)).reason).toBe('bad_key');
  });

  it('makes keys of 32 random bytes', () => {
    const keys = Array.from({ length: 1000 }, () => newKey());
    expect(keys.every((k) => k.length === KEY_BYTES)).toBe(true);
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(1000);
  });
});
