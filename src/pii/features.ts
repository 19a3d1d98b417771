/**
 * Character shapes found in one pass over the text, so recognisers can skip themselves without
 * running a "hint" regex each. Every shape is a necessary condition of the patterns that test it:
 * a recogniser that skips on a missing shape could not have matched anything.
 */
export const SHAPE = {
  /** A digit, then "-", "/" or ".", then a digit ("12-05", "1.5", "3/4"). */
  DIGIT_SEP_DIGIT: 1,
  /** A digit, ".", a digit. */
  DIGIT_DOT_DIGIT: 2,
  /** Four digits in a row, then "-" and a digit (ISO dates). */
  Y4_DASH_DIGIT: 4,
  /** Four digits in a row, then "/". */
  Y4_SLASH: 8,
  /** A digit, then ":", "." or "h", then a digit 0-5 and a digit (clock times). */
  CLOCK: 16,
  /** A digit, an optional space, "a" or "p" (any case), an optional ".", "m" (7 am, 9.pm). */
  AM_PM: 32,
  /** "18", "19" or "20" followed by two more digits (a year). */
  YEAR: 64,
  /** A digit, "0", "s" ("90s"). */
  DECADE: 128,
  /** A digit, an optional space, "y" (any case): "5 yrs", "3yo". */
  DIGIT_Y: 256,
  /** "m", "s" or "e" (any case), white space, a digit ("I'm 25", "she is 30"). */
  MSE_SPACE_DIGIT: 512,
  /** Two ASCII letters right before two digits (an IBAN's country and check digits). */
  LETTERS_DIGITS: 1024,
  /** An ASCII letter or digit, ".", two ASCII letters (a domain). */
  DOMAIN: 2048,
  /** An upper-case ASCII letter right before a digit, or "GIR" (UK and Canadian postcodes). */
  UPPER_DIGIT: 4096,
  /** Five digits in a row. */
  FIVE_DIGITS: 8192,
  /** A letter, a dot or a mark, then spaces or tabs, then a digit ("Hauptstraße 5"). */
  WORD_SPACE_DIGIT: 16384,
  /** Any character outside ASCII. */
  NON_ASCII: 32768,
  /** An apostrophe or hyphen between two letters or digits ("O'Neil", "co-founder"). */
  JOINED: 65536,
  /** A lower-case ASCII letter. */
  ASCII_LOWER: 131072,
  /** A digit, then "h" or "H", or a blank and "u" or "U" ("10h", "14 Uhr"). */
  DIGIT_H: 262144,
  /** A digit, white space, then "a", "j" or "l" (any case): "31 años", "31 ans", "31 Jahre", "31 anni", "31 lat". */
  DIGIT_SPACE_AJL: 524288,
  /** A digit up to three characters before a comma, then a blank and a digit ("Allee 9, 10435"). */
  NUMBER_COMMA_NUMBER: 1048576,
  /** An apostrophe (' or ’) right before a digit ("'94", "’09"). */
  APOSTROPHE_DIGIT: 2097152,
} as const;

/**
 * Scripts without Latin letters found in the text (bits of TextFeatures.scripts): the recognisers
 * for names and places written in them run only for the scripts a text has.
 */
export const SCRIPT = {
  GREEK: 1,
  CYRILLIC: 2,
  HEBREW: 4,
  ARABIC: 8,
  DEVANAGARI: 16,
  /** Chinese characters and Japanese kana. */
  HAN_KANA: 32,
  HANGUL: 64,
} as const;

