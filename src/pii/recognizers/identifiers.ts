import type { PiiSpan, ScanInput } from '../types.js';
import { contextAround, contextBefore } from '../context.js';
import { ibanValid, luhnValid, ssnValid } from '../validators.js';
import { SHAPE } from '../features.js';
import { execAll, execAt, sticky } from './exec-all.js';
import { LEX } from './lexicon.js';
import { hasWord, isAsciiWordChar, wordStarts } from './shared.js';

/** 12 to 19 digits, either run together or in groups split by one kind of separator. */
const CARD = /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d]|-\d)/g;
const CARD_CONTEXT = /\b(?:card|cards|cc|credit|debit|visa|master ?card|amex|american express|discover|maestro|jcb|diners|payment|pay with|charged?|billing|expir\w*|cvv)\b/;

/** Issuer prefixes of the major networks (Visa, Mastercard, Amex, Diners, Discover, JCB, UnionPay, Maestro, Mir, RuPay). */
function knownIssuer(digits: string): boolean {
  const d1 = digits[0];
  if (d1 === '3' || d1 === '4' || d1 === '5' || d1 === '6') return true;
  const p4 = Number(digits.slice(0, 4));
  if (p4 >= 2200 && p4 <= 2720) return true;
  return digits.startsWith('1800') || digits.startsWith('2131');
}

export function findCreditCards({ text, lower, features }: ScanInput, out: PiiSpan[]): void {
  if (features.digits < 12) return;
  for (const m of execAll(CARD, text)) {
    const value = m[0];
    const seps = value.replace(/\d/g, '');
    if (seps.length > 0 && new Set(seps).size > 1) continue;
    const digits = value.replace(/\D/g, '');
    if (digits.length < 12 || digits.length > 19 || !luhnValid(digits)) continue;
    if (/^(\d)\1+$/.test(digits)) continue;
    const context = contextAround(lower, m.index, m.index + value.length, CARD_CONTEXT, 64, 32);
    const issuer = knownIssuer(digits);
    // Without a network prefix or a word about cards, a Luhn-valid number is a 1-in-10 coincidence.
    if (!issuer && !context) continue;
    const score = issuer && context ? 1 : issuer ? (digits.length >= 15 ? 0.85 : 0.6) : 0.7;
    out.push({ type: 'CREDIT_CARD', start: m.index, end: m.index + value.length, score });
  }
}

const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}\b/gi;

export function findIbans({ text, features }: ScanInput, out: PiiSpan[]): void {
  if (!(features.shape & SHAPE.LETTERS_DIGITS)) return;
  for (const m of execAll(IBAN, text)) {
    let value = m[0];
    // The greedy match may swallow a following word ("GB29 NWBK ... 26 and"); shrink until valid.
    let valid = ibanValid(value);
    while (!valid && value.includes(' ')) {
      value = value.slice(0, value.lastIndexOf(' '));
      valid = ibanValid(value);
    }
    if (!valid) continue;
    out.push({ type: 'IBAN_CODE', start: m.index, end: m.index + value.length, score: 1 });
  }
}

const SSN = /(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d]|-\d)/g;
const SSN_CONTEXT = /\b(?:ssn|ssns|social security|social-security|soc sec|ss#|ss #|taxpayer|tin)\b/;

export function findSsns({ text, lower, features }: ScanInput, out: PiiSpan[]): void {
  if (features.digits < 9) return;
  for (const m of execAll(SSN, text)) {
    const digits = m[0].replace(/\D/g, '');
    if (!ssnValid(digits)) continue;
    const context = contextBefore(lower, m.index, SSN_CONTEXT, 64);
    const sep = m[1];
    // Dashed 3-2-4 is the SSN's own shape; other shapes need the words.
    const score = sep === '-' ? (context ? 1 : 0.8) : context ? 0.85 : 0;
    if (score === 0) continue;
    out.push({ type: 'US_SSN', start: m.index, end: m.index + m[0].length, score });
  }
}

/**
 * The words before a licence number, in English and a few other languages ("Führerschein",
 * "permis de conduire", "prawo jazdy"); "No." may carry its dot.
 */
const LICENSE_CONTEXT =
  /\b(?:driver'?s?'? ?licen[cs]e|driving licen[cs]e|licen[cs]e (?:no\.?|number|#)|dl ?(?:no\.?|number|#)?|dln|(?:driver'?s?|driving|learner'?s?) permit|führerschein|permis de conduire|carnet de conducir|licencia de conducir|carteira de motorista|patente di guida|prawo jazdy|rijbewijs)(?![a-z])(?:\s*(?:no|nr|n°|núm|num|number)\.)?[^.\n]{0,24}$/;
/**
 * US state formats (letters and digits, some in dashed groups: "D123-4567-8901-23"), digits in
 * groups, and European alphanumeric numbers with at least two digits ("B072RRE2I55"). Grouped
 * forms come first: the first alternative that matches wins, and "D123" alone would.
 */
const LICENSE =
  /\b(?:[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d|[A-Z]\d{3,4}(?:-\d{3,5}){2,4}|[A-Z]\d{2,3}-\d{3,4}-\d{3,4}|\d{3,4}-\d{2,3}-\d{3,4}|\d{3} \d{3} \d{3}|[A-Z]{1,2}\d{4,14}|\d{5,14}|(?=[A-Z0-9]*\d[A-Z0-9]*\d)[A-Z][A-Z0-9]{7,11})\b/gi;

const LICENSE_AT = sticky(LICENSE);

/**
 * A licence number follows its label within a few words (LICENSE_CONTEXT looks 56 characters
 * back), so the pattern is tried only at the word starts of the stretch after each label word,
 * in text order and never inside the previous match, as a search of the whole text would.
 */
export function findDriverLicenses(input: ScanInput, out: PiiSpan[]): void {
  const { text, lower, hasDigit } = input;
  if (!hasDigit || !hasWord(input, LEX.LICENSE_LABEL)) return;
  let next = 0;
  for (const label of wordStarts(input, LEX.LICENSE_LABEL)) {
    const end = Math.min(text.length, label + 80);
    for (let at = Math.max(label, next); at < end; at++) {
      if (!isAsciiWordChar(text.charCodeAt(at)) || (at > 0 && isAsciiWordChar(text.charCodeAt(at - 1)))) continue;
      const m = execAt(LICENSE_AT, text, at);
      if (!m) continue;
      next = at + m[0].length;
      at = next - 1;
      if (!contextBefore(lower, m.index, LICENSE_CONTEXT, 56)) continue;
      out.push({ type: 'US_DRIVER_LICENSE', start: m.index, end: m.index + m[0].length, score: 0.9 });
    }
    next = Math.max(next, end);
  }
}
