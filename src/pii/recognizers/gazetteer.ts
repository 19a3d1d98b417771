import type { PiiEntityType } from '../types.js';
import { AMBIGUOUS_PLACES, CITIES, COUNTRIES, REGIONS, US_STATES } from '../data/places.js';
import { AMBIGUOUS_GROUP_WORDS, GROUP_PHRASES, NATIONALITY_WORDS, POLITICAL_WORDS, RELIGION_WORDS } from '../data/groups.js';
import { WELL_KNOWN_ORGS } from '../data/words.js';
import { alignedLower, tokenize, type Token } from './tokens.js';

export interface Entry {
  words: readonly string[];
  type: PiiEntityType;
  /** Also an ordinary word or a given name: needs a capital and supporting context. */
  ambiguous: boolean;
}

/** Org names that are everyday words when not capitalised or at the start of a sentence. */
const AMBIGUOUS_ORGS = new Set('apple amazon target visa orange delta signal zoom slack meta universal fidelity discord telegram oracle shell ford bain ing who un eu mit ups hp lg delta united american emirates paramount dell intel nike grab tata honda'.split(' '));

/** A phrase lower-cased as alignedLower does it. */
const lowerPhrase = (phrase: string): string => {
  // alignedLower's own steps, from a call site of their own (see buildGazetteer).
  const lower = phrase.toLowerCase();
  return lower.length === phrase.length ? lower : alignedLower(phrase);
};

/**
 * Phrases indexed by their first word; the lexicon (lexicon.ts) attaches each list to its word.
 *
 * The phrases are cut into words by one tokenize call over all of them, one per line (no word
 * crosses a line break), not one call per phrase: thousands of calls on small strings of many
 * kinds (literals, pieces of split lists) left V8 type feedback that made the optimised
 * tokeniser about twice as slow on every later scan (1.97 against 1.07 µs per dev-set message
 * without look-ups). Each word is cut from its own phrase lower-cased alone, as
 * tokenize(phrase) would; gazetteer.test.ts checks the index against one built phrase by phrase.
 */

export function buildGazetteer(): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>();
  const phrases: string[] = [];
  const types: PiiEntityType[] = [];
  const ambiguity: boolean[] = [];
  const add = (phrase: string, type: PiiEntityType, ambiguous: boolean) => {
    phrases.push(phrase);
    types.push(type);
    ambiguity.push(ambiguous);
  };
  for (const p of [...COUNTRIES, ...REGIONS, ...US_STATES, ...CITIES]) add(p, 'LOCATION', AMBIGUOUS_PLACES.has(p));
  for (const w of [...NATIONALITY_WORDS, ...RELIGION_WORDS, ...POLITICAL_WORDS]) add(w, 'NRP', AMBIGUOUS_GROUP_WORDS.has(w));
  for (const p of GROUP_PHRASES) add(p, 'NRP', false);
  for (const p of WELL_KNOWN_ORGS) add(p, 'ORGANIZATION', AMBIGUOUS_ORGS.has(p) || p.length <= 3);
  const tokens = tokenize(phrases.join('\n'));
  let k = 0;
  let offset = 0;
  for (let p = 0; p < phrases.length; p++) {
    const phrase = phrases[p]!;
    const end = offset + phrase.length;
    const lower = lowerPhrase(phrase);
    const words: string[] = [];
    for (; k < tokens.length && tokens[k]!.start < end; k++) words.push(lower.slice(tokens[k]!.start - offset, tokens[k]!.end - offset));
    offset = end + 1;
    const first = words[0];
    if (!first) continue;
    const list = index.get(first) ?? [];
    list.push({ words, type: types[p]!, ambiguous: ambiguity[p]! });
    index.set(first, list);
  }
  // Longest phrase first so "New York City" wins over "New York".
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length);
  return index;
}


export interface GazetteerHit {
  entry: Entry;
  first: number;
  /** Index of the last token of the match (inclusive). */
  last: number;
}

/**
 * Longest gazetteer phrase starting at token `i`, if any. Gaps must stay on one line. Tokens must
 * come from tokenize with the lexicon look-up, which attaches the candidate phrases.
 */
export function lookupAt(text: string, tokens: readonly Token[], i: number): GazetteerHit | undefined {
  const candidates = tokens[i]!.gaz;
  if (!candidates) return undefined;
  for (const entry of candidates) {
    const n = entry.words.length;
    if (i + n > tokens.length) continue;
    let ok = true;
    for (let k = 1; k < n && ok; k++) {
      const tk = tokens[i + k]!;
      const from = tokens[i + k - 1]!.end;
      const gap = tk.start - from;
      const word = entry.words[k]!;
      // Compared in place in the lower-cased text: no token is sliced for a phrase that fails.
      ok = tk.length === word.length && tk.lowerText.startsWith(word, tk.start) && gap <= 2 && text.charCodeAt(from) !== 10 && (gap < 2 || text.charCodeAt(from + 1) !== 10);
    }
    if (ok) return { entry, first: i, last: i + n - 1 };
  }
  return undefined;
}
