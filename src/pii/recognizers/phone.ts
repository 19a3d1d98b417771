import type { PiiSpan, ScanInput } from '../types.js';
import { execAll } from './exec-all.js';
import { internationalNumberValid } from './phone-valid.js';

/**
 * Phone numbers in the shapes people type: international (+44 20 7946 0958, 0044 …), North
 * American ((555) 010-4477, 555.010.4477), and national groupings (06 12 34 56 78, 0171 2345678).
 * libphonenumber decides validity; the words around the number decide the rest.
 */
const CANDIDATE = /(?<![\w+/.-])(?:\+|00)?\d{1,4}(?:[ \t.-]?\(\d{1,5}\)|\(0\)|[ \t.-]?\d{1,6}){1,6}(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?(?![\w/]|[.-]\d)/g;
const PAREN_START = /(?<![\w+/.-])\(\+?\d{1,5}\)[ \t.-]?\d{2,5}(?:[ \t.-]?\d{2,5}){1,3}(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,6})?(?![\w/]|[.-]\d)/g;

const PHONE_CONTEXT =
  /\b(?:phone|phones|tel|telephone|mobile|cell|cellphone|fax|call|calling|called|ring|text|sms|whatsapp|number|contact|reach|dial|office|desk|hotline|answering|messages|registered|landline|extension|ext|telefon|telefono|teléfono|telefone|téléphone|tél|handy|móvil|movil|celular|tlf|puhelin|numéro|número|nummer|rufnummer)\b|电话|手机|電話|携帯|전화|điện thoại|هاتف|جوال|телефон|тел\./;

function validSomewhere(value: string, digits: string): boolean {
  const normalized = value.startsWith('00') ? '+' + digits.slice(2) : value;
  return internationalNumberValid(normalized);
}

function score(text: string, lower: string, start: number, value: string): number {
  const digits = value.replace(/\D/g, '');
  const n = digits.length;
  if (n < 7 || n > 15) return 0;
  if (/^(\d)\1+$/.test(digits)) return 0;
  const groups = value.split(/[^\d]+/).filter(Boolean);
  const separated = groups.length > 1;
  const international = value.startsWith('+') || value.startsWith('00') || value.startsWith('(+');
  const nanp = /^(?:\+?1[ .-]?)?\(?[2-9]\d{2}\)?[ .-]?[2-9]\d{2}[ .-]\d{4}$/.test(value) || /^(?:001[ .-])\d{3}[ .-]\d{3}[ .-]\d{4}$/.test(value);
  // A year followed by more digits, or a date, is not a phone number.
  if (/^(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}/.test(value)) return 0;
  const from = Math.max(0, start - 40);
  const context = PHONE_CONTEXT.test(lower.slice(from, start)) || PHONE_CONTEXT.test(lower.slice(start + value.length, start + value.length + 16));
  let s = 0;
  if (international) s = 0.55;
  else if (nanp) s = 0.6;
  else if (separated && groups.every((g) => g.length <= 5) && groups.length <= 6) s = n >= 9 ? 0.45 : 0.35;
  // A trunk prefix and one long group ("0151 23456789") is a national number only with its word.
  else if (groups.length === 2 && groups[0]!.startsWith('0') && groups[0]!.length <= 5 && groups[1]!.length <= 8) s = 0.3;
  else if (!separated && n >= 10 && n <= 12) s = 0.3;
  else s = 0.15;
  if (context) s += 0.3;
  // Only numbers whose region is known are validated (phone-valid.ts gives libphonenumber's
  // answer); a national number with a trunk "0" is judged by its shape.
  if (international) s += validSomewhere(value, digits) ? 0.2 : 0;
  else if (s >= 0.3 && s < 0.5) {
    if (digits.startsWith('0') && n >= 9 && n <= 12 && separated) s += 0.1;
  }
  // Digits glued to letters ("Apt 12 345") or sitting in a sentence of numbers are weaker.
  const prev = text[start - 1];
  if (prev !== undefined && /[#$€£¥]/.test(prev)) s -= 0.4;
  return Math.min(1, s);
}

function digitCount(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Scores the candidate `raw` at `start` and reports it when it is a phone number. */
function consider(text: string, lower: string, start: number, raw: string, seen: Set<number> | undefined, out: PiiSpan[]): void {
  if (seen) {
    if (seen.has(start)) return;
    seen.add(start);
  }
  // Most candidates are short numbers (years, amounts) that score 0 for having under 7 digits.
  if (digitCount(raw) < 7) return;
  const value = raw.replace(/[ \t.-]+$/, '');
  const s = score(text, lower, start, value);
  if (s >= 0.5) out.push({ type: 'PHONE_NUMBER', start, end: start + value.length, score: Math.min(0.9, s) });
}

export function findPhoneNumbers({ text, lower, features }: ScanInput, out: PiiSpan[]): void {
  // A phone number has at least seven digits; most texts have fewer and skip both regexes.
  if (features.digits < 7) return;
  // The two patterns can find a number at the same place; one pattern alone never does (its
  // matches do not overlap), so the set is needed only when both run.
  const seen = text.includes('(') ? new Set<number>() : undefined;
  if (seen) for (const m of execAll(PAREN_START, text)) consider(text, lower, m.index, m[0], seen, out);
  for (const m of execAll(CANDIDATE, text)) consider(text, lower, m.index, m[0], seen, out);
}
