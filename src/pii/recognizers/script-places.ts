import type { PiiSpan, ScanInput } from '../types.js';
import { SCRIPT, scriptsOf } from '../features.js';
import { HANGUL_PLACES, HAN_KANA_PLACES, SPACED_SCRIPT_PLACES } from '../data/places-native.js';

/**
 * Places written in scripts the Latin-script gazetteer does not cover: Chinese and Japanese
 * (no spaces between words), Korean (particles written onto the word), and Arabic, Hebrew,
 * Cyrillic, Greek and Devanagari (one-letter prefixes such as Arabic "و" and "ب", Hebrew "ב" and
 * "ו", written onto the word). Each listed name is looked for as a string; where it sits decides
 * whether it is a word of the text.
 */

const LETTER = /[\p{L}\p{M}]/u;
const isLetter = (ch: string | undefined) => ch !== undefined && LETTER.test(ch);
/** After these a Chinese or Japanese place name is part of another word: a language, a people, a cuisine. */
const HAN_NOT_PLACE_AFTER = /^(?:语|語|话|話|人|菜|料理|式|風|风)/;
/** One-letter prefixes of Arabic (and, with, for, so, like) and Hebrew (in, the, and, to, from). */
const PREFIX_LETTERS = new Set(['و', 'ب', 'ل', 'ف', 'ك', 'ב', 'ה', 'ו', 'ל', 'מ', 'כ', 'ש']);
/** The spaced-script names by the script they are written in, so a text searches only its own scripts' names. */
const SPACED_BY_SCRIPT: readonly { script: number; names: string[] }[] = (() => {
  const groups = new Map<number, string[]>();
  for (const name of SPACED_SCRIPT_PLACES) {
    const script = scriptsOf(name);
    groups.set(script, [...(groups.get(script) ?? []), name]);
  }
  return [...groups].map(([script, names]) => ({ script, names }));
})();

function allIndexes(text: string, name: string, visit: (at: number) => void): void {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) visit(at);
}

export function findScriptPlaces({ text, features }: ScanInput, out: PiiSpan[]): void {
  const scripts = features.scripts;
  if (scripts === 0) return;
  const push = (start: number, length: number) => out.push({ type: 'LOCATION', start, end: start + length, score: 0.8 });
  if (scripts & SCRIPT.HAN_KANA) {
    for (const name of HAN_KANA_PLACES) {
      allIndexes(text, name, (at) => {
        if (!HAN_NOT_PLACE_AFTER.test(text.slice(at + name.length, at + name.length + 2))) push(at, name.length);
      });
    }
  }
  if (scripts & SCRIPT.HANGUL) {
    for (const name of HANGUL_PLACES) allIndexes(text, name, (at) => !isLetter(text[at - 1]) && push(at, name.length));
  }
  const prefixed = (scripts & (SCRIPT.ARABIC | SCRIPT.HEBREW)) !== 0;
  for (const { script, names } of SPACED_BY_SCRIPT) {
    if (!(scripts & script)) continue;
    for (const name of names) {
      allIndexes(text, name, (at) => {
        if (isLetter(text[at + name.length])) return;
        const before = text[at - 1];
        // Up to two prefixes: Arabic "وبالرياض" is "and in Riyadh".
        const onePrefix = prefixed && PREFIX_LETTERS.has(before!) && !isLetter(text[at - 2]);
        const twoPrefixes = prefixed && PREFIX_LETTERS.has(before!) && PREFIX_LETTERS.has(text[at - 2]!) && !isLetter(text[at - 3]);
        if (!isLetter(before) || onePrefix || twoPrefixes) push(at, name.length);
      });
    }
  }
}
