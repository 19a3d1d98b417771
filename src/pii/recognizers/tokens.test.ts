import { describe, expect, it } from 'vitest';
import { tokenize } from './tokens.js';

const words = (text: string) => tokenize(text).map((t) => t.text);

describe('tokenize', () => {
  it('splits on anything but letters, marks and digits, keeping inner apostrophes and hyphens', () => {
    expect(words("O'Neil-Smith met d’Été, rock-n-roll, rock-'n'-roll!")).toEqual(["O'Neil-Smith", 'met', 'd’Été', 'rock-n-roll', 'rock', 'n', 'roll']);
    expect(words('x - y -z a\' 42nd')).toEqual(['x', 'y', 'z', 'a', '42nd']);
    expect(words('ΜΕΓΆΛΗ Άμμος 𝐀bc 😀Ann')).toEqual(['ΜΕΓΆΛΗ', 'Άμμος', '𝐀bc', 'Ann']);
  });

  it("drops a possessive 's and reports offsets into the text", () => {
    const [t] = tokenize("  IBM's CEO");
    expect(t).toMatchObject({ text: 'IBM', start: 2, end: 5, lower: 'ibm', cap: true, upper: true, alpha: true });
    expect(words("Anna’s car")).toEqual(['Anna', 'car']);
  });

  it('marks capitals, upper case, digits and sentence starts', () => {
    const [a, b, c, d, e] = tokenize('Hello world. DÜSSELDORF R2D2\n élan');
    expect(a).toMatchObject({ cap: true, upper: false, initial: true });
    expect(b).toMatchObject({ cap: false, initial: false });
    expect(c).toMatchObject({ cap: true, upper: true, initial: true });
    expect(d).toMatchObject({ alpha: false, upper: false, initial: false });
    expect(e).toMatchObject({ cap: false, initial: true });
  });
});

describe('accent-free look-up', () => {
  it('gives a word with accents the facts of its spelling without them, by the table and by the general path alike', async () => {
    const { tokensOf } = await import('./shared.js');
    const { scanInput } = await import('../engine.js');
    const flagsOf = (text: string) => tokensOf(scanInput(text)).map((t) => t.flags);
    // Precomposed letters, a combining accent (the general path), letters folded by name (ø, ß, æ).
    for (const [accented, plain] of [
      ['Nguyễn', 'Nguyen'],
      ['José', 'Jose'],
      ['Jose\u0301', 'Jose'],
      ['Bjørn', 'Bjorn'],
      ['Straße', 'Strasse'],
      ['Zoë', 'Zoe'],
    ]) {
      expect({ accented, flags: flagsOf(accented!) }).toEqual({ accented, flags: flagsOf(plain!) });
      expect(flagsOf(plain!)[0]).not.toBe(0);
    }
    // Nothing to take off, or a letter of another script: no second look-up.
    expect(flagsOf('Ωmega')[0]).toBe(0);
  });
});
