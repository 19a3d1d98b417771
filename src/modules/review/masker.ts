import { createPiiEngine, type PiiEngine, type PiiEntityType } from '../../pii/index.js';
import { luhnValid } from '../../pii/validators.js';

/**
 * The review mask (P18): personal data in a text is replaced by a placeholder that names its kind
 * and a field id, e.g. `[email 3.1]`. A reviewer sees the placeholders; the values come back only
 * through an audited unmask under a policy-violation grant. Masking errs towards masking: a digit
 * run that might be an account number is hidden as readily as a real phone number.
 */
export type MaskKind =
  | 'email' | 'card' | 'phone' | 'number'
  | 'iban' | 'ssn' | 'ip' | 'url' | 'domain' | 'date' | 'age' | 'zip' | 'license' | 'secret' | 'address' | 'person' | 'organization' | 'location' | 'title' | 'group';

export interface MaskedField {
  /** `<message seq>.<n>`: stable for a given text, so an unmask names exactly one value. */
  id: string;
  kind: MaskKind;
  start: number;
  end: number;
  value: string;
}

export interface MaskedText {
  text: string;
  fields: MaskedField[];
}

/** Finds the spans to hide, as [start, end, kind]; overlapping finds keep the earliest, longest one. */
export type SpanFinder = (text: string) => [number, number, MaskKind][];

const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
// 13 to 19 digits, optionally grouped by spaces or dashes: a payment card if the Luhn sum holds.
const CARD = /(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])/g;
// A phone number: optional +country, digits in groups separated by spaces, dots, dashes or brackets.
const PHONE = /(?<![\w+])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{1,5}\)?){2,6}(?![\w])/g;
// Any other run of six or more digits (a bare run is a number, not a phone number) (ids, account numbers, dates of birth written as digits).
const DIGITS = /\d{6,}/g;

// One Luhn check for the whole project: the PII engine's.
export { luhnValid };

const digitCount = (s: string) => s.replace(/\D/g, '').length;

export const basicFinder: SpanFinder = (text) => {
  const spans: [number, number, MaskKind][] = [];
  for (const m of text.matchAll(EMAIL)) spans.push([m.index, m.index + m[0].length, 'email']);
  for (const m of text.matchAll(CARD)) if (luhnValid(m[0].replace(/\D/g, ''))) spans.push([m.index, m.index + m[0].length, 'card']);
  for (const m of text.matchAll(PHONE)) if (digitCount(m[0]) >= 7 && /[ .()+-]/.test(m[0])) spans.push([m.index, m.index + m[0].length, 'phone']);
  for (const m of text.matchAll(DIGITS)) spans.push([m.index, m.index + m[0].length, 'number']);
  return spans;
};

// When two finds cover the same span, the more specific kind names it.
const priority: Partial<Record<MaskKind, number>> = { email: 0, card: 1, iban: 1, ssn: 1, secret: 1, phone: 2, number: 9 };

const engineKinds: Record<PiiEntityType, MaskKind> = {
  EMAIL_ADDRESS: 'email',
  PHONE_NUMBER: 'phone',
  CREDIT_CARD: 'card',
  IBAN_CODE: 'iban',
  US_SSN: 'ssn',
  IP_ADDRESS: 'ip',
  URL: 'url',
  DOMAIN_NAME: 'domain',
  DATE_TIME: 'date',
  AGE: 'age',
  ZIP_CODE: 'zip',
  US_DRIVER_LICENSE: 'license',
  SECRET: 'secret',
  STREET_ADDRESS: 'address',
  PERSON: 'person',
  ORGANIZATION: 'organization',
  LOCATION: 'location',
  TITLE: 'title',
  NRP: 'group',
};

/** The PII engine's findings (names, addresses, identifiers…) together with the built-in ones. */
export function piiEngineFinder(engine: Pick<PiiEngine, 'detect'> = createPiiEngine()): SpanFinder {
  return (text) => [...engine.detect(text).map((s): [number, number, MaskKind] => [s.start, s.end, engineKinds[s.type]]), ...basicFinder(text)];
}

export function maskText(text: string, fieldPrefix: string, find: SpanFinder = basicFinder): MaskedText {
  const spans = find(text).sort((a, b) => a[0] - b[0] || b[1] - b[0] - (a[1] - a[0]) || (priority[a[2]] ?? 5) - (priority[b[2]] ?? 5));
  const kept: [number, number, MaskKind][] = [];
  for (const s of spans) {
    const last = kept[kept.length - 1];
    if (last && s[0] < last[1]) {
      // Overlap: a wider span, or a more specific kind over the same span, wins.
      if (s[1] > last[1]) last[1] = s[1];
      continue;
    }
    kept.push([...s]);
  }
  let out = '';
  let cursor = 0;
  const fields: MaskedField[] = [];
  kept.forEach(([start, end, kind], i) => {
    const id = `${fieldPrefix}.${i + 1}`;
    fields.push({ id, kind, start, end, value: text.slice(start, end) });
    out += `${text.slice(cursor, start)}[${kind} ${id}]`;
    cursor = end;
  });
  out += text.slice(cursor);
  return { text: out, fields };
}
