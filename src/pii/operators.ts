import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { PiiEntityType, PiiSpan } from './types.js';
import { PII_ENTITY_TYPES } from './types.js';

export type Operator = 'replace' | 'mask' | 'hash' | 'pseudonymize';

export interface AnonymizeOptions {
  /** `hash`: HMAC-SHA256 key (at least 16 bytes). */
  hashKey?: Uint8Array | string;
  /** `hash`: hex characters kept from the MAC (default 16, i.e. 64 bits). */
  hashLength?: number;
  /** `mask`: the character that replaces letters and digits (default `*`). */
  maskChar?: string;
  /** `mask`: how many trailing letters or digits stay visible (default 0). */
  maskKeepLast?: number;
  /** `pseudonymize`: AES-256 key, 32 bytes. */
  pseudonymKey?: Uint8Array;
  /** `pseudonymize`: associated data the pseudonyms are bound to (e.g. a conversation id). */
  aad?: string;
}

/** A replaced finding, with its position in the anonymised text and in the original. */
export interface AnonymizedSpan extends PiiSpan {
  originalStart: number;
  originalEnd: number;
}

export interface AnonymizeResult {
  text: string;
  spans: AnonymizedSpan[];
}

/**
 * An anonymiser keeps its state across calls: `<PERSON_1>` stays the same person in every chunk
 * of one stream.
 */
export interface Anonymizer {
  apply(text: string, spans: readonly PiiSpan[]): AnonymizeResult;
}

export function createAnonymizer(operator: Operator, options: AnonymizeOptions = {}): Anonymizer {
  const replaceWith = makeReplacer(operator, options);
  return { apply: (text, spans) => applySpans(text, spans, replaceWith) };
}

/** Replaces each span (sorted, non-overlapping, as `detect` returns them) using `operator`. */
export function anonymizeSpans(text: string, spans: readonly PiiSpan[], operator: Operator, options: AnonymizeOptions = {}): AnonymizeResult {
  return createAnonymizer(operator, options).apply(text, spans);
}

function applySpans(text: string, spans: readonly PiiSpan[], replaceWith: Replacer): AnonymizeResult {
  let out = '';
  let cursor = 0;
  const result: AnonymizedSpan[] = [];
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start < cursor) throw new Error('anonymize needs non-overlapping spans');
    out += text.slice(cursor, span.start);
    const replacement = replaceWith(span.type, text.slice(span.start, span.end));
    result.push({ ...span, start: out.length, end: out.length + replacement.length, originalStart: span.start, originalEnd: span.end });
    out += replacement;
    cursor = span.end;
  }
  out += text.slice(cursor);
  return { text: out, spans: result };
}

type Replacer = (type: PiiEntityType, value: string) => string;

function makeReplacer(operator: Operator, options: AnonymizeOptions): Replacer {
  switch (operator) {
    case 'replace':
      return numberedPlaceholders();
    case 'mask':
      return (_type, value) => mask(value, options.maskChar ?? '*', options.maskKeepLast ?? 0);
    case 'hash': {
      const key = requireHashKey(options.hashKey);
      const length = options.hashLength ?? 16;
      if (!Number.isInteger(length) || length < 8 || length > 64) throw new Error('hashLength must be an integer between 8 and 64');
      return (type, value) => `<${type}_${hmacHex(key, type, value).slice(0, length)}>`;
    }
    case 'pseudonymize': {
      const key = requireAesKey(options.pseudonymKey);
      const aad = options.aad ?? '';
      return (type, value) => `<pii:${type}:${seal(key, aad, type, value)}>`;
    }
    default:
      throw new Error(`unknown operator: ${String(operator)}`);
  }
}

/** `<PERSON_1>`, `<PERSON_2>`…: the same value (ignoring case and spacing) keeps its number. */
function numberedPlaceholders(): Replacer {
  const seen = new Map<string, string>();
  const counters = new Map<PiiEntityType, number>();
  return (type, value) => {
    const key = `${type}\u0000${normalizeValue(value)}`;
    const existing = seen.get(key);
    if (existing) return existing;
    const n = (counters.get(type) ?? 0) + 1;
    counters.set(type, n);
    const placeholder = `<${type}_${n}>`;
    seen.set(key, placeholder);
    return placeholder;
  };
}

const normalizeValue = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim();

/** A letter or a digit of any script (at module level: tsx would rebuild the literal per character). */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Keeps the shape (separators, length) so a reader still sees "a card number was here". */
function mask(value: string, maskChar: string, keepLast: number): string {
  const chars = [...value];
  let visible = keepLast;
  for (let i = chars.length - 1; i >= 0; i--) {
    if (!LETTER_OR_DIGIT.test(chars[i]!)) continue;
    if (visible > 0) {
      visible--;
      continue;
    }
    chars[i] = maskChar;
  }
  return chars.join('');
}

function requireHashKey(key: Uint8Array | string | undefined): Buffer {
  if (key === undefined) throw new Error('the hash operator needs a hashKey');
  const buf = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  // A short key can be brute-forced, and then every hashed value with it.
  if (buf.length < 16) throw new Error('hashKey must be at least 16 bytes');
  return buf;
}

/** The type is part of the MAC input so equal strings of different kinds do not link. */
function hmacHex(key: Buffer, type: PiiEntityType, value: string): string {
  return createHmac('sha256', key).update(type).update('\u0000').update(normalizeValue(value)).digest('hex');
}

function requireAesKey(key: Uint8Array | undefined): Buffer {
  if (!key || key.length !== 32) throw new Error('pseudonymize needs a 32-byte pseudonymKey (AES-256)');
  return Buffer.from(key);
}

const AAD_PREFIX = 'custos-pii-pseudonym-v1';
const aadFor = (aad: string, type: PiiEntityType) => Buffer.from(`${AAD_PREFIX}\u0000${type}\u0000${aad}`, 'utf8');

/** AES-256-GCM with a fresh 96-bit nonce; the token is nonce ‖ ciphertext ‖ tag in base64url. */
function seal(key: Buffer, aad: string, type: PiiEntityType, value: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aadFor(aad, type));
  const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function open(key: Buffer, aad: string, type: PiiEntityType, token: string): string {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < 12 + 16) throw new Error('pseudonym is malformed');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(aadFor(aad, type));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  try {
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    // GCM refuses a changed ciphertext, tag, type or AAD alike; say so without detail.
    throw new Error('pseudonym failed authentication');
  }
}

const PSEUDONYM = /<pii:([A-Z_]+):([A-Za-z0-9_-]+)>/g;
const KNOWN_TYPES: ReadonlySet<string> = new Set(PII_ENTITY_TYPES);

/** Restores the values `pseudonymize` replaced. Throws if any pseudonym fails authentication. */
export function depseudonymize(text: string, options: { pseudonymKey: Uint8Array; aad?: string }): string {
  const key = requireAesKey(options.pseudonymKey);
  const aad = options.aad ?? '';
  return text.replace(PSEUDONYM, (_m, type: string, token: string) => {
    if (!KNOWN_TYPES.has(type)) throw new Error('pseudonym has an unknown type');
    return open(key, aad, type as PiiEntityType, token);
  });
}
