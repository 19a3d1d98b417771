import type { Entry } from './gazetteer.js';

/**
 * A word of the scanned text with the facts the recognisers ask about it. `text` and `lower` are
 * sliced on first use: most tokens are only ever asked about their flags and capitals.
 */
export class Token {
  // Fields are `declare`d and set once in the constructor: class-field definitions would make
  // every token define each field and then assign it again, on the hottest allocation of a scan.
  // (Packing the five booleans into one number with getters made long documents 7 % slower.)
  declare private textValue: string | undefined;
  declare private lowerValue: string | undefined;
  declare private readonly source: string;
  declare private readonly lowerSource: string;
  declare readonly start: number;
  declare readonly end: number;
  /** Starts with an upper-case letter. */
  declare readonly cap: boolean;
  /** Two or more letters, all upper case ("LONDON", "IBM"). */
  declare readonly upper: boolean;
  /** Letters only (with inner apostrophes or hyphens). */
  declare readonly alpha: boolean;
  /** First word of a sentence, a line or a quotation: its capital says nothing. */
  declare readonly initial: boolean;
  /** What the word lists say about `lower` (bits of `LEX` in lexicon.ts; 0 when not looked up). */
  declare readonly flags: number;
  /** Gazetteer phrases starting with this word, when looked up. */
  declare readonly gaz: readonly Entry[] | undefined;
  /** Only ASCII letters and digits: the token is also a regex's `\b` word. */
  declare readonly plain: boolean;

  constructor(source: string, lowerSource: string, start: number, end: number, cap: boolean, upper: boolean, alpha: boolean, initial: boolean, flags: number, gaz: readonly Entry[] | undefined, plain: boolean) {
    this.source = source;
    this.lowerSource = lowerSource;
    this.start = start;
    this.end = end;
    this.cap = cap;
    this.upper = upper;
    this.alpha = alpha;
    this.initial = initial;
    this.flags = flags;
    this.gaz = gaz;
    this.plain = plain;
    this.textValue = undefined;
    this.lowerValue = undefined;
  }

  get text(): string {
    return (this.textValue ??= this.source.slice(this.start, this.end));
  }

  get lower(): string {
    return (this.lowerValue ??= this.lowerSource.slice(this.start, this.end));
  }

  /** The whole lower-cased text the token is part of (its `lower` is a slice of it). */
  get lowerText(): string {
    return this.lowerSource;
  }

  get length(): number {
    return this.end - this.start;
  }
}

/** Word-list facts (lexicon.ts) for the lower-case words; tokenize asks once per token. */
export interface WordLookup {
  /** A slot for the lower-case word at [start, end) (`hash` from wordHash), or -1 if unknown. */
  slot(lower: string, start: number, end: number, hash: number): number;
  flags(slot: number): number;
  /** The flag set on words that start gazetteer phrases: only those are asked for phrases. */
  gazetteerFlag: number;
  gazetteer(slot: number): readonly Entry[] | undefined;
  /** Some listed word has an ASCII digit; when none has, words with digits are not looked up. */
  digitWords: boolean;
  /** The flags recognisers look words up by (wordsWith, wordStarts): their tokens are listed in the summary. */
  keyFlags: number;
}

/** FNV-1a over the lower-cased word, the hash the lexicon is keyed by (computed while classifying). */
export function wordHash(lower: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < end; k++) h = Math.imul(h ^ lower.charCodeAt(k), 0x01000193);
  return h | 1;
}

/**
 * The text lower-cased with every index unchanged. `toLowerCase` changes the length for a few
 * characters (such as "İ"); those are then lower-cased one by one or kept.
 */
export function alignedLower(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  return text.replace(/\p{Lu}/gu, (ch) => (ch.toLowerCase().length === 1 ? ch.toLowerCase() : ch));
}

const NON_ASCII_WORD = /[\p{L}\p{M}\p{N}]/uy;
const NON_ASCII_SPACE = /\s/;

/** ASCII classes: 1 letter or digit (a word character), 2 space, 4 opens a sentence (see below). */
const ASCII = new Uint8Array(128);
for (let c = 48; c <= 57; c++) ASCII[c] = 1;
for (let c = 65; c <= 90; c++) ASCII[c] = 1;
for (let c = 97; c <= 122; c++) ASCII[c] = 1;
for (const c of [32, 9, 10, 11, 12, 13]) ASCII[c] = 2;
// . ! ? : newline " ( > * - : after these (and optional spaces) a capital says nothing.
for (const c of [46, 33, 63, 58, 10, 34, 40, 62, 42, 45]) ASCII[c] = ASCII[c]! | 4;

/** Length in code units of the word character at `i` (a letter, mark or digit), or 0. */
function wordCharAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return ASCII[c]! & 1;
  if (c !== c) return 0; // past the end
  NON_ASCII_WORD.lastIndex = i;
  return NON_ASCII_WORD.test(text) ? NON_ASCII_WORD.lastIndex - i : 0;
}

