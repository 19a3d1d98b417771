import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPiiEngine } from './engine.js';
import { anonymizeSpans, createAnonymizer, depseudonymize } from './operators.js';
import type { PiiSpan } from './types.js';

const engine = createPiiEngine();
const text = 'Anna Kowalski wrote to Ben Ortiz. Later Anna Kowalski called +44 20 7946 0958.';

describe('P31 anonymisation operators', () => {
  it('replace: numbered placeholders, the same value keeps its number', () => {
    const { text: out, spans } = engine.anonymize(text, 'replace');
    expect(out).toBe('<PERSON_1> wrote to <PERSON_2>. Later <PERSON_1> called <PHONE_NUMBER_1>.');
    expect(spans.map((s) => out.slice(s.start, s.end))).toEqual(['<PERSON_1>', '<PERSON_2>', '<PERSON_1>', '<PHONE_NUMBER_1>']);
    expect(spans.map((s) => text.slice(s.originalStart, s.originalEnd))).toEqual(['Anna Kowalski', 'Ben Ortiz', 'Anna Kowalski', '+44 20 7946 0958']);
  });

  it('replace: numbering carries across calls of one anonymiser (a stream)', () => {
    const anonymizer = createAnonymizer('replace');
    const a = 'Call Ben Ortiz';
    const b = 'Ben Ortiz and Ana Lima';
    expect(anonymizer.apply(a, engine.detect(a)).text).toBe('Call <PERSON_1>');
    expect(anonymizer.apply(b, engine.detect(b)).text).toBe('<PERSON_1> and <PERSON_2>');
  });

  it('mask: keeps separators and length, optionally the last characters', () => {
    const spans: PiiSpan[] = [{ type: 'CREDIT_CARD', start: 5, end: 24, score: 1 }];
    expect(anonymizeSpans('card 4111 1111 1111 1111 ok', spans, 'mask').text).toBe('card **** **** **** **** ok');
    expect(anonymizeSpans('card 4111 1111 1111 1111 ok', spans, 'mask', { maskKeepLast: 4, maskChar: '#' }).text).toBe('card #### #### #### 1111 ok');
  });

  it('hash: HMAC is stable for a key, differs across keys and types, needs a real key', () => {
    const key1 = 'first key of thirty-two bytes!!!';
    const key2 = 'second key, also long enough ...';
    const a = engine.anonymize(text, 'hash', { hashKey: key1 }).text;
    const b = engine.anonymize(text, 'hash', { hashKey: key1 }).text;
    const c = engine.anonymize(text, 'hash', { hashKey: key2 }).text;
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const tokens = a.match(/<PERSON_[0-9a-f]{16}>/g)!;
    expect(tokens).toHaveLength(3);
    expect(tokens[0]).toBe(tokens[2]);
    expect(tokens[0]).not.toBe(tokens[1]);
    const asEmail = anonymizeSpans('x', [{ type: 'EMAIL_ADDRESS', start: 0, end: 1, score: 1 }], 'hash', { hashKey: key1 }).text;
    const asPerson = anonymizeSpans('x', [{ type: 'PERSON', start: 0, end: 1, score: 1 }], 'hash', { hashKey: key1 }).text;
    expect(asEmail.slice(-17)).not.toBe(asPerson.slice(-17));
    expect(() => engine.anonymize(text, 'hash')).toThrow(/hashKey/);
    expect(() => engine.anonymize(text, 'hash', { hashKey: 'short' })).toThrow(/16 bytes/);
  });

  it('pseudonymize: AES-256-GCM round trip restores the text', () => {
    const key = randomBytes(32);
    const { text: out } = engine.anonymize(text, 'pseudonymize', { pseudonymKey: key, aad: 'conversation-42' });
    expect(out).not.toContain('Kowalski');
    expect(out).toMatch(/<pii:PERSON:[A-Za-z0-9_-]+>/);
    expect(depseudonymize(out, { pseudonymKey: key, aad: 'conversation-42' })).toBe(text);
  });

  it('depseudonymize: tampering, a wrong key, a wrong AAD or a changed type fail', () => {
    const key = randomBytes(32);
    const out = engine.anonymize('Mail anna@example.com', 'pseudonymize', { pseudonymKey: key, aad: 'a' }).text;
    const token = /<pii:EMAIL_ADDRESS:([A-Za-z0-9_-]+)>/.exec(out)![1]!;
    const raw = Buffer.from(token, 'base64url');
    raw[14] = raw[14]! ^ 1;
    const tampered = out.replace(token, raw.toString('base64url'));
    expect(() => depseudonymize(tampered, { pseudonymKey: key, aad: 'a' })).toThrow('pseudonym failed authentication');
    expect(() => depseudonymize(out, { pseudonymKey: key, aad: 'b' })).toThrow('pseudonym failed authentication');
    expect(() => depseudonymize(out, { pseudonymKey: randomBytes(32), aad: 'a' })).toThrow('pseudonym failed authentication');
    expect(() => depseudonymize(out.replace('EMAIL_ADDRESS', 'PERSON'), { pseudonymKey: key, aad: 'a' })).toThrow('pseudonym failed authentication');
    expect(() => engine.anonymize(text, 'pseudonymize', { pseudonymKey: randomBytes(16) })).toThrow(/32-byte/);
  });

  it('refuses overlapping spans', () => {
    const spans: PiiSpan[] = [
      { type: 'PERSON', start: 0, end: 5, score: 1 },
      { type: 'PERSON', start: 3, end: 8, score: 1 },
    ];
    expect(() => anonymizeSpans('abcdefghij', spans, 'replace')).toThrow(/non-overlapping/);
  });
});