/** The SCRIPT bit of a character code outside ASCII (0 for the rest). */
function scriptOf(c: number): number {
  if (c < 0x0370) return 0;
  if (c < 0x0400) return SCRIPT.GREEK;
  if (c < 0x0530) return SCRIPT.CYRILLIC;
  if (c < 0x0590) return 0;
  if (c < 0x0600) return SCRIPT.HEBREW;
  if (c < 0x0780) return SCRIPT.ARABIC;
  if (c < 0x0900) return 0;
  if (c < 0x0980) return SCRIPT.DEVANAGARI;
  if (c >= 0x1100 && c < 0x1200) return SCRIPT.HANGUL;
  if (c >= 0x1f00 && c < 0x2000) return SCRIPT.GREEK;
  if (c >= 0x3040 && c < 0x3100) return SCRIPT.HAN_KANA;
  if (c >= 0x3400 && c < 0xa000) return SCRIPT.HAN_KANA;
  if (c >= 0xac00 && c < 0xd7b0) return SCRIPT.HANGUL;
  if (c >= 0xfb1d && c < 0xfb50) return SCRIPT.HEBREW;
  if (c >= 0xfb50 && c < 0xfe00) return SCRIPT.ARABIC;
  return 0;
}

/** The SCRIPT bits of every character of `text` (as TextFeatures.scripts has them). */
export function scriptsOf(text: string): number {
  let scripts = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128) scripts |= scriptOf(c);
  }
  return scripts;
}

export interface TextFeatures {
  /** Bits of SHAPE. */
  shape: number;
  /** Bits of SCRIPT. */
  scripts: number;
  /** ASCII digits in the text. */
  digits: number;
  /** Colons in the text. */
  colons: number;
  /** Longest run of [A-Za-z0-9+/_=.-] (opaque tokens, credentials). */
  maxOpaqueRun: number;
}

const DIGIT = 1;
const LETTER = 2;
const UPPER = 4;
const OPAQUE = 8;
const SPACE = 16;
const CLASS = new Uint8Array(128);
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT | OPAQUE;
for (let c = 65; c <= 90; c++) CLASS[c] = LETTER | UPPER | OPAQUE;
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER | OPAQUE;
for (const c of [43, 47, 95, 61, 46, 45]) CLASS[c] = OPAQUE;
for (const c of [32, 9, 10, 11, 12, 13]) CLASS[c] = SPACE;

const isDigit = (c: number) => c >= 48 && c <= 57;
/**
 * The character code at `i`, 0 past the end: reads look up to three characters ahead, and an
 * out-of-bounds charCodeAt makes V8 throw away and recompile the optimised loop. (A module-level
 * function rather than a closure in textFeatures: a closure is allocated, and named by tsx, per call.)
 */
const codeAt = (text: string, n: number, i: number) => (i < n ? text.charCodeAt(i) : 0);
const NON_ASCII_SPACE = /\s/;
const NON_ASCII_LETTER = /[\p{L}\p{M}]/u;

