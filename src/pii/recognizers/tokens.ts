/** A word of the scanned text with the facts the name recognizer asks about it. */
export interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
  /** Starts with an upper-case letter. */
  cap: boolean;
  /** Two or more letters, all upper case ("LONDON", "IBM"). */
  upper: boolean;
  /** Letters only (with inner apostrophes or hyphens). */
  alpha: boolean;
  /** First word of a sentence, a line or a quotation: its capital says nothing. */
  initial: boolean;
}

const NON_ASCII_WORD = /[\p{L}\p{M}\p{N}]/uy;
const NON_ASCII_SPACE = /\s/;

/** Length in code units of the word character at `i` (a letter, mark or digit), or 0. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? 1 : 0;
  NON_ASCII_WORD.lastIndex = i;
  return NON_ASCII_WORD.test(text) ? NON_ASCII_WORD.lastIndex - i : 0;
}

/** Characters after which (and optional spaces) a capital says nothing: . ! ? : newline " “ ( > • * - */
function opensSentence(c: number): boolean {
  return c === 46 || c === 33 || c === 63 || c === 58 || c === 10 || c === 34 || c === 0x201c || c === 40 || c === 62 || c === 0x2022 || c === 42 || c === 45;
}

function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return NON_ASCII_SPACE.test(String.fromCharCode(c));
}

/** True when the (at most four) characters before `at`, after `from`, end a sentence or a line. */
function afterSentenceGap(text: string, from: number, at: number): boolean {
  for (let k = at - 1; k >= from; k--) {
    const c = text.charCodeAt(k);
    if (opensSentence(c)) return true;
    if (!isSpace(c)) return false;
  }
  return false;
}

/**
 * Words are runs of letters, marks and digits, joined by inner apostrophes or hyphens. A
 * hand-written scan: this runs once per word of every scanned text, and the equivalent Unicode
 * regex plus per-word regex tests cost several times more.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let prevEnd = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let w = wordCharAt(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    for (;;) {
      i += w;
      w = wordCharAt(text, i);
      if (w > 0) continue;
      const sep = text.charCodeAt(i);
      if ((sep === 39 || sep === 0x2019 || sep === 45) && i + 1 < n) {
        const next = wordCharAt(text, i + 1);
        if (next > 0) {
          i++;
          w = next;
          continue;
        }
      }
      break;
    }
    let end = i;
    // A possessive "'s" belongs to the sentence, not to the name ("Anna's" is "Anna").
    if (end - start >= 3 && text.charCodeAt(end - 1) === 115 && (text.charCodeAt(end - 2) === 39 || text.charCodeAt(end - 2) === 0x2019)) end -= 2;
    let ascii = true;
    let alpha = true;
    let upperAscii = true;
    let hasCapital = false;
    for (let k = start; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c >= 128) ascii = false;
      else if (c >= 48 && c <= 57) alpha = false;
      else if (c >= 97 && c <= 122) upperAscii = false;
      else if (c >= 65 && c <= 90) hasCapital = true;
    }
    const value = text.slice(start, end);
    const initial = tokens.length === 0 || afterSentenceGap(text, Math.max(prevEnd, start - 4), start);
    const lower = value.toLowerCase();
    let cap: boolean;
    let upper: boolean;
    if (ascii) {
      const c0 = value.charCodeAt(0);
      cap = c0 >= 65 && c0 <= 90;
      upper = alpha && value.length > 1 && upperAscii && hasCapital;
    } else {
      const upperCased = value.toUpperCase();
      const c0 = value.charCodeAt(0);
      cap = c0 < 128 ? c0 >= 65 && c0 <= 90 : value[0] !== lower[0] && value[0] === upperCased[0];
      upper = alpha && value.length > 1 && value === upperCased && value !== lower;
    }
    tokens.push({ start, end, text: value, lower, cap, upper, alpha, initial });
    prevEnd = end;
  }
  return tokens;
}

/** The characters between two tokens. */
export function gapBetween(text: string, a: Token, b: Token): string {
  return text.slice(a.end, b.start);
}
