import type { PiiSpan, ScanInput } from '../types.js';
import { COMMON_WORDS, STREET_ENDINGS, STREET_PREFIXES, STREET_SUFFIXES } from '../data/words.js';
import { US_STATE_CODES } from '../data/places.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const alternation = (words: Iterable<string>, withCaps: boolean) =>
  [...new Set([...words].flatMap((w) => (withCaps ? [w, capitalize(w), w.toUpperCase()] : [w])))]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');

/** The street types that are unambiguous even in text written without capitals. */
const STRONG_SUFFIXES = ['street', 'st', 'avenue', 'ave', 'road', 'rd', 'lane', 'ln', 'drive', 'boulevard', 'blvd', 'way', 'court', 'ct', 'place', 'terrace', 'crescent', 'parkway', 'pkwy', 'highway', 'hwy', 'square', 'circle', 'close'];

const CAP_WORD = "[\\p{Lu}\\d][\\p{L}\\p{M}'’.-]*";
const ANY_WORD = "[\\p{L}\\p{M}\\d][\\p{L}\\p{M}'’.-]*";
const NUMBER = '\\d{1,6}[A-Za-z]?(?:[-/]\\d{1,4}[A-Za-z]?)?';
const UNIT = '(?:,?[ \\t]*(?:[Aa]pt\\.?|APT\\.?|[Aa]partment|[Ss]uite|SUITE|[Ss]te\\.?|[Uu]nit|[Ff]lat|#|[Ff]l\\.?|[Ff]loor|[Rr]oom|[Rr]m\\.?|[Bb]ldg\\.?)[ \\t]*#?[ \\t]*\\d[\\dA-Za-z-]{0,5}\\b)*';

