import { describe, expect, it } from 'vitest';
import { SHAPE, hasMidSentenceCapital, textFeatures } from './features.js';
import { contextTest, lastLetterRun, lineBefore, precededBy } from './recognizers/context-words.js';
import { execAll } from './recognizers/exec-all.js';
import { scanInput } from './engine.js';
import { hasWord, wordsWith } from './recognizers/shared.js';
import { LEX } from './recognizers/lexicon.js';
import { ADDRESS_CUE, BEFORE_NUMBER, PO_BOX, STANDALONE_UNIT, wordsBeforeNumbers } from './recognizers/address.js';

/**
 * The recognisers skip patterns on cheap tests (character shapes, listed words, the word before a
 * name). Those tests must be necessary conditions of the regexes they replace, or a skip would
 * lose a finding: checked here against the regexes on random and hand-picked strings.
 */
const SHAPE_REGEX: [keyof typeof SHAPE, RegExp, boolean][] = [
  ['DIGIT_SEP_DIGIT', /\d[/.-]\d/, false],
  ['DIGIT_DOT_DIGIT', /\d\.\d/, false],
  ['Y4_DASH_DIGIT', /\d{4}-\d/, false],
  ['Y4_SLASH', /\d{4}\//, false],
  ['CLOCK', /\d[:.h][0-5]\d/, true],
  ['AM_PM', /\d\s?[ap]\.?m/, true],
  ['YEAR', /(?:1[89]|20)\d\d/, false],
  ['DECADE', /\d0s/, true],
  ['DIGIT_Y', /\d\s?y/, true],
  ['MSE_SPACE_DIGIT', /(?:m|s|re|e)\s+\d/, true],
  ['LETTERS_DIGITS', /[A-Za-z]{2}\d{2}/, false],
  ['DOMAIN', /[a-z0-9]\.[a-z]{2}/i, false],
  ['UPPER_DIGIT', /[A-Z]\d|GIR/, false],
  ['FIVE_DIGITS', /\d{5}/, false],
  ['WORD_SPACE_DIGIT', /[\p{L}\p{M}.][ \t]+\d/u, false],
  ['DIGIT_H', /\d(?:h| u)/, true],
  ['DIGIT_SPACE_AJL', /\d\s[ajl]/, true],
  ['NUMBER_COMMA_NUMBER', /\d[A-Za-z]?\.?,[ \t]\d/, false],
  ['APOSTROPHE_DIGIT', /['’]\d/, false],
];

function randomStrings(count: number, alphabet: string, seed = 7): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    let s = '';
    const n = 1 + Math.floor(next() * 12);
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(next() * alphabet.length)];
    out.push(s);
  }
  return out;
}