export function textFeatures(text: string): TextFeatures {
  const n = text.length;
  let shape = 0;
  let scripts = 0;
  let digits = 0;
  let colons = 0;
  let opaqueRun = 0;
  let maxOpaqueRun = 0;
  let digitRun = 0;
  let letterRun = 0;
  /** Length of the ASCII letter run that ended right where the current digit run began. */
  let lettersBeforeDigits = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    // Fast paths for the two most frequent characters, lower-case letters and spaces.
    if (c >= 97 && c <= 122) {
      shape |= SHAPE.ASCII_LOWER;
      if (++opaqueRun > maxOpaqueRun) maxOpaqueRun = opaqueRun;
      digitRun = 0;
      letterRun++;
      continue;
    }
    if (c === 32) {
      opaqueRun = 0;
      digitRun = 0;
      letterRun = 0;
      continue;
    }
    // Capitals: what the general path below does for them, without its class look-ups.
    if (c >= 65 && c <= 90) {
      if (++opaqueRun > maxOpaqueRun) maxOpaqueRun = opaqueRun;
      digitRun = 0;
      letterRun++;
      if (c === 71 && text.startsWith('GIR', i)) shape |= SHAPE.UPPER_DIGIT;
      continue;
    }
    const cls = c < 128 ? CLASS[c]! : 0;
    if (c >= 128) {
      shape |= SHAPE.NON_ASCII;
      scripts |= scriptOf(c);
    }
    else if ((c === 39 || c === 45) && i > 0 && i + 1 < n) {
      const p = text.charCodeAt(i - 1);
      const q = codeAt(text, n, i + 1);
      if (p < 128 && CLASS[p]! & (LETTER | DIGIT) && q < 128 && CLASS[q]! & (LETTER | DIGIT)) shape |= SHAPE.JOINED;
    }
    if (cls & OPAQUE) {
      if (++opaqueRun > maxOpaqueRun) maxOpaqueRun = opaqueRun;
    } else opaqueRun = 0;
    if (c === 58) colons++;
    else if (c === 44 && i + 2 < n && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9) && isDigit(text.charCodeAt(i + 2))) {
      if ((i >= 1 && isDigit(text.charCodeAt(i - 1))) || (i >= 2 && isDigit(text.charCodeAt(i - 2))) || (i >= 3 && isDigit(text.charCodeAt(i - 3)))) shape |= SHAPE.NUMBER_COMMA_NUMBER;
    }
    if (cls & DIGIT) {
      digits++;
      if (digitRun === 0) lettersBeforeDigits = letterRun;
      digitRun++;
      letterRun = 0;
      if (digitRun === 2 && lettersBeforeDigits >= 2) shape |= SHAPE.LETTERS_DIGITS;
      if (digitRun >= 5) shape |= SHAPE.FIVE_DIGITS;
      if (digitRun >= 4) {
        const a = text.charCodeAt(i - 3);
        const b = text.charCodeAt(i - 2);
        if ((a === 49 && (b === 56 || b === 57)) || (a === 50 && b === 48)) shape |= SHAPE.YEAR;
      }
      if (i > 0) {
        const p = text.charCodeAt(i - 1);
        if (p >= 65 && p <= 90) shape |= SHAPE.UPPER_DIGIT;
        else if (p === 39 || p === 0x2019) shape |= SHAPE.APOSTROPHE_DIGIT;
      }
      const next = codeAt(text, n, i + 1);
      const next2 = codeAt(text, n, i + 2);
      if ((next === 45 || next === 47 || next === 46) && isDigit(next2)) {
        shape |= SHAPE.DIGIT_SEP_DIGIT;
        if (next === 46) shape |= SHAPE.DIGIT_DOT_DIGIT;
      }
      if (digitRun >= 4 && next === 45 && isDigit(next2)) shape |= SHAPE.Y4_DASH_DIGIT;
      if (digitRun >= 4 && next === 47) shape |= SHAPE.Y4_SLASH;
      if ((next === 58 || next === 46 || next === 104 || next === 72) && next2 >= 48 && next2 <= 53 && isDigit(codeAt(text, n, i + 3))) shape |= SHAPE.CLOCK;
      if (next === 48 && (next2 === 115 || next2 === 83)) shape |= SHAPE.DECADE;
      if (next === 104 || next === 72 || (next === 32 && (next2 === 117 || next2 === 85))) shape |= SHAPE.DIGIT_H;
      // digit, optional white space, then "a"/"p" + optional "." + "m", or "y".
      let k = i + 1;
      let ch = next;
      if (ch < 128 ? CLASS[ch]! & SPACE : NON_ASCII_SPACE.test(text.charAt(k))) ch = codeAt(text, n, ++k);
      const lowerCh = ch | 0x20;
      if (k > i + 1 && (lowerCh === 97 || lowerCh === 106 || lowerCh === 108) && ch >= 65) shape |= SHAPE.DIGIT_SPACE_AJL;
      if (lowerCh === 121 && ch >= 65) shape |= SHAPE.DIGIT_Y;
      if ((lowerCh === 97 || lowerCh === 112) && ch >= 65) {
        let m = codeAt(text, n, k + 1);
        if (m === 46) m = codeAt(text, n, k + 2);
        if ((m | 0x20) === 109 && m >= 65) shape |= SHAPE.AM_PM;
      }
      // white space before this digit, after "m", "s" or "e" (or any letter for WORD_SPACE_DIGIT).
      if (digitRun === 1 && i > 0) {
        let j = i - 1;
        while (j >= 0 && (text.charCodeAt(j) < 128 ? CLASS[text.charCodeAt(j)]! & SPACE : NON_ASCII_SPACE.test(text.charAt(j)))) j--;
        if (j < i - 1 && j >= 0) {
          const p = text.charCodeAt(j) | 0x20;
          if (p === 109 || p === 115 || p === 101) shape |= SHAPE.MSE_SPACE_DIGIT;
        }
        j = i - 1;
        while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
        if (j < i - 1 && j >= 0) {
          const p = text.charCodeAt(j);
          if (p < 128 ? (CLASS[p]! & LETTER) !== 0 || p === 46 : NON_ASCII_LETTER.test(text.charAt(j))) shape |= SHAPE.WORD_SPACE_DIGIT;
        }
      }
    } else {
      digitRun = 0;
      if (cls & LETTER) letterRun++;
      else {
        letterRun = 0;
        if (c === 46 && i > 0) {
          const p = text.charCodeAt(i - 1);
          const a = codeAt(text, n, i + 1);
          const b = codeAt(text, n, i + 2);
          if (p < 128 && CLASS[p]! & (LETTER | DIGIT) && a < 128 && CLASS[a]! & LETTER && b < 128 && CLASS[b]! & LETTER) shape |= SHAPE.DOMAIN;
        }
      }
      if (c === 71 && text.startsWith('GIR', i)) shape |= SHAPE.UPPER_DIGIT;
    }
  }
  return { shape, scripts, digits, colons, maxOpaqueRun };
}

