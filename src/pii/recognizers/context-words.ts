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

/**
 * The last run of ASCII letters before `pos` in `lower`, looking back at most `window`
 * characters and not past a newline, after trailing spaces, commas, colons and question marks.
 * '' when there is none; undefined when non-ASCII text makes the answer uncertain (the caller
 * then runs its regex).
 */
export function lastLetterRun(lower: string, pos: number, window = 48): string | undefined {
  const from = Math.max(0, pos - window);
  let k = pos - 1;
  for (; k >= from; k--) {
    const c = lower.charCodeAt(k);
    if (c >= 128) return undefined;
    const cls = CLASS[c]!;
    if (cls === SKIP) continue;
    if (cls === LETTER) break;
    return '';
  }
  if (k < from) return '';
  const end = k + 1;
  for (; k >= from; k--) {
    const c = lower.charCodeAt(k);
    if (c >= 128) return undefined;
    if (CLASS[c] !== LETTER) break;
  }
  return lower.slice(k + 1, end);
}

/** The set of last letter runs of a list of phrases ("thank you" → "you", "i'm" → "m"). */
export function lastRuns(phrases: string): ReadonlySet<string> {
  return new Set(phrases.split(/\s+/).filter(Boolean));
}

/** `re.test(text())` when the letter run before `pos` can end one of its phrases, else false. */
export function mayPrecede(lower: string, pos: number, runs: ReadonlySet<string>, re: RegExp, text: () => string): boolean {
  const run = lastLetterRun(lower, pos);
  if (run !== undefined && !runs.has(run)) return false;
  return re.test(text());
}
