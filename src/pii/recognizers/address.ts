import type { PiiSpan, ScanInput } from '../types.js';
import { COMMON_WORDS, STREET_ENDINGS, STREET_PREFIXES, STREET_SUFFIXES } from '../data/words.js';
import { US_STATE_CODES } from '../data/places.js';
import { SHAPE, isSpaceCode } from '../features.js';
import { execAll, execAt, sticky } from './exec-all.js';
import { lastRuns } from './context-words.js';
import { LEX, STRONG_SUFFIXES, lexicon } from './lexicon.js';
import type { Token } from './tokens.js';
import { hasWord, tokensOf, wordStarts, wordsWith } from './shared.js';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const alternation = (words: Iterable<string>, withCaps: boolean) =>
  [...new Set([...words].flatMap((w) => (withCaps ? [w, capitalize(w), w.toUpperCase()] : [w])))]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');

/** A capitalised word or an ordinal ("42nd"): a bare number is not a street's name ("10h, 3 place"). */
const CAP_WORD = "(?:\\p{Lu}[\\p{L}\\p{M}'’.-]*|\\d{1,4}(?:st|nd|rd|th|ST|ND|RD|TH))";
const ANY_WORD = "[\\p{L}\\p{M}\\d][\\p{L}\\p{M}'’.-]*";
const NUMBER = '\\d{1,6}[A-Za-z]?(?:[-/]\\d{1,4}[A-Za-z]?)?';
const UNIT = '(?:,?[ \\t]*(?:[Aa]pt\\.?|APT\\.?|[Aa]partment|[Ss]uite|SUITE|[Ss]te\\.?|[Uu]nit|[Ff]lat|#|[Ff]l\\.?|[Ff]loor|[Rr]oom|[Rr]m\\.?|[Bb]ldg\\.?)[ \\t]*#?[ \\t]*\\d[\\dA-Za-z-]{0,5}\\b)*';

/** "221B Baker Street", "1600 Pennsylvania Ave NW, Suite 4". */
/** Street types are found first (cheap, from the words); the number and name are then matched backwards. */
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
export const PO_BOX = /\b(?:p\.?\s?o\.?\s?box|post(?:al)?\s+office\s+box|postbox|postfach|box)\s+#?\d{1,6}\b/gi;
const MILITARY = /\b(?:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{3,5}|(?:usns|usnv|uss|usns|uscgc)\s+[\p{L}]+)(?:,?\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5})?/giu;
const PREFIX_FIRST_AT = sticky(PREFIX_FIRST);
const COMPOUND_AT = sticky(COMPOUND);
const NUMBER_PREFIX_AT = sticky(NUMBER_PREFIX);
const MILITARY_AT = sticky(MILITARY);
/** Words after which a line that starts with a number is an address ("my address is 12 …"). */
export const ADDRESS_CUE = /\b(?:address(?:es)?(?: is| was| has changed to)?|live at|lives at|living at|located at|situated at|ship(?:ped)? (?:it )?to|deliver(?:ed)? (?:it )?to|send (?:it |this |them |the \w+ )?to|moved to)\s*:?\s*(?=\d)/gi;
/** A line of its own that reads "number, name, number": the European way of writing a street. */
const NUMBERED_LINE = /(?:^|\n)[ \t>]*(\d{1,6}[ \t]+\p{Lu}[\p{L}\p{M}.'’-]+(?:[ \t]+[\p{L}\p{M}.'’-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\.?)(?=[ \t]*(?:\r?\n|,|$))/gu;
const NUMBERED_LINE_AT = sticky(NUMBERED_LINE);

/**
 * What `execAll(NUMBERED_LINE, text)` finds. Every match starts at the text's start or at a line
 * break, then blanks or ">", then a digit; a long document has thousands of lines and few start
 * with a number, so the pattern is tried only at those, in text order, skipping starts inside
 * the previous match as the global search does.
 */
function numberedLines(text: string): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  const n = text.length;
  let end = 0;
  // Position 0 (the `^` alternative, or a line break there), then every line break.
  for (let p = 0; p >= 0; p = text.indexOf('\n', p + 1)) {
    if (p < end) continue;
    let q = text.charCodeAt(p) === 10 ? p + 1 : p;
    while (q < n && (text.charCodeAt(q) === 32 || text.charCodeAt(q) === 9 || text.charCodeAt(q) === 62)) q++;
    const d = q < n ? text.charCodeAt(q) : 0;
    if (d < 48 || d > 57) continue;
    const m = execAt(NUMBERED_LINE_AT, text, p);
    if (!m) continue;
    found.push(m);
    end = p + m[0].length;
  }
  return found;
}
/** "the corner of 5th Avenue and Main Street": an intersection names a place as well as a number does. */
const CORNER = /\b(?:the )?corner of [^.?!\n]{3,60}? and (?:[\p{Lu}\d][\p{L}\p{M}\d.'’-]*)(?: [\p{Lu}][\p{L}\p{M}.'’-]*){0,3}/gu;
/** An English street line needs a building number before a capitalised name. */
const NUMBER_THEN_NAME = /\d[A-Za-z]?,?[ \t]+[\p{Lu}\d]/u;
/** The last word of every ADDRESS_CUE phrase, which sits right before the number. */
const CUE_RUNS = lastRuns('address addresses is was to at');
const CUE_LENGTHS: ReadonlySet<number> = new Set([...CUE_RUNS].map((w) => w.length));
/** Blanks, an optional comma and dot, then a digit or a letter after one ("43 Apt.", "12b, Suite"), right before `at`. */
function numberRightBefore(text: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  if (k >= 0 && text.charCodeAt(k) === 44) k--;
  if (k >= 0 && text.charCodeAt(k) === 46) k--;
  if (k >= 0 && /[A-Za-z]/.test(text[k]!)) k--;
  const c = k >= 0 ? text.charCodeAt(k) : 0;
  return c >= 48 && c <= 57;
}

