import type { PiiEntityType } from '../types.js';
import { AMBIGUOUS_PLACES, CITIES, COUNTRIES, REGIONS, US_STATES } from '../data/places.js';
import { AMBIGUOUS_GROUP_WORDS, GROUP_PHRASES, NATIONALITY_WORDS, POLITICAL_WORDS, RELIGION_WORDS } from '../data/groups.js';
import { WELL_KNOWN_ORGS } from '../data/words.js';
import { tokenize, type Token } from './tokens.js';

export interface Entry {
  words: readonly string[];
  type: PiiEntityType;
  /** Also an ordinary word or a given name: needs a capital and supporting context. */
  ambiguous: boolean;
}

/** Org names that are everyday words when not capitalised or at the start of a sentence. */
const AMBIGUOUS_ORGS = new Set('apple amazon target visa orange delta signal zoom slack meta universal fidelity discord telegram oracle shell ford bain ing who un eu mit ups hp lg delta united american emirates paramount dell intel nike'.split(' '));

/** Phrases indexed by their first word; the lexicon (lexicon.ts) attaches each list to its word. */
export function buildGazetteer(): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>();
  const add = (phrase: string, type: PiiEntityType, ambiguous: boolean) => {
    const words = tokenize(phrase).map((t) => t.lower);
    const first = words[0];
    if (!first) return;
    const list = index.get(first) ?? [];
    list.push({ words, type, ambiguous });
    index.set(first, list);
  };
  for (const p of [...COUNTRIES, ...REGIONS, ...US_STATES, ...CITIES]) add(p, 'LOCATION', AMBIGUOUS_PLACES.has(p));
  for (const w of [...NATIONALITY_WORDS, ...RELIGION_WORDS, ...POLITICAL_WORDS]) add(w, 'NRP', AMBIGUOUS_GROUP_WORDS.has(w));
  for (const p of GROUP_PHRASES) add(p, 'NRP', false);
  for (const p of WELL_KNOWN_ORGS) add(p, 'ORGANIZATION', AMBIGUOUS_ORGS.has(p) || p.length <= 3);
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
