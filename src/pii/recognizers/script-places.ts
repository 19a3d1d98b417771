import type { PiiSpan, ScanInput } from '../types.js';
import { SHAPE } from '../features.js';
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
const HAN_OR_KANA = /[\p{sc=Han}\p{sc=Katakana}\p{sc=Hiragana}]/u;
const HANGUL = /\p{sc=Hangul}/u;
const ARABIC_HEBREW = /[\p{sc=Arabic}\p{sc=Hebrew}]/u;

function allIndexes(text: string, name: string, visit: (at: number) => void): void {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) visit(at);
}

export function findScriptPlaces({ text, features }: ScanInput, out: PiiSpan[]): void {
  if (!(features.shape & SHAPE.NON_ASCII)) return;
  const push = (start: number, length: number) => out.push({ type: 'LOCATION', start, end: start + length, score: 0.8 });
  if (HAN_OR_KANA.test(text)) {
    for (const name of HAN_KANA_PLACES) {
      allIndexes(text, name, (at) => {
        if (!HAN_NOT_PLACE_AFTER.test(text.slice(at + name.length, at + name.length + 2))) push(at, name.length);
      });
    }
  }
  if (HANGUL.test(text)) {
    for (const name of HANGUL_PLACES) allIndexes(text, name, (at) => !isLetter(text[at - 1]) && push(at, name.length));
  }
  const prefixed = ARABIC_HEBREW.test(text);
  for (const name of SPACED_SCRIPT_PLACES) {
    allIndexes(text, name, (at) => {
      if (isLetter(text[at + name.length])) return;
      const before = text[at - 1];
      // Up to two prefixes: Arabic "وبالرياض" is "and in Riyadh".
      const onePrefix = prefixed && PREFIX_LETTERS.has(before!) && !isLetter(text[at - 2]);
      const twoPrefixes = prefixed && PREFIX_LETTERS.has(before!) && PREFIX_LETTERS.has(text[at - 2]!) && !isLetter(text[at - 3]);
      const wordStart = !isLetter(before) || onePrefix || twoPrefixes;
      if (wordStart) push(at, name.length);
    });
  }
}
