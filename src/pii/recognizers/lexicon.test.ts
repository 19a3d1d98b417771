import { describe, expect, it } from 'vitest';
import { FIRST_NAMES } from '../data/first-names.js';
import { MOBY_GIVEN_NAMES } from '../data/given-names-moby.js';
import { SURNAMES } from '../data/surnames.js';
import { COMMON_WORDS } from '../data/words.js';
import { LEX, lexicon } from './lexicon.js';

const flags = (word: string) => lexicon(word).flags;

describe('lexicon: the long list of given names', () => {
  it('makes its names given names', () => {
    // Neither is in the hand-written lists.
    for (const name of ['katrine', 'mathias']) {
      expect(FIRST_NAMES.has(name)).toBe(false);
      expect(MOBY_GIVEN_NAMES).toContain(name);
      expect(flags(name) & LEX.FIRST).toBe(LEX.FIRST);
    }
  });

  it('never turns an ordinary word or a listed surname into a given name', () => {
    // English words were left out when the list was generated ("honey", "candy").
    expect(MOBY_GIVEN_NAMES).not.toContain('honey');
    expect(flags('honey') & LEX.FIRST).toBe(0);
    for (const name of MOBY_GIVEN_NAMES) {
      if (FIRST_NAMES.has(name)) continue;
      const f = flags(name);
      if (SURNAMES.has(name) || COMMON_WORDS.has(name) || name.length < 3) expect(f & LEX.FIRST, name).toBe(0);
    }
    // "Davis" is both in the source and a listed surname: it stays a surname only.
    expect(MOBY_GIVEN_NAMES).toContain('davis');
    expect(flags('davis') & LEX.FIRST).toBe(0);
    expect(flags('davis') & LEX.SURNAME).toBe(LEX.SURNAME);
  });
});