describe('textFeatures', () => {
  const samples = [
    ...randomStrings(20000, 'aAjJmMsSeEpPyYhHuU0123456789 \t\n.-/:,GIRxé’\'_@+=0s'),
    'born 1984-05-01', 'at 7 a.m.', 'the 90s', 'I am 25', 'GB29 NWBK', 'see example.com', 'SW1A 1AA', 'Hauptstraße 5', 'zip 12345',
  ];

  it('sets every shape whose hint regex matches', () => {
    for (const text of samples) {
      const { shape } = textFeatures(text);
      for (const [name, re, lower] of SHAPE_REGEX) {
        if (re.test(lower ? text.toLowerCase() : text)) expect({ text, name, set: (shape & SHAPE[name]) !== 0 }).toEqual({ text, name, set: true });
      }
    }
  });

  it('counts digits and the longest opaque run', () => {
    for (const text of samples) {
      const f = textFeatures(text);
      expect(f.digits).toBe((text.match(/\d/g) ?? []).length);
      expect(f.maxOpaqueRun).toBe(Math.max(0, ...(text.match(/[A-Za-z0-9+/_=.-]+/g) ?? []).map((r) => r.length)));
    }
  });

  it('finds a capital inside a sentence exactly where the regex it replaced does', () => {
    const re = /[\p{L}\p{N},;)]\s+(?!I\b|I['’])\p{Lu}/u;
    const texts = [...randomStrings(20000, "aBIÉé1,;). \t\n\u00a0\u2003'’_x𝐀Ω", 11), 'I said I am here', 'ok, I’m Bob', 'hello World', 'x  \u00a0Émile'];
    for (const text of texts) expect({ text, found: hasMidSentenceCapital(text) }).toEqual({ text, found: re.test(text) });
  });
});

describe('word tests', () => {
  it('finds listed words inside joined or non-ASCII tokens, as a regex \\b word would', () => {
    expect(hasWord(scanInput('my re-password is x'), LEX.SECRET_LABEL)).toBe(true);
    expect(hasWord(scanInput('Zoë’s password'), LEX.SECRET_LABEL)).toBe(true);
    expect(hasWord(scanInput('see you on Monday'), LEX.WEEKDAY)).toBe(true);
    expect(hasWord(scanInput('see you soon'), LEX.WEEKDAY | LEX.MONTH)).toBe(false);
    const input = scanInput('12 Baker Street, Saint-Street 4');
    const found = wordsWith(input, LEX.STREET_SUFFIX);
    expect(found.length / 2).toBe(2);
    expect(input.text.slice(found[2], found[3])).toBe('Street');
  });

  it('rules out a context regex only when its phrases cannot end before the word', () => {
    const re = /\b(?:name is|call me|i'm|thank you)\s*[,:]?\s*$/;
    const test = contextTest(re, 'is me m you');
    for (const text of ['my name is Bob', "i'm Bob", 'thank you, Bob', 'hello Bob', 'call me:  Bob', 'x\nis Bob', 'fiancé Bob']) {
      const lower = text.toLowerCase();
      const pos = lower.lastIndexOf('bob');
      let pre = lower.slice(Math.max(0, pos - 48), pos);
      pre = pre.slice(pre.lastIndexOf('\n') + 1);
      expect(lineBefore(lower, pos)).toBe(pre);
      expect(precededBy(lower, pos, test)).toBe(re.test(pre));
    }
    expect(lastLetterRun("i'm ", 4)).toBe('m');
    expect(lastLetterRun('café ', 5)).toBeUndefined();
  });

  it('answers a list of literal phrases as its regex does', () => {
    const re = /\b(?:in|at|moved to|co-founder of|according to the)\s*$/;
    const test = contextTest(re, 'in at to of the');
    expect(test.literal).toBeDefined();
    const pieces = ['in', 'at', 'to', 'of', 'the', 'moved', 'co-founder', 'according', 'origin', 'x', '5', '_', ' ', ' ', '  ', ',', '\n', '\u00a0', 'é', '-'];
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % pieces.length;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      for (let k = next() % 9; k >= 0; k--) text += pieces[next()];
      const pos = text.length;
      expect(precededBy(text, pos, test)).toBe(re.test(lineBefore(text, pos)));
    }
  });
});

describe('words before numbers', () => {
  it('allows each number-led address pattern wherever the pattern matches', () => {
    const pieces = ['apt', 'Apt', 'apartment', 'suite', 'SUITE', 'ste', 'box', 'Box', 'P.O.', 'po', 'postbox', 'postfach', 'address', 'is', 'at', 'to', 'lives', 'ship',
      '.', '#', ' ', ' ', '\t', '\n', ':', '\u00a0', '5', '12', '300', 'x', 'é', '-', '_'];
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) % pieces.length;
    const patterns: [RegExp, number][] = [[ADDRESS_CUE, BEFORE_NUMBER.CUE], [STANDALONE_UNIT, BEFORE_NUMBER.UNIT], [PO_BOX, BEFORE_NUMBER.BOX]];
    let matched = 0;
    for (let n = 0; n < 40000; n++) {
      let text = '';
      for (let k = next() % 8; k >= 0; k--) text += pieces[next()];
      const input = scanInput(text);
      if (!input.hasDigit) continue;
      const allowed = wordsBeforeNumbers(input);
      for (const [re, bit] of patterns) {
        if (execAll(re, text).length === 0) continue;
        matched++;
        expect({ text, bit, allowed: (allowed & bit) !== 0 }).toEqual({ text, bit, allowed: true });
      }
    }
    expect(matched).toBeGreaterThan(600);
  });
});

describe('execAll', () => {
  it('returns what matchAll returns, empty matches included, and leaves lastIndex at 0', () => {
    for (const [re, text] of [
      [/\d+/g, 'a1 b22 c333'],
      [/x*/g, 'axxbx'],
      [/(?:)/gu, 'a😀b'],
    ] as const) {
      expect(execAll(re, text).map((m) => [m.index, m[0]])).toEqual([...text.matchAll(re)].map((m) => [m.index, m[0]]));
      expect(re.lastIndex).toBe(0);
    }
  });
});
