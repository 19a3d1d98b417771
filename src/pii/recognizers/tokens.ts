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

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu;
const POSSESSIVE = /.['’]s$/u;
const SENTENCE_GAP = /[.!?:\n"“(>•*-]\s*$/;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    // A possessive "'s" belongs to the sentence, not to the name ("Anna's" is "Anna").
    const value = POSSESSIVE.test(m[0]) ? m[0].slice(0, -2) : m[0];
    const initial = tokens.length === 0 || SENTENCE_GAP.test(text.slice(Math.max(prevEnd, m.index - 4), m.index));
    const lower = value.toLowerCase();
    const upperCased = value.toUpperCase();
    const c0 = value.charCodeAt(0);
    // Character-code checks: this loop runs once per word of every scanned text.
    const cap = c0 < 128 ? c0 >= 65 && c0 <= 90 : value[0] !== lower[0] && value[0] === upperCased[0];
    let alpha = true;
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        alpha = false;
        break;
      }
    }
    tokens.push({
      start: m.index,
      end: m.index + value.length,
      text: value,
      lower,
      cap,
      upper: alpha && value.length > 1 && value === upperCased && value !== lower,
      alpha,
      initial,
    });
    prevEnd = m.index + value.length;
  }
  return tokens;
}

/** The characters between two tokens. */
export function gapBetween(text: string, a: Token, b: Token): string {
  return text.slice(a.end, b.start);
}
