import type { ScanInput } from '../types.js';
import { execAt } from './exec-all.js';
import { LEX, lexHasDigitWords, lexSlot, slotFlags, slotGazetteer } from './lexicon.js';
import { tokenize, type Token, type TokenSummary, type WordLookup } from './tokens.js';

/** Built on first use, like the lexicon table it reads. */
let lookup: WordLookup | undefined;

/**
 * The words of the scanned text with their word-list facts, computed once per scan and shared by
 * every recogniser that reads words, instead of each one splitting and looking up the text again.
 */
export function tokensOf(input: ScanInput): Token[] {
  if (input.tokens) return input.tokens;
  const summary: TokenSummary = { flags: 0, pieces: [], keyTokens: [] };
  lookup ??= { slot: lexSlot, flags: slotFlags, gazetteerFlag: LEX.GAZETTEER, gazetteer: slotGazetteer, digitWords: lexHasDigitWords(), keyFlags: KEY_FLAGS };
  const tokens = tokenize(input.text, input.lower, lookup, summary);
  input.tokens = tokens;
  input.wordFlags = summary.flags;
  input.wordPieces = summary.pieces;
  input.keyTokens = summary.keyTokens;
  return tokens;
}

/**
 * The flags wordsWith and wordStarts may be asked about: the words other recognisers key their
 * patterns on. The tokeniser lists the tokens that have one, so a long document's other tokens
 * (most of them) are not visited once per question.
 */
const KEY_FLAGS =
  LEX.WEEKDAY | LEX.RELATIVE_DAY | LEX.AGO | LEX.MONTH | LEX.SECRET_LABEL | LEX.ZIP_LABEL | LEX.LICENSE_LABEL | LEX.STREET_SUFFIX | LEX.STRONG_STREET_SUFFIX |
  LEX.STREET_PREFIX | LEX.MILITARY | LEX.AGE_LEAD | LEX.SECRET_LEAD | LEX.RELATIVE_LEAD | LEX.YEAR_LEAD | LEX.POSSESSIVE | LEX.NUMBER_WORD;

/** From this many key tokens on, wordsWith and wordStarts keep their answers for the scan. */
const CACHE_FROM = 64;

/** The indices of the tokens that may have one of `flags`, which must be among KEY_FLAGS. */
function keyTokens(input: ScanInput, flags: number): number[] {
  if ((flags & ~KEY_FLAGS) !== 0) throw new Error('wordsWith/wordStarts: flags outside KEY_FLAGS');
  if (input.keyTokens === undefined) tokensOf(input);
  return input.keyTokens!;
}

/** A character of a regex's `\w`: an ASCII letter, digit or "_". */
export const isAsciiWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
/** The character code at `i`, or -1 outside the text (reading outside makes V8 recompile). */
const codeAt = (text: string, i: number) => (i >= 0 && i < text.length ? text.charCodeAt(i) : -1);

/**
 * The `\b…\b` words of the text (maximal runs of ASCII letters, digits and "_") that have one of
 * `flags`, as [start, end] pairs in text order: what a regex like `\b[A-Za-z]+\b` would find
 * among the listed words, without running it over the whole text.
 */
export function wordsWith(input: ScanInput, flags: number): readonly number[] {
  if (keyTokens(input, flags).length < CACHE_FROM) return findWordsWith(input, flags);
  return kept((input.wordsWithCache ??= new Map()), flags, () => findWordsWith(input, flags));
}

/**
 * A message has a handful of key tokens and is answered directly; a long document's answers are
 * kept in `cache` by flags, since several recognisers ask the same.
 */
function kept(cache: Map<number, number[]>, flags: number, find: () => number[]): readonly number[] {
  let found = cache.get(flags);
  if (!found) cache.set(flags, (found = find()));
  return found;
}

function findWordsWith(input: ScanInput, flags: number): number[] {
  const { text } = input;
  const found: number[] = [];
  const keys = keyTokens(input, flags);
  const tokens = input.tokens!;
  for (let i = 0; i < keys.length; i++) {
    const t = tokens[keys[i]!]!;
    if ((t.flags & flags) === 0) continue;
    let plain = !isAsciiWordChar(codeAt(text, t.start - 1)) && !isAsciiWordChar(codeAt(text, t.end));
    for (let k = t.start; k < t.end && plain; k++) {
      const c = text.charCodeAt(k);
      plain = isAsciiWordChar(c) && c !== 95;
    }
    if (plain) found.push(t.start, t.end);
  }
  const pieces = input.wordPieces!;
  if (pieces.length === 0) return found;
  // Pieces come from tokens the loop above skipped (tokens with other characters), so the two
  // lists never share a start: merged by start, they are in text order.
  const merged: number[] = [];
  let k = 0;
  for (let p = 0; p < pieces.length; p += 3) {
    if ((pieces[p + 2]! & flags) === 0) continue;
    const start = pieces[p]!;
    const end = pieces[p + 1]!;
    if (isAsciiWordChar(codeAt(text, start - 1)) || isAsciiWordChar(codeAt(text, end))) continue;
    for (; k < found.length && found[k]! < start; k += 2) merged.push(found[k]!, found[k + 1]!);
    merged.push(start, end);
  }
  for (; k < found.length; k += 2) merged.push(found[k]!, found[k + 1]!);
  return merged;
}

/**
 * Whether the text may contain a word with one of `flags` (bits of LEX): a necessary condition
 * for the patterns that need such a word, checked with no regex. Every run of ASCII letters and
 * digits a regex could see as a `\b…\b` word is covered, tokens and the pieces of joined tokens.
 */
export function hasWord(input: ScanInput, flags: number): boolean {
  if (input.wordFlags === undefined) tokensOf(input);
  return (input.wordFlags! & flags) !== 0;
}

/**
 * Where words with one of `flags` start: every token that has them and every ASCII run inside a
 * longer token that has them ("rue" in "Saint-Jean-rue"), in text order. Patterns that must begin
 * with such a word are tried only there.
 */
export function wordStarts(input: ScanInput, flags: number): readonly number[] {
  if (keyTokens(input, flags).length < CACHE_FROM) return findWordStarts(input, flags);
  return kept((input.wordStartsCache ??= new Map()), flags, () => findWordStarts(input, flags));
}

function findWordStarts(input: ScanInput, flags: number): number[] {
  const starts: number[] = [];
  const keys = keyTokens(input, flags);
  const tokens = input.tokens!;
  for (let i = 0; i < keys.length; i++) {
    const t = tokens[keys[i]!]!;
    if (t.flags & flags) starts.push(t.start);
  }
  const pieces = input.wordPieces!;
  let extra = false;
  for (let p = 0; p < pieces.length; p += 3) {
    if (pieces[p + 2]! & flags) {
      starts.push(pieces[p]!);
      extra = true;
    }
  }
  if (extra) starts.sort((a, b) => a - b);
  return starts;
}

/**
 * What `execAll(re, text)` finds, for a pattern whose every match starts with a word that has
 * `flags` (`sticky` is the pattern with the "y" flag): the pattern is tried only where such a word
 * starts (wordStarts), in text order, skipping starts inside the previous match, as the global
 * search does. Trying it at a start where it cannot match costs only that attempt.
 */
export function execAtStarts(input: ScanInput, sticky: RegExp, flags: number): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  let end = 0;
  for (const at of wordStarts(input, flags)) {
    if (at < end) continue;
    const m = execAt(sticky, input.text, at);
    if (!m) continue;
    found.push(m);
    end = at + m[0].length;
  }
  return found;
}
