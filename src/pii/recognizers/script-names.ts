import type { PiiSpan, ScanInput } from '../types.js';
import { SCRIPT } from '../features.js';
import { execAll } from './exec-all.js';

/**
 * Names written in scripts without capitals, after the phrase that introduces them ("my name
 * is", "I am called"). The capital-letter rules of names.ts cannot see a Chinese, Japanese,
 * Korean, Arabic, Hebrew or Devanagari name, and a Cyrillic or Greek one only after words they do
 * not know; the phrase says a name follows, the script says where it ends.
 *
 * Each pattern's group 1 is the name. Where a language writes no spaces, the name's length is
 * bounded by how names are written there (Chinese: two or three characters, the family name
 * first) and ends before punctuation or one of the words that commonly follow it.
 */
/**
 * `script`: the SCRIPT every match is written in; `hints`: strings one of which every match contains.
 * A text without them skips the pattern (a long document would otherwise be searched by each).
 */
const PATTERNS: readonly { re: RegExp; score: number; script: number; hints: readonly string[] }[] = [
  // 我叫李明, 我的名字是王小红, 我姓张 (family name only is left out: one character says little).
  { re: /(?:我叫|我的名字是|我名叫|我名字叫)\s*(\p{sc=Han}{2,3}?)(?=[\s,，。.!！?？、;；:：]|$|[住在是今想的电手我来从和也，])/gu, score: 0.85, script: SCRIPT.HAN_KANA, hints: ['我叫', '我的名字', '我名'] },
  // 私の名前は田中です, 田中太郎と申します.
  { re: /(?:私の名前は|僕の名前は|わたしの名前は)\s*([\p{sc=Han}\p{sc=Katakana}ー]{2,8}?)\s*(?=です|と申します|といいます|[、。,.\s]|$)/gu, score: 0.85, script: SCRIPT.HAN_KANA, hints: ['名前は'] },
  { re: /([\p{sc=Han}]{2,4}|[\p{sc=Katakana}ー]{2,10})\s*(?=と申します)/gu, score: 0.8, script: SCRIPT.HAN_KANA, hints: ['と申します'] },
  // 제 이름은 김민준입니다, 저는 박지현이에요.
  { re: /(?:제 이름은|내 이름은|이름은|저는)\s*(\p{sc=Hangul}{2,4}?)(?=입니다|이에요|예요|이고|이야|라고|[\s,.!?]|$)/gu, score: 0.8, script: SCRIPT.HANGUL, hints: ['이름은', '저는'] },
  // اسمي أحمد منصور, أنا اسمي ...
  { re: /(?:^|[^\p{L}])(?:اسمي|إسمي|أسمي)\s+(\p{sc=Arabic}{2,}(?:\s+(?!و)\p{sc=Arabic}{2,})?)/gu, score: 0.85, script: SCRIPT.ARABIC, hints: ['سمي'] },
  // שמי דוד כהן, קוראים לי נועה
  { re: /(?:^|[^\p{L}])(?:שמי|קוראים לי|השם שלי הוא)\s+(\p{sc=Hebrew}{2,}(?:\s+(?!ו)\p{sc=Hebrew}{2,})?)/gu, score: 0.8, script: SCRIPT.HEBREW, hints: ['שמי', 'קוראים לי', 'השם שלי'] },
  // मेरा नाम राहुल शर्मा है
  { re: /मेरा नाम\s+((?:[\p{sc=Devanagari}\p{M}]+\s+){0,2}?[\p{sc=Devanagari}\p{M}]+)\s+(?:है|हैं)/gu, score: 0.85, script: SCRIPT.DEVANAGARI, hints: ['मेरा नाम'] },
  // Меня зовут Анна Петрова, Мене звати Олена: capitalised words, as these scripts write names.
  { re: /(?:^|[^\p{L}])(?:[Мм]еня зовут|[Мм]ене звати|[Мм]оё имя|[Мм]ое имя|[Мм]оє ім'я)\s+(\p{Lu}[\p{Ll}\p{M}-]+(?:\s+\p{Lu}[\p{Ll}\p{M}-]+){0,2})/gu, score: 0.85, script: SCRIPT.CYRILLIC, hints: ['еня зовут', 'ене звати', 'оё имя', 'ое имя', 'оє ім\'я'] },
  // Με λένε Γιώργο, ονομάζομαι Ελένη Παπαδοπούλου.
  { re: /(?:^|[^\p{L}])(?:[Μμ]ε λένε|[Οο]νομάζομαι|[Ττ]ο όνομά μου είναι)\s+(\p{Lu}[\p{Ll}\p{M}]+(?:\s+\p{Lu}[\p{Ll}\p{M}]+){0,2})/gu, score: 0.85, script: SCRIPT.GREEK, hints: ['ε λένε', 'νομάζομαι', 'ο όνομά μου'] },
];

export function findScriptNames({ text, features }: ScanInput, out: PiiSpan[]): void {
  if (features.scripts === 0) return;
  for (const { re, score, script, hints } of PATTERNS) {
    if (!(features.scripts & script) || !hints.some((h) => text.includes(h))) continue;
    for (const m of execAll(re, text)) {
      const name = m[1]!;
      const start = m.index + m[0].lastIndexOf(name);
      out.push({ type: 'PERSON', start, end: start + name.length, score });
    }
  }
}
