/**
 * A cheap necessary condition for the "words before a name" regexes of names.ts.
 *
 * Those regexes end in `(?:phrase|phrase…)\s*[,:]?\s*$` and are tested on the 48 characters
 * before a word. Irregexp tries the whole alternation at every one of those positions, which made
 * them a large share of the name recogniser's time. Whatever phrase matches, its last letters sit
 * right before the trailing spaces and punctuation, so the run of ASCII letters that ends there
 * ("is" in "my name is", "m" in "i'm") must be the last letter run of one of the phrases. One
 * backwards scan and one Set look-up rule out almost every word; the regex then runs only when it
 * can match, so the results are the same.
 */

const LETTER = 1;
const SKIP = 2;
const CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) CLASS[c] = LETTER;
for (const c of [32, 9, 11, 12, 13, 44, 58, 63]) CLASS[c] = SKIP; // spaces , : ?

/** `letterRunBefore` found non-ASCII text: the answer is uncertain. */
const UNCERTAIN = -1;
/** `letterRunBefore` found no letter run. */
const NO_RUN = 0;
/** Positions are packed with the run's length (at most `window` ≤ 63): start * RUN_SCALE + length. */
const RUN_SCALE = 64;

/**
 * The last run of ASCII letters before `pos` (see lastLetterRun), as start * RUN_SCALE + length,
 * NO_RUN or UNCERTAIN: no string is cut, since most runs are then ruled out by their length and
 * last letter alone.
 */
function letterRunBefore(lower: string, pos: number, window: number): number {
  const from = Math.max(0, pos - window);
  let k = pos - 1;
  for (; k >= from; k--) {
    const c = lower.charCodeAt(k);
    if (c >= 128) return UNCERTAIN;
    const cls = CLASS[c]!;
    if (cls === SKIP) continue;
    if (cls === LETTER) break;
    return NO_RUN;
  }
  if (k < from) return NO_RUN;
  const end = k + 1;
  for (; k >= from; k--) {
    const c = lower.charCodeAt(k);
    if (c >= 128) return UNCERTAIN;
    if (CLASS[c] !== LETTER) break;
  }
  return (k + 1) * RUN_SCALE + (end - k - 1);
}

/**
 * The last run of ASCII letters before `pos` in `lower`, looking back at most `window`
 * characters and not past a newline, after trailing spaces, commas, colons and question marks.
 * '' when there is none; undefined when non-ASCII text makes the answer uncertain (the caller
 * then runs its regex).
 */
export function lastLetterRun(lower: string, pos: number, window = 48): string | undefined {
  const run = letterRunBefore(lower, pos, window);
  if (run === UNCERTAIN) return undefined;
  if (run === NO_RUN) return '';
  const start = Math.floor(run / RUN_SCALE);
  return lower.slice(start, start + (run % RUN_SCALE));
}

/** The set of last letter runs of a list of phrases ("thank you" → "you", "i'm" → "m"). */
export function lastRuns(phrases: string): ReadonlySet<string> {
  return new Set(phrases.split(/\s+/).filter(Boolean));
}

/** Text on the same line before `pos` (at most 48 characters): what the context regexes test. */
export function lineBefore(lower: string, pos: number): string {
  const from = Math.max(0, pos - 48);
  const slice = lower.slice(from, pos);
  const nl = slice.lastIndexOf('\n');
  return nl >= 0 ? slice.slice(nl + 1) : slice;
}

/**
 * A "words before" test: its regex, the last letter runs of its phrases, and, when the regex is
 * just a list of literal phrases (`\b(?:in|moved to|…)\s*$`), those phrases by last run, so it
 * is answered by comparing a few strings instead of running the regex.
 */
export interface ContextTest {
  re: RegExp;
  runs: ReadonlySet<string>;
  /** Bit (last letter - "a") of word `length` set for every run: rules out most words uncut. */
  lastLetters: Uint32Array;
  literal: ReadonlyMap<string, readonly string[]> | undefined;
}

export function contextTest(re: RegExp, runs: string): ContextTest {
  const runSet = lastRuns(runs);
  const lastLetters = new Uint32Array(RUN_SCALE);
  for (const run of runSet) lastLetters[run.length] = lastLetters[run.length]! | (1 << (run.charCodeAt(run.length - 1) - 97));
  return { re, runs: runSet, lastLetters, literal: literalPhrases(re) };
}

const LITERAL_LIST = /^\\b\(\?:([a-z' -]+(?:\|[a-z' -]+)*)\)\\s\*\$$/;

/** The phrases of `\b(?:phrase|…)\s*$` by their last letter run, or undefined for any other regex. */
function literalPhrases(re: RegExp): Map<string, string[]> | undefined {
  const list = LITERAL_LIST.exec(re.source);
  if (!list || re.flags.includes('i')) return undefined;
  const byRun = new Map<string, string[]>();
  for (const phrase of list[1]!.split('|')) {
    const run = /[a-z]+$/.exec(phrase)?.[0];
    // Phrases start and end with a letter; anything else is left to the regex.
    if (!run || !/^[a-z]/.test(phrase)) return undefined;
    byRun.set(run, [...(byRun.get(run) ?? []), phrase]);
  }
  return byRun;
}

/** JavaScript's `\s`. */
const isSpace = (c: number) =>
  c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/**
 * `re.test(lineBefore(lower, pos))`. The regex runs only when the letter run before `pos` can end
 * one of its phrases; for a list of literal phrases not even then: a phrase matches when the line
 * ends with it and white space, with no word character right before it (the regex's `\b`).
 */
export function precededBy(lower: string, pos: number, test: ContextTest): boolean {
  const found = letterRunBefore(lower, pos, 48);
  if (found === NO_RUN) return false;
  if (found === UNCERTAIN) return test.re.test(lineBefore(lower, pos));
  const start = Math.floor(found / RUN_SCALE);
  const length = found % RUN_SCALE;
  if ((test.lastLetters[length]! & (1 << (lower.charCodeAt(start + length - 1) - 97))) === 0) return false;
  const run = lower.slice(start, start + length);
  if (!test.runs.has(run)) return false;
  const line = lineBefore(lower, pos);
  if (test.literal === undefined) return test.re.test(line);
  const candidates = test.literal.get(run);
  if (candidates === undefined) return false;
  let end = line.length;
  while (end > 0 && isSpace(line.charCodeAt(end - 1))) end--;
  for (const phrase of candidates) {
    const at = end - phrase.length;
    if (at >= 0 && line.startsWith(phrase, at) && (at === 0 || !isWordChar(line.charCodeAt(at - 1)))) return true;
  }
  return false;
}