/** True when the (at most four) characters before `at`, after `from`, end a sentence or a line. */
function afterSentenceGap(text: string, from: number, at: number): boolean {
  for (let k = at - 1; k >= from; k--) {
    const c = text.charCodeAt(k);
    if (c < 128) {
      const cls = ASCII[c]!;
      if (cls & 4) return true;
      if (!(cls & 2)) return false;
    } else {
      if (c === 0x201c || c === 0x2022) return true;
      if (!NON_ASCII_SPACE.test(String.fromCharCode(c))) return false;
    }
  }
  return false;
}

/**
 * What the tokeniser learns about the whole text on the way, when asked (see tokensOf in
 * shared.ts): the OR of all word flags, and the runs of ASCII letters and digits inside tokens
 * that have other characters, as [start, end, flags] triples for the runs with flags.
 */
export interface TokenSummary {
  flags: number;
  pieces: number[];
  /** Indices of the tokens with one of `WordLookup.keyFlags`, in text order. */
  keyTokens: number[];
}

/** FNV-1a step for one lower-case character code. */
const fnv = (h: number, lc: number) => Math.imul(h ^ lc, 0x01000193);

/**
 * Words are runs of letters, marks and digits, joined by inner apostrophes or hyphens. A
 * hand-written scan: this runs once per word of every scanned text, and the equivalent Unicode
 * regex plus per-word regex tests cost several times more. Each character is read once: its
 * class and the word's lexicon hash are updated while the word is delimited.
 */
export function tokenize(source: string, lowerText?: string, lookup?: WordLookup, summary?: TokenSummary): Token[] {
  // Hashing the already lower-cased text is cheaper than lower-casing every word.
  const lower = lowerText !== undefined && lowerText.length === source.length ? lowerText : alignedLower(source);
  const text = source;
  const tokens: Token[] = [];
  let prevEnd = 0;
  const n = source.length;
  let i = 0;
  while (i < n) {
    const c0 = text.charCodeAt(i);
    let w = c0 < 128 ? ASCII[c0]! & 1 : wordCharAt(text, i);
    if (w === 0) {
      i++;
      continue;
    }
    const start = i;
    /** Position of the first apostrophe or hyphen joining two parts of the word, or -1. */
    let joinedAt = -1;
    // The word's classes and hash so far, and as they were before the last joiner (for "'s").
    let ascii = true;
    let alpha = true;
    let upperAscii = true;
    let hasCapital = false;
    let h = 0x811c9dc5;
    let joinAscii = true;
    let joinAlpha = true;
    let joinUpperAscii = true;
    let joinHasCapital = false;
    let joinH = h;
    let c = c0;
    for (;;) {
      // Account for the w code units at i (c is the first of them).
      if (c < 128) {
        if (c >= 97) upperAscii = false;
        else if (c >= 65) {
          hasCapital = true;
          c += 32;
        } else alpha = false; // a digit: the only ASCII word characters below "A"
        h = fnv(h, c);
      } else {
        // A letter, mark or digit of another script (one code point, one or two code units).
        ascii = false;
        for (let k = i; k < i + w; k++) h = fnv(h, lower.charCodeAt(k));
      }
      i += w;
      // Never read past the end: an out-of-bounds charCodeAt makes V8 recompile the loop.
      c = i < n ? text.charCodeAt(i) : 0;
      w = c < 128 ? ASCII[c]! & 1 : wordCharAt(text, i);
      if (w > 0) continue;
      if ((c === 39 || c === 0x2019 || c === 45) && i + 1 < n) {
        const next = wordCharAt(text, i + 1);
        if (next > 0) {
          if (joinedAt < 0) joinedAt = i;
          joinAscii = ascii;
          joinAlpha = alpha;
          joinUpperAscii = upperAscii;
          joinHasCapital = hasCapital;
          joinH = h;
          if (c === 0x2019) ascii = false;
          h = fnv(h, c);
          i++;
          w = next;
          c = text.charCodeAt(i);
          continue;
        }
      }
      break;
    }
    let end = i;
    // A possessive "'s" belongs to the sentence, not to the name ("Anna's" is "Anna"): the word
    // is then what it was before its last joiner, that apostrophe.
    if (end - start >= 3 && text.charCodeAt(end - 1) === 115 && (text.charCodeAt(end - 2) === 39 || text.charCodeAt(end - 2) === 0x2019)) {
      end -= 2;
      ascii = joinAscii;
      alpha = joinAlpha;
      upperAscii = joinUpperAscii;
      hasCapital = joinHasCapital;
      h = joinH;
    }
    const initial = tokens.length === 0 || afterSentenceGap(text, Math.max(prevEnd, start - 4), start);
    let cap: boolean;
    let upper: boolean;
    if (ascii) {
      cap = c0 >= 65 && c0 <= 90;
      upper = alpha && end - start > 1 && upperAscii && hasCapital;
    } else {
      const value = text.slice(start, end);
      const lowerValue = lower.slice(start, end);
      const upperCased = value.toUpperCase();
      cap = c0 < 128 ? c0 >= 65 && c0 <= 90 : value[0] !== lowerValue[0] && value[0] === upperCased[0];
      upper = alpha && value.length > 1 && value === upperCased && value !== lowerValue;
    }
    // A word with an ASCII digit (alpha false) is in no list: no probe for "2024" or "4B".
    let slot = lookup && (alpha || lookup.digitWords) ? lookup.slot(lower, start, end, h | 1) : -1;
    // "Nguyễn", "Müller", "José": a word with accents the lists do not have is looked up without them.
    if (slot < 0 && !ascii && lookup) slot = foldedSlot(lower, start, end, lookup);
    const flags = slot < 0 ? 0 : lookup!.flags(slot);
    const gaz = slot >= 0 && flags & lookup!.gazetteerFlag ? lookup!.gazetteer(slot) : undefined;
    // A possessive "'s" cut off above does not make the word joined ("Anna's" is plain "Anna").
    const plain = ascii && (joinedAt < 0 || joinedAt >= end);
    tokens.push(new Token(source, lower, start, end, cap, upper, alpha, initial, flags, gaz, plain));
    if (summary) {
      summary.flags |= flags;
      if (flags & lookup!.keyFlags) summary.keyTokens.push(tokens.length - 1);
      if (!plain && lookup) addPieces(text, lower, start, end, lookup, summary);
    }
    prevEnd = end;
  }
  return tokens;
}

