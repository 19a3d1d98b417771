import type { PiiEntityType, PiiSpan } from '../types.js';
import { LEX } from './lexicon.js';
import type { Token } from './tokens.js';

/**
 * The state of one scan of the name recogniser and the small tests its passes share: names.ts
 * (people, organisations, places, groups) and titles.ts (job titles) read and mark the same
 * tokens through them.
 */

export interface Ctx {
  text: string;
  lower: string;
  tokens: Token[];
  caseless: boolean;
  used: Uint8Array;
  spans: PiiSpan[];
  /** First and last token index of every PERSON finding, in pairs (for propagationPass). */
  persons: number[];
  /** Where each PERSON finding ends (a handful: an array, searched, costs less than a Set made per scan). */
  personEnds: number[];
  /** The same ends as a Set, made once there are many (a long document), then kept up to date. */
  personEndSet: Set<number> | undefined;
  /** The last `after` text cut, and the token it was cut after (-1: none yet). */
  afterToken: number;
  afterText: string;
}

/** Word-list facts of a token, from its one lexicon look-up (lexicon.ts). */
export const isFirstName = (t: Token) => (t.flags & LEX.FIRST) !== 0;
export const isSurname = (t: Token) => (t.flags & LEX.SURNAME) !== 0;

/** Ordinary words and their plurals ("Users", "Cards"). */
export const isCommon = (t: Token) => (t.flags & LEX.COMMON) !== 0;
export const has = (t: Token, flag: number) => (t.flags & flag) !== 0;

/**
 * The words [start, end) are part of an identifier in code or a handle, not a name: "ravi" in
 * "ravi_k88", "conn" in "conn = connect(…)", "user.name", "TypeError" (capitals inside a word
 * after three small letters; "McDonald" and "DiCaprio" have one or two).
 */
export function inIdentifier(text: string, start: number, end: number, camel = true): boolean {
  const before = start > 0 ? text.charCodeAt(start - 1) : 0;
  if (before === 95 || before === 46 || before === 64) return true; // _ . @
  let k = end;
  const after = k < text.length ? text.charCodeAt(k) : 0;
  if (after === 95 || after === 40 || after === 64) return true; // _ ( @
  if (after === 46 && k + 1 < text.length && /[A-Za-z]/.test(text[k + 1]!)) return true;
  while (k < text.length && text.charCodeAt(k) === 32) k++;
  if (text.charCodeAt(k) === 61 && text.charCodeAt(k + 1) !== 61 && text.charCodeAt(k + 1) !== 62) return true; // = but not == or =>
  if (!camel) return false;
  let small = 0;
  for (let i = start + 1; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 97 && ch <= 122) small++;
    else if (ch >= 65 && ch <= 90) {
      if (small >= 3) return true;
      small = 0;
    } else small = 0;
  }
  return false;
}

export function emit(c: Ctx, type: PiiEntityType, a: number, b: number, score: number, endOverride?: number): void {
  const start = c.tokens[a]!.start;
  const end = endOverride ?? c.tokens[b]!.end;
  // Organisations keep inner capitals ("LinkedIn", "PayPal"); code around them still rules them out.
  if (type !== 'TITLE' && type !== 'NRP' && inIdentifier(c.text, start, end, type !== 'ORGANIZATION')) {
    for (let k = a; k <= b; k++) c.used[k] = 1;
    return;
  }
  c.spans.push({ type, start, end, score });
  if (type === 'PERSON') {
    c.persons.push(a, b);
    c.personEnds.push(end);
    c.personEndSet?.add(end);
  }
  for (let k = a; k <= b; k++) c.used[k] = 1;
}

/** Text on the same line after token `j` (lower case, at most 48 characters), cut once per token. */
export function after(c: Ctx, j: number): string {
  if (c.afterToken === j) return c.afterText;
  const end = c.tokens[j]!.end;
  const slice = c.lower.slice(end, end + 48);
  const nl = slice.indexOf('\n');
  c.afterToken = j;
  c.afterText = nl >= 0 ? slice.slice(0, nl) : slice;
  return c.afterText;
}

/** A single space or tab (or ". " after an initial) joins two words of one name. */
export function joined(c: Ctx, a: Token, b: Token): boolean {
  const gap = b.start - a.end;
  const first = gap > 0 ? c.text.charCodeAt(a.end) : -1;
  if (gap === 1) return first === 32 || first === 9;
  return gap === 2 && first === 46 && c.text.charCodeAt(a.end + 1) === 32 && a.length === 1;
}

export function anyFlag(tokens: readonly Token[], a: number, b: number, flags: number): boolean {
  for (let m = a; m <= b; m++) if (tokens[m]!.flags & flags) return true;
  return false;
}

export function nameLike(t: Token): boolean {
  return (t.cap || t.upper) && t.alpha;
}

/** Characters allowed between a line start and a word: blanks, quote marks, list bullets. */
const BLANK = 1;
export const QUOTE = 2;
export const BULLET = 4;
const LEAD = new Uint8Array(128);
LEAD[32] = LEAD[9] = BLANK | QUOTE | BULLET;
LEAD[62] = QUOTE | BULLET; // >
LEAD[63] = LEAD[42] = LEAD[45] = BULLET; // ? * -

/**
 * `/(?:^|\n)[…]*$/.test(text.slice(max(0, pos - window), pos))` with the class given by `kind`:
 * the run of those characters before `pos` reaches the window's start or a line break. A scan,
 * not a regex over a fresh slice.
 */
export function lineStartsBefore(text: string, pos: number, window: number, kind: number): boolean {
  const from = Math.max(0, pos - window);
  let k = pos;
  while (k > from) {
    const ch = text.charCodeAt(k - 1);
    if (ch >= 128 || (LEAD[ch]! & kind) === 0) break;
    k--;
  }
  return k === from || text.charCodeAt(k - 1) === 10;
}

/** `/^[ \t]*(?:\r?\n|$)/.test(text.slice(pos, pos + 4))` (or `\n` alone when `crlf` is false). */
export function lineEndsAfter(text: string, pos: number, crlf: boolean): boolean {
  const to = Math.min(text.length, pos + 4);
  let k = pos;
  while (k < to && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
  if (k >= to) return true;
  const ch = text.charCodeAt(k);
  return ch === 10 || (crlf && ch === 13 && k + 1 < to && text.charCodeAt(k + 1) === 10);
}

/** The gap [from, to) is one blank or ", " (a word and the name it introduces: "CEO Ewa", "coach, Mr."). */
export function blankOrComma(text: string, from: number, to: number): boolean {
  return to - from === 1 ? text.charCodeAt(from) === 32 : to - from === 2 && text.startsWith(', ', from);
}

/** The gap [from, to) is one space or tab. */
export function singleBlank(text: string, from: number, to: number): boolean {
  return to - from === 1 && (text.charCodeAt(from) === 32 || text.charCodeAt(from) === 9);
}

/** The index of the first token that ends after `pos` (tokens are in text order), or tokens.length. */
export function tokenAfter(tokens: readonly Token[], pos: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.end <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