/** "221B Baker Street", "1600 Pennsylvania Ave NW, Suite 4". */
/** Street types are found first (cheap); the number and name are then matched backwards. */
const SUFFIX_WORD = /\b[A-Za-z]{2,12}\b/g;
const SUFFIXES = new Set([...STREET_SUFFIXES].map((w) => w.replace(/\.$/, '')));
const ENGLISH_BEFORE = new RegExp(`(?<![\\w-])${NUMBER},?[ \\t]+(?:${CAP_WORD}[ \\t]+){1,4}$`, 'u');
const ENGLISH_AFTER = new RegExp(`\\.?(?:[ \\t]+(?:N|S|E|W|NE|NW|SE|SW)\\b\\.?)?${UNIT}`, 'y');
const PREFIX_HINT = new RegExp(`(?:^|[^\\p{L}])(?:${alternation(STREET_PREFIXES, false)})(?![\\p{L}])`, 'iu');
const ENGLISH_ANY = new RegExp(`(?<![\\w-])${NUMBER},?[ \\t]+(?:${ANY_WORD}[ \\t]+){1,3}(?:${alternation(STRONG_SUFFIXES, true)})\\b\\.?${UNIT}`, 'gu');
/** "Rue de Rivoli 12", "Via Roma 131", "ul. Słowicza 10", and "12 rue de Rivoli". */
const PREFIX_FIRST = new RegExp(`(?<![\\p{L}\\d])(?:${alternation(STREET_PREFIXES, true)})[ \\t]+(?:${ANY_WORD}[ \\t]+){0,4}?${ANY_WORD},?[ \\t]+\\d{1,5}[A-Za-z]?(?:[-/]\\d{1,4})?\\b${UNIT}`, 'gu');
const NUMBER_PREFIX = new RegExp(`(?<![\\w-])\\d{1,5}[A-Za-z]?,?[ \\t]+(?:${alternation(STREET_PREFIXES, true)})[ \\t]+(?:${ANY_WORD}[ \\t]*){1,5}`, 'gu');
/** "Hauptstraße 5", "Kungsgatan 12", "Mannerheimintie 3". */
const COMPOUND = new RegExp(`(?<![\\p{L}\\d])(?:([\\p{Lu}][\\p{L}\\p{M}]+)[ \\t])?([\\p{L}\\p{M}]{4,}\\.?)[ \\t]+\\d{1,5}[A-Za-z]?\\b${UNIT}`, 'gu');
const ENDINGS = new Set(STREET_ENDINGS);
function hasStreetEnding(word: string): boolean {
  const w = word.toLowerCase();
  for (let n = 2; n <= 8 && n < w.length; n++) if (ENDINGS.has(w.slice(-n))) return true;
  return false;
}
const PO_BOX = /\b(?:p\.?\s?o\.?\s?box|post(?:al)?\s+office\s+box|postbox|postfach|box)\s+#?\d{1,6}\b/gi;
const MILITARY = /\b(?:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{3,5}|(?:usns|usnv|uss|usns|uscgc)\s+[\p{L}]+)(?:,?\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5})?/giu;
/** Words after which a line that starts with a number is an address ("my address is 12 …"). */
const ADDRESS_CUE = /\b(?:address(?:es)?(?: is| was| has changed to)?|live at|lives at|living at|located at|situated at|ship(?:ped)? (?:it )?to|deliver(?:ed)? (?:it )?to|send (?:it |this |them |the \w+ )?to|moved to)\s*:?\s*(?=\d)/gi;
/** A line of its own that reads "number, name, number": the European way of writing a street. */
const NUMBERED_LINE = /(?:^|\n)[ \t>]*(\d{1,6}[ \t]+\p{Lu}[\p{L}\p{M}.'’-]+(?:[ \t]+[\p{L}\p{M}.'’-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\.?)(?=[ \t]*(?:\r?\n|,|$))/gu;
/** "the corner of 5th Avenue and Main Street": an intersection names a place as well as a number does. */
const CORNER = /\b(?:the )?corner of [^.?!\n]{3,60}? and (?:[\p{Lu}\d][\p{L}\p{M}\d.'’-]*)(?: [\p{Lu}][\p{L}\p{M}.'’-]*){0,3}/gu;
/** An English street line needs a building number before a capitalised name. */
const NUMBER_THEN_NAME = /\d[A-Za-z]?,?[ \t]+[\p{Lu}\d]/u;
/** Every address cue ends in "s", "t" or "o" right before the number. */
const CUE_HINT = /[sto]\s*:?\s*\d/i;
const WORD_THEN_NUMBER = /[\p{L}\p{M}.][ \t]+\d/u;
const MILITARY_HINT = /box|us[sn]|uscgc/;
const UNIT_HINT = /apt|apartment|suite|ste\./;
const STANDALONE_UNIT = /\b(?:apt\.?|apartment|suite|ste\.)\s*#?\s*\d{1,5}[A-Za-z]?\b/gi;

function trimTrailingWords(text: string, start: number, end: number): number {
  // Regexes that allow any word after the street type may run into the sentence; cut it back.
  let e = end;
  for (;;) {
    const slice = text.slice(start, e).replace(/[\s,]+$/, '');
    const m = /[ \t]+([\p{L}'’]+)$/u.exec(slice);
    if (!m || !COMMON_WORDS.has(m[1]!.toLowerCase())) return start + slice.length;
    e = start + slice.length - m[0].length;
  }
}

const ZIP_CONTEXT = /\b(?:zip(?: ?code)?|postal ?code|post ?code|postcode|plz|cap|cp|código postal)\b\s*(?:is|:|#|no\.?)?\s*$/;
const ZIP_VALUE = /^(?:\d{5}(?:-\d{3,4})?|\d{3,4}|\d{3}[ -]\d{2}|\d{2}-\d{3}|\d{4}[ ]?[A-Z]{2}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})\b/i;
const STATE_ZIP = new RegExp(`\\b(?:${[...US_STATE_CODES].join('|')}),?[ \\t]+(\\d{5}(?:-\\d{4})?)\\b`, 'g');
const FIVE_DIGITS = /\d{5}/;
const LETTER_DIGIT = /[A-Z]\d|GIR/;
const UK_POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b/g;
const CA_POSTCODE = /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g;

export function findAddresses({ text, lower, caseless, hasDigit }: ScanInput, out: PiiSpan[]): void {
  if (lower.includes('corner of')) {
    for (const m of text.matchAll(CORNER)) out.push({ type: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  if (!hasDigit) return;
  const streets: PiiSpan[] = [];
  const push = (start: number, end: number, score: number) => {
    if (end - start < 4) return;
    streets.push({ type: 'STREET_ADDRESS', start, end, score });
  };
  if (caseless) {
    for (const m of text.matchAll(ENGLISH_ANY)) {
      // Without capitals the street name must not be ordinary words ("3 miles down the road").
      const words = m[0].split(/[ \t]+/).slice(1, -1);
      if (words.some((w) => COMMON_WORDS.has(w.toLowerCase().replace(/[.,]$/, '')))) continue;
      push(m.index, m.index + m[0].length, 0.85);
    }
  } else if (NUMBER_THEN_NAME.test(text)) {
    for (const m of text.matchAll(SUFFIX_WORD)) {
      const word = m[0];
      // Street types are written "Street", "street" or "STREET", never "sTreet".
      if (!SUFFIXES.has(word.toLowerCase()) || (word !== word.toLowerCase() && word.slice(1) !== word.slice(1).toLowerCase() && word !== word.toUpperCase())) continue;
      const back = ENGLISH_BEFORE.exec(text.slice(Math.max(0, m.index - 64), m.index));
      if (!back) continue;
      ENGLISH_AFTER.lastIndex = m.index + m[0].length;
      const tail = ENGLISH_AFTER.exec(text);
      push(m.index - back[0].length, m.index + m[0].length + (tail ? tail[0].length : 0), 0.85);
    }
  }
  if (PREFIX_HINT.test(text)) {
    for (const m of text.matchAll(PREFIX_FIRST)) push(m.index, trimTrailingWords(text, m.index, m.index + m[0].length), 0.8);
    for (const m of text.matchAll(NUMBER_PREFIX)) push(m.index, trimTrailingWords(text, m.index, m.index + m[0].length), 0.75);
  }
  // Every pattern below needs a word followed by a number; most digit-bearing texts (dates,
  // amounts) have none, and the compound-street regex is the costliest in the file.
  const wordThenNumber = WORD_THEN_NUMBER.test(text);
  if (wordThenNumber) for (const m of text.matchAll(COMPOUND)) {
    if (!hasStreetEnding(m[2]!) || COMMON_WORDS.has(m[2]!.toLowerCase())) continue;
    // The optional leading word must not be an ordinary word ("at Hauptstraße 5").
    const lead = m[1];
    const start = lead && COMMON_WORDS.has(lead.toLowerCase()) ? m.index + lead.length + 1 : m.index;
    push(start, m.index + m[0].length, 0.8);
  }
  if (lower.includes('box') || lower.includes('postfach')) for (const m of text.matchAll(PO_BOX)) push(m.index, m.index + m[0].length, /^box/i.test(m[0]) ? 0.45 : 0.85);
  if (MILITARY_HINT.test(lower)) for (const m of text.matchAll(MILITARY)) push(m.index, m.index + m[0].length, 0.9);
  if (UNIT_HINT.test(lower)) for (const m of text.matchAll(STANDALONE_UNIT)) push(m.index, m.index + m[0].length, 0.5);
  if (text.includes('\n') || /^\s*\d/.test(text)) {
    for (const m of text.matchAll(NUMBERED_LINE)) {
      const start = m.index + m[0].length - m[1]!.length;
      push(start, start + m[1]!.length, 0.7);
    }
  }
  if (CUE_HINT.test(text)) for (const m of text.matchAll(ADDRESS_CUE)) {
    const start = m.index + m[0].length;
    const rest = /^[^\n.?!;]{4,80}/.exec(text.slice(start));
    if (rest) push(start, trimTrailingWords(text, start, start + rest[0].length), 0.7);
  }
  // One postal address is one finding: building number, street, unit, town, region, postcode.
  for (const s of streets) {
    if (s.score < 0.7) continue;
    const lead = /(?:^|[^\w-])(\d{1,6}[ \t]+)$/.exec(text.slice(Math.max(0, s.start - 8), s.start));
    if (lead) s.start -= lead[1]!.length;
    const end = followAddressBlock(text, s.end);
    // If a surer finding inside the town lines wins, the street alone must still be reported.
    if (end > s.end) out.push({ ...s, score: s.score - 0.01 });
    s.end = end;
  }
  out.push(...streets);

  if (FIVE_DIGITS.test(text)) for (const m of text.matchAll(STATE_ZIP)) {
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ type: 'ZIP_CODE', start, end: start + m[1]!.length, score: 0.8 });
  }
  if (/zip|post|plz|cap|cp|código/.test(lower)) {
    for (const m of lower.matchAll(/\b(?:zip|postal|post|postcode|plz|cap|cp|código)\b/g)) {
      const after = m.index + m[0].length;
      const window = text.slice(after, after + 24);
      const lead = /^(?: ?code)?\s*(?:is|:|#|no\.?)?\s*/i.exec(window)![0];
      const value = ZIP_VALUE.exec(window.slice(lead.length));
      if (!value || !ZIP_CONTEXT.test(lower.slice(Math.max(0, m.index - 2), after + lead.length))) continue;
      const start = after + lead.length;
      out.push({ type: 'ZIP_CODE', start, end: start + value[0].length, score: 0.9 });
    }
  }
  if (!caseless && LETTER_DIGIT.test(text)) {
    for (const m of text.matchAll(UK_POSTCODE)) out.push({ type: 'ZIP_CODE', start: m.index, end: m.index + m[0].length, score: 0.6 });
    for (const m of text.matchAll(CA_POSTCODE)) out.push({ type: 'ZIP_CODE', start: m.index, end: m.index + m[0].length, score: 0.65 });
  }
}

const BLOCK_UNIT = /^(?:apt\.?|apartment|suite|ste\.?|unit|flat|fl\.?|floor|room)\s*#?\s*[\dA-Za-z-]{1,6}$/i;
const BLOCK_ZIP = /^(?:\d{4,6}(?:-\d{3,4})?|\d{3} \d{2}|\d{2}-\d{3}|\d{4} ?[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/;
const BLOCK_PLACE = /^[\p{Lu}][\p{L}\p{M}'’.-]*(?:[ -](?:[\p{Lu}][\p{L}\p{M}'’.-]*|de|del|la|le|sur|am|an|der|na|nad|pod|di|da))*(?: \([\p{L} ]+\))?$/u;

/**
 * A postal address goes on after its street line: unit, town, region, country, postcode, each on
 * its own line or after a comma. Returns where the address ends.
 */
function followAddressBlock(text: string, from: number): number {
  let pos = from;
  for (let parts = 0; parts < 6; parts++) {
    const sep = /^[ \t]*(?:,[ \t]*|\r?\n[ \t>]*|,[ \t]*\r?\n[ \t>]*)+/.exec(text.slice(pos, pos + 16)) ?? /^[ \t]+(?=(?:apt|suite|unit|ste)\b)/i.exec(text.slice(pos, pos + 16));
    if (!sep) return pos;
    const segStart = pos + sep[0].length;
    const lineEnd = text.slice(segStart).search(/[,\n?!]|\.(?:\s|$)/);
    const segEnd = lineEnd < 0 ? text.length : segStart + lineEnd;
    const seg = text.slice(segStart, segEnd).trimEnd();
    if (seg.length === 0 || seg.length > 48) return pos;
    if (!(BLOCK_UNIT.test(seg) || BLOCK_ZIP.test(seg) || /^[A-Z]{2,3}$/.test(seg))) {
      // "Town", "Country 12345", "Cyprus (Greek) 51034".
      const withZip = /^(.*?)[ \t]+(\d{4,6}(?:-\d{3,4})?|\d{3} \d{2}|\d{2}-\d{3})$/u.exec(seg);
      const place = withZip ? withZip[1]! : seg;
      if (!BLOCK_PLACE.test(place) || place.split(' ').length > 4) return pos;
      if (COMMON_WORDS.has(place.toLowerCase())) return pos;
      // A new sentence after a comma is not the town.
      if (sep[0].startsWith(',') && !sep[0].includes('\n') && /^\p{Lu}\p{Ll}+ \p{Ll}/u.test(seg)) return pos;
    }
    pos = segStart + seg.length;
  }
  return pos;
}

