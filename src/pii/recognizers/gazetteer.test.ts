import { describe, expect, it } from 'vitest';
import { CITIES, COUNTRIES, REGIONS, US_STATES } from '../data/places.js';
import { GROUP_PHRASES, NATIONALITY_WORDS, POLITICAL_WORDS, RELIGION_WORDS } from '../data/groups.js';
import { WELL_KNOWN_ORGS } from '../data/words.js';
import { buildGazetteer } from './gazetteer.js';
import { tokenize } from './tokens.js';

describe('buildGazetteer', () => {
  it('cuts every phrase into the words tokenize(phrase) gives it', () => {
    const index = buildGazetteer();
    const all = [...COUNTRIES, ...REGIONS, ...US_STATES, ...CITIES, ...NATIONALITY_WORDS, ...RELIGION_WORDS, ...POLITICAL_WORDS, ...GROUP_PHRASES, ...WELL_KNOWN_ORGS];
    const listed = new Set([...index.values()].flatMap((list) => list.map((e) => e.words.join('\n'))));
    for (const phrase of all) {
      const words = tokenize(phrase).map((t) => t.lower);
      if (words.length === 0) continue;
      expect(listed.has(words.join('\n')), phrase).toBe(true);
      expect(index.get(words[0]!)!.some((e) => e.words.join('\n') === words.join('\n'))).toBe(true);
    }
    // Nothing else: every entry comes from one phrase.
    let entries = 0;
    for (const list of index.values()) entries += list.length;
    expect(entries).toBe(all.filter((p) => tokenize(p).length > 0).length);
  });
});