/** A capitalised name of one to four words, then a building number, right before a unit word. */
const STREET_BEFORE_UNIT = /(?<![\p{L}\p{M}\d.'’-])\p{Lu}[\p{L}\p{M}.'’-]+(?:[ \t]+[\p{L}\p{M}.'’-]+){0,3}[ \t]+\d{1,5}[A-Za-z]?\.?,?[ \t]*$/u;
export const STANDALONE_UNIT = /\b(?:apt\.?|apartment|suite|ste\.)\s*#?\s*\d{1,5}[A-Za-z]?\b/gi;

/**
 * Where COMPOUND can match a street: a word of four or more letters with a street ending
 * ("-straße", "-gatan") right before an optional dot, blanks and a digit, with the capitalised
 * word before it as a possible lead. Returns [lead start or -1, word start] pairs. The regex, with
 * Unicode classes and a look-behind, was the costliest of the file when run at every position;
 * tried only here it finds the same streets.
 */
function compoundStarts(input: ScanInput): number[] {
  const tokens = tokensOf(input);
  const { text, lower } = input;
  const starts: number[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1]!;
    const d = text.charCodeAt(next.start);
    if (d < 48 || d > 57) continue;
    let k = t.end;
    // A digit token follows, so t.end is inside the text.
    const dot = text.charCodeAt(k) === 46 ? 1 : 0;
    k += dot;
    const blanks = k;
    while (k < next.start && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    if (k !== next.start || k === blanks) continue;
    const s = letterRunStart(text, t);
    if (t.end - s < 4 || !hasStreetEnding(lower.slice(s, t.end + dot))) continue;
    // A lead word: the letters ending the previous token, one blank before the street.
    const prev = tokens[i - 1];
    const c = s > 0 ? text.charCodeAt(s - 1) : -1;
    const lead = s === t.start && prev && prev.end === s - 1 && (c === 32 || c === 9) ? letterRunStart(text, prev) : -1;
    starts.push(lead >= 0 && lead < prev!.end - 1 ? lead : -1, s);
  }
  return starts;
}

/** End of the run of ASCII letters starting at `at`. */
function wordEnd(lower: string, at: number): number {
  let k = at;
  while (k < lower.length && lower.charCodeAt(k) >= 97 && lower.charCodeAt(k) <= 122) k++;
  return k;
}

/** Start of the letters at the end of a token (after a hyphen, an apostrophe or a digit). */
function letterRunStart(text: string, t: Token): number {
  let s = t.end;
  while (s > t.start) {
    const c = text.charCodeAt(s - 1);
    if (c === 45 || c === 39 || c === 0x2019 || (c >= 48 && c <= 57)) break;
    s--;
  }
  return s;
}

/** What the words right before the text's numbers allow (bits): see wordsBeforeNumbers. */
export const BEFORE_NUMBER = {
  /** The last word of an ADDRESS_CUE phrase ("address is 12…", "address:\n12", "lives at12"). */
  CUE: 1,
  /** A unit word of STANDALONE_UNIT ("Apt. 4", "suite #200", "ste. 5", "apt5"). */
  UNIT: 2,
  /** The box word of PO_BOX ("P.O. Box 149", "Postfach 12"). */
  BOX: 4,
} as const;

const isAsciiLower = (c: number) => c >= 97 && c <= 122;

/**
 * One walk over the numbers of the text that tells which number-led patterns can match, from the
 * word right before each number: necessary conditions of ADDRESS_CUE, STANDALONE_UNIT and PO_BOX,
 * checked without a search of the text for each of their words.
 */
export function wordsBeforeNumbers(input: ScanInput): number {
  const { lower } = input;
  const all = BEFORE_NUMBER.CUE | BEFORE_NUMBER.UNIT | BEFORE_NUMBER.BOX;
  let found = 0;
  for (const t of tokensOf(input)) {
    if (t.alpha) continue; // no digit in it
    for (let k = t.start; k < t.end; k++) {
      const d = lower.charCodeAt(k);
      if (d < 48 || d > 57 || (k > t.start && lower.charCodeAt(k - 1) >= 48 && lower.charCodeAt(k - 1) <= 57)) continue;
      if (!(found & BEFORE_NUMBER.CUE) && cueWordBefore(lower, k)) found |= BEFORE_NUMBER.CUE;
      if ((found & (BEFORE_NUMBER.UNIT | BEFORE_NUMBER.BOX)) !== (BEFORE_NUMBER.UNIT | BEFORE_NUMBER.BOX)) found |= unitOrBoxBefore(lower, k);
      if (found === all) return found;
    }
  }
  return found;
}

/** ADDRESS_CUE: back over white space and a colon, then the letters of the word before the number at `k`. */
function cueWordBefore(lower: string, k: number): boolean {
  let j = k - 1;
  while (j >= 0) {
    const c = lower.charCodeAt(j);
    if (c === 32 || c === 58 || (c >= 9 && c <= 13)) j--;
    else if (c >= 128 && isSpaceCode(c)) j--;
    else break;
  }
  const end = j + 1;
  while (j >= 0 && isAsciiLower(lower.charCodeAt(j))) j--;
  if (j >= 0 && lower.charCodeAt(j) >= 128) return true; // a non-ASCII letter may be part of the word
  // (Cut only when the length is one of the phrases' last words: most words before a number are not.)
  return CUE_LENGTHS.has(end - j - 1) && CUE_RUNS.has(lower.slice(j + 1, end));
}

/** STANDALONE_UNIT and PO_BOX: back over blanks, a "#", blanks and (for units) a dot, then the word before the number at `k`. */
function unitOrBoxBefore(lower: string, k: number): number {
  let j = k - 1;
  while (j >= 0 && isSpaceCode(lower.charCodeAt(j))) j--;
  if (j >= 0 && lower.charCodeAt(j) === 35) j--;
  while (j >= 0 && isSpaceCode(lower.charCodeAt(j))) j--;
  const dot = j >= 0 && lower.charCodeAt(j) === 46;
  if (dot) j--;
  const end = j + 1;
  while (j >= 0 && isAsciiLower(lower.charCodeAt(j))) j--;
  const start = j + 1;
  const length = end - start;
  let found = 0;
  if ((length === 3 && (lower.startsWith('apt', start) || (dot && lower.startsWith('ste', start)))) || (length === 5 && lower.startsWith('suite', start)) || (length === 9 && lower.startsWith('apartment', start))) {
    found |= BEFORE_NUMBER.UNIT;
  }
  // ("box", "postbox", and "pobox" of "P.O.Box" written without dots; at least one blank before the number.)
  if (!dot && end < k && length >= 3 && (lower.startsWith('box', end - 3) || (length === 8 && lower.startsWith('postfach', start)))) found |= BEFORE_NUMBER.BOX;
  return found;
}

/**
 * Patterns used inside functions live at module level: a regex literal with a Unicode property
 * escape is compiled by tsx/esbuild into `new RegExp(...)`, which would be built again per call.
 */
const TRAILING_WORD = /[ \t]+([\p{L}'’]+)$/u;
const NEW_SENTENCE = /^\p{Lu}\p{Ll}+ \p{Ll}/u;

function trimTrailingWords(text: string, start: number, end: number): number {
  // Regexes that allow any word after the street type may run into the sentence; cut it back.
  let e = end;
  for (;;) {
    const slice = text.slice(start, e).replace(/[\s,]+$/, '');
    const m = TRAILING_WORD.exec(slice);
    if (!m || !COMMON_WORDS.has(m[1]!.toLowerCase())) return start + slice.length;
    e = start + slice.length - m[0].length;
  }
}

const ZIP_CONTEXT = /\b(?:zip(?: ?code)?|postal ?code|post ?code|postcode|plz|cap|cp|código postal|code postal|codice postale|cep|kod pocztowy|postleitzahl)\b\s*(?:is|:|#|no\.?)?\s*$/;
const ZIP_VALUE = /^(?:\d{5}(?:-\d{3,4})?|\d{3,4}|\d{3}[ -]\d{2}|\d{2}-\d{3}|\d{4}[ ]?[A-Z]{2}|[A-Z]\d[A-Z][ ]?\d[A-Z]\d|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2})\b/i;
const STATE_ZIP = new RegExp(`\\b(?:${[...US_STATE_CODES].join('|')}),?[ \\t]+(\\d{5}(?:-\\d{4})?)\\b`, 'g');
/** The house number's last digit and the comma are matched (not looked behind) so the scan can start from digits. */
const POSTCODE_TOWN = /\d[A-Za-z]?\.?,[ \t](\d{5}|\d{2}-\d{3}|\d{4}|\d{3} \d{2})[ \t](\p{Lu}[\p{L}\p{M}'’-]+(?:[ -]\p{Lu}[\p{L}\p{M}'’-]+)?)(?![\p{L}\p{M}\d])/gu;
const UK_POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b/g;
const CA_POSTCODE = /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g;

/** A street finding, unless too short to be one. (Not a closure: tsx names each closure it creates.) */
function addStreet(streets: PiiSpan[], start: number, end: number, score: number): void {
  if (end - start >= 4) streets.push({ type: 'STREET_ADDRESS', start, end, score });
}

export function findAddresses(input: ScanInput, out: PiiSpan[]): void {
  const { text, lower, caseless, hasDigit } = input;
  const shape = input.features.shape;
  if (lower.includes('corner of')) {
    for (const m of execAll(CORNER, text)) out.push({ type: 'STREET_ADDRESS', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  if (!hasDigit) return;
  const streets: PiiSpan[] = [];
  // Each pattern below runs only when the words or characters it needs are in the text.
  if (caseless) {
    if (hasWord(input, LEX.STRONG_STREET_SUFFIX)) for (const m of execAll(ENGLISH_ANY, text)) {
      // Without capitals the street name must not be ordinary words ("3 miles down the road").
      const words = m[0].split(/[ \t]+/).slice(1, -1);
      if (words.some((w) => COMMON_WORDS.has(w.toLowerCase().replace(/[.,]$/, '')))) continue;
      addStreet(streets, m.index, m.index + m[0].length, 0.85);
    }
  } else if (hasWord(input, LEX.STREET_SUFFIX) && NUMBER_THEN_NAME.test(text)) {
    // The street-type words of the text, as `\b[A-Za-z]{2,12}\b` would find them.
    const found = wordsWith(input, LEX.STREET_SUFFIX);
    for (let p = 0; p < found.length; p += 2) {
      const index = found[p]!;
      const word = text.slice(index, found[p + 1]);
      if (word.length < 2 || word.length > 12 || !/^[A-Za-z]+$/.test(word)) continue;
      // Street types are written "Street", "street" or "STREET", never "sTreet".
      if (!SUFFIXES.has(word.toLowerCase()) || (word !== word.toLowerCase() && word.slice(1) !== word.slice(1).toLowerCase() && word !== word.toUpperCase())) continue;
      const back = ENGLISH_BEFORE.exec(text.slice(Math.max(0, index - 64), index));
      if (!back) continue;
      ENGLISH_AFTER.lastIndex = index + word.length;
      const tail = ENGLISH_AFTER.exec(text);
      addStreet(streets, index - back[0].length, index + word.length + (tail ? tail[0].length : 0), 0.85);
    }
  }
  if (hasWord(input, LEX.STREET_PREFIX) && PREFIX_HINT.test(text)) {
    // Both patterns are tried only where a street-prefix word starts (or at the number before it).
    const starts = wordStarts(input, LEX.STREET_PREFIX);
    let end = 0;
    for (const at of starts) {
      if (at < end) continue;
      // An English word in lower case ("the place is at …", "via email") does not open a street.
      const first = text.charCodeAt(at);
      if (first >= 97 && first <= 122 && (lexicon(lower, at, wordEnd(lower, at)).flags & LEX.COMMON) !== 0) continue;
      const m = execAt(PREFIX_FIRST_AT, text, at);
      if (!m) continue;
      end = at + m[0].length;
      addStreet(streets, at, trimTrailingWords(text, at, end), 0.8);
    }
    const tokens = tokensOf(input);
    end = 0;
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i - 1]!;
      const d = text.charCodeAt(t.start);
      if (!(tokens[i]!.flags & LEX.STREET_PREFIX) || d < 48 || d > 57 || t.start < end) continue;
      const m = execAt(NUMBER_PREFIX_AT, text, t.start);
      if (!m) continue;
      end = t.start + m[0].length;
      addStreet(streets, t.start, trimTrailingWords(text, t.start, end), 0.75);
    }
  }
  // Every pattern below needs a word followed by a number; most digit-bearing texts (dates,
  // amounts) have none, and the compound-street regex is the costliest in the file.
  const compound = shape & SHAPE.WORD_SPACE_DIGIT ? compoundStarts(input) : [];
  for (let p = 0, end = 0; p < compound.length; p += 2) {
    const leadAt = compound[p]!;
    const word = compound[p + 1]!;
    let m = leadAt >= end && leadAt >= 0 ? execAt(COMPOUND_AT, text, leadAt) : null;
    if (!m && word >= end) m = execAt(COMPOUND_AT, text, word);
    if (!m) continue;
    end = m.index + m[0].length;
    if (!hasStreetEnding(m[2]!) || COMMON_WORDS.has(m[2]!.toLowerCase())) continue;
    // The optional leading word must not be an ordinary word ("at Hauptstraße 5").
    const lead = m[1];
    const start = lead && COMMON_WORDS.has(lead.toLowerCase()) ? m.index + lead.length + 1 : m.index;
    addStreet(streets, start, m.index + m[0].length, 0.8);
  }
  // (Most texts with digits have no unit, box or cue word before a number and skip those patterns.)
  const beforeNumbers = wordsBeforeNumbers(input);
  if (beforeNumbers & BEFORE_NUMBER.BOX) for (const m of execAll(PO_BOX, text)) addStreet(streets, m.index, m.index + m[0].length, /^box/i.test(m[0]) ? 0.45 : 0.85);
  if (hasWord(input, LEX.MILITARY)) {
    let end = 0;
    for (const at of wordStarts(input, LEX.MILITARY)) {
      if (at < end) continue;
      const m = execAt(MILITARY_AT, text, at);
      if (!m) continue;
      end = at + m[0].length;
      addStreet(streets, at, end, 0.9);
    }
  }
  if (beforeNumbers & BEFORE_NUMBER.UNIT) {
    for (const m of execAll(STANDALONE_UNIT, text)) {
      // "Dalmatinova 43 Apt. 678": a name and a number right before the unit are its street, in
      // the order most of Europe writes it.
      const before = numberRightBefore(text, m.index) ? STREET_BEFORE_UNIT.exec(text.slice(Math.max(0, m.index - 64), m.index)) : null;
      if (before) addStreet(streets, m.index - before[0].length, m.index + m[0].length, 0.7);
      else addStreet(streets, m.index, m.index + m[0].length, 0.5);
    }
  }
  if (text.includes('\n') || /^\s*\d/.test(text)) {
    for (const m of numberedLines(text)) {
      const start = m.index + m[0].length - m[1]!.length;
      addStreet(streets, start, start + m[1]!.length, 0.7);
    }
  }
  // (Not tried at its words alone: "address12" is one token, yet the pattern matches in it.)
  if (beforeNumbers & BEFORE_NUMBER.CUE) for (const m of execAll(ADDRESS_CUE, text)) {
    const start = m.index + m[0].length;
    const rest = /^[^\n.?!;]{4,80}/.exec(text.slice(start));
    if (rest) addStreet(streets, start, trimTrailingWords(text, start, start + rest[0].length), 0.7);
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

  if (shape & SHAPE.FIVE_DIGITS) for (const m of execAll(STATE_ZIP, text)) {
    const start = m.index + m[0].length - m[1]!.length;
    out.push({ type: 'ZIP_CODE', start, end: start + m[1]!.length, score: 0.8 });
  }
  if (hasWord(input, LEX.ZIP_LABEL)) {
    for (const m of execAll(/\b(?:zip|postal|post|postcode|plz|cap|cp|código|cep|pocztowy|postleitzahl|postale)\b/g, lower)) {
      const after = m.index + m[0].length;
      const window = text.slice(after, after + 24);
      const lead = /^(?: ?code)?\s*(?:is|:|#|no\.?)?\s*/i.exec(window)![0];
      const value = ZIP_VALUE.exec(window.slice(lead.length));
      if (!value || !ZIP_CONTEXT.test(lower.slice(Math.max(0, m.index - 2), after + lead.length))) continue;
      const start = after + lead.length;
      out.push({ type: 'ZIP_CODE', start, end: start + value[0].length, score: 0.9 });
    }
  }
  // "Kastanienallee 9, 10435 Berlin", "ul. Marszałkowska 14, 00-626 Warszawa": after a house
  // number and a comma, a postcode and a capitalised town (the order of most of Europe).
  if (!caseless && shape & SHAPE.NUMBER_COMMA_NUMBER) {
    for (const m of execAll(POSTCODE_TOWN, text)) {
      const start = m.index + m[0].length - m[1]!.length - 1 - m[2]!.length;
      out.push({ type: 'ZIP_CODE', start, end: start + m[1]!.length, score: 0.7 });
      const town = start + m[1]!.length + 1;
      out.push({ type: 'LOCATION', start: town, end: town + m[2]!.length, score: 0.65 });
    }
  }
  if (!caseless && shape & SHAPE.UPPER_DIGIT) {
    for (const m of execAll(UK_POSTCODE, text)) out.push({ type: 'ZIP_CODE', start: m.index, end: m.index + m[0].length, score: 0.6 });
    for (const m of execAll(CA_POSTCODE, text)) out.push({ type: 'ZIP_CODE', start: m.index, end: m.index + m[0].length, score: 0.65 });
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
    // Both separator patterns need, after blanks, a comma or a line break, or (after at least one
    // blank) the first letter of "apt", "suite", "unit" or "ste": most streets end a sentence
    // part ("12 Main Street." or "… Street and …") and are settled by this scan alone.
    let k = pos;
    while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const next = k < text.length ? text.charCodeAt(k) : 0;
    const lowerNext = next | 0x20;
    if (!(next === 44 || next === 10 || next === 13 || (k > pos && (lowerNext === 97 || lowerNext === 115 || lowerNext === 117)))) return pos;
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
      if (sep[0].startsWith(',') && !sep[0].includes('\n') && NEW_SENTENCE.test(seg)) return pos;
    }
    pos = segStart + seg.length;
  }
  return pos;
}