const MARKS = /\p{M}/gu;
/** Letters that are not a base letter plus marks, spelled as the lists spell them. */
const FOLD: Record<string, string> = { đ: 'd', ð: 'd', ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', œ: 'oe', ı: 'i', þ: 'th' };
const FOLDABLE = /[đðøłßæœıþ]/g;

/** What `fold` makes of one character, for the characters up to U+20FF it maps into [a-z'’-]* (e.g. "é" → "e", a combining accent → ""). */
function buildFoldedChars(): readonly (string | undefined)[] {
  const table: (string | undefined)[] = [];
  for (let code = 0x80; code < 0x2100; code++) {
    const folded = fold(String.fromCharCode(code));
    table[code] = /^[a-z'’-]*$/.test(folded) ? folded : undefined;
  }
  return table;
}
/** Built on the first accented word (about 8,000 normalisations: not at start-up). */
let foldedChars: readonly (string | undefined)[] | undefined;

function fold(word: string): string {
  return word.normalize('NFD').replace(MARKS, '').replace(FOLDABLE, (ch) => FOLD[ch]!);
}

/** The slot of the word at [start, end) of `lower` with its accents removed, or -1 (also when nothing was removed). */
function foldedSlot(lower: string, start: number, end: number, lookup: WordLookup): number {
  // Only Latin letters have accents to take off: a word in another script is not cut or normalised.
  const c0 = lower.charCodeAt(start);
  if (!(c0 < 0x250 || (c0 >= 0x1e00 && c0 <= 0x1eff))) return -1;
  // Character by character from a table (canonical decomposition and the removal of marks are
  // per character, so this is what folding the word gives); a character outside the table
  // takes the general path below.
  let folded = '';
  let changed = false;
  let k = start;
  for (; k < end; k++) {
    const c = lower.charCodeAt(k);
    if (c < 128) {
      if (!((c >= 97 && c <= 122) || c === 39 || c === 45)) return -1;
      folded += lower[k];
      continue;
    }
    const f = c === 0x2019 ? '’' : (foldedChars ??= buildFoldedChars())[c];
    if (f === undefined) break;
    if (c !== 0x2019) changed = true;
    folded += f;
  }
  if (k === end) {
    if (!changed || folded.length === 0) return -1;
    return lookup.slot(folded, 0, folded.length, wordHash(folded, 0, folded.length));
  }
  return foldedSlotSlow(lower, start, end, lookup);
}

function foldedSlotSlow(lower: string, start: number, end: number, lookup: WordLookup): number {
  const word = lower.slice(start, end);
  const folded = fold(word);
  if (folded === word || !/^[a-z'’-]+$/.test(folded)) return -1;
  return lookup.slot(folded, 0, folded.length, wordHash(folded, 0, folded.length));
}

/**
 * A regex's `\b` word is a run of ASCII letters and digits: inside "re-password" or "Zoë's
 * street" it differs from our token, so those runs are looked up too (see hasWord in shared.ts).
 */
function addPieces(text: string, lower: string, start: number, end: number, lookup: WordLookup, summary: TokenSummary): void {
  let runStart = -1;
  for (let k = start; k <= end; k++) {
    const c = k < end ? text.charCodeAt(k) : 0;
    const word = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
    if (word && runStart < 0) runStart = k;
    else if (!word && runStart >= 0) {
      const f = lookup.flags(lookup.slot(lower, runStart, k, wordHash(lower, runStart, k)));
      if (f !== 0) summary.pieces.push(runStart, k, f);
      summary.flags |= f;
      runStart = -1;
    }
  }
}

/** The characters between two tokens. */
export function gapBetween(text: string, a: Token, b: Token): string {
  return text.slice(a.end, b.start);
}