/** `\s` of JavaScript regexes, for one UTF-16 code unit. */
export function isSpaceCode(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

const UPPER_CASE_LETTER = /^\p{Lu}/u;
const LETTER_OR_NUMBER = /^[\p{L}\p{N}]$/u;

/** The code point starting at `i` is an upper-case letter. */
function upperAt(text: string, i: number, c: number): boolean {
  if (c < 128) return c >= 65 && c <= 90;
  return UPPER_CASE_LETTER.test(text.slice(i, i + 2));
}

/** The code point ending at `j` is a letter, a number, ",", ";" or ")". */
function wordOrClauseEndAt(text: string, j: number): boolean {
  const c = text.charCodeAt(j);
  if (c < 128) return (CLASS[c]! & (LETTER | DIGIT)) !== 0 || c === 44 || c === 59 || c === 41;
  const pair = c >= 0xdc00 && c <= 0xdfff && j > 0 && text.charCodeAt(j - 1) >= 0xd800 && text.charCodeAt(j - 1) <= 0xdbff;
  return LETTER_OR_NUMBER.test(pair ? text.slice(j - 1, j + 1) : text.charAt(j));
}

const isAsciiWordCode = (c: number) => c < 128 && ((CLASS[c]! & (LETTER | DIGIT)) !== 0 || c === 95);

/**
 * Whether a capital follows a word inside a sentence, not the pronoun "I" (the writer uses
 * capitals): what `/[\p{L}\p{N},;)]\s+(?!I\b|I['’])\p{Lu}/u` tests, found from the blanks alone
 * instead of trying a Unicode regex at every position. A capital counts when the maximal run of
 * white space before it is preceded by a letter, a number, ",", ";" or ")".
 */
export function hasMidSentenceCapital(text: string): boolean {
  const n = text.length;
  for (let i = 1; i < n; i++) {
    const c = text.charCodeAt(i);
    // Most characters are lower-case letters or spaces: ruled out by their code alone. Only the
    // character right after white space can be the capital.
    if (c < 65 || (c > 90 && c < 128) || !isSpaceCode(text.charCodeAt(i - 1)) || !upperAt(text, i, c)) continue;
    if (c === 73 && !(i + 1 < n && isAsciiWordCode(text.charCodeAt(i + 1)))) continue; // "I", "I'm"
    let j = i - 1;
    while (j >= 0 && isSpaceCode(text.charCodeAt(j))) j--;
    if (j >= 0 && wordOrClauseEndAt(text, j)) return true;
  }
  return false;
}
