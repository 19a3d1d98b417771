import type { PiiSpan, ScanInput } from '../types.js';
import { SCRIPT, SHAPE } from '../features.js';
import { execAll, execAt, sticky } from './exec-all.js';
import { FOREIGN_MONTHS, FOREIGN_WEEKDAYS, GERMAN_WEEKDAYS } from '../data/words.js';
import { LEX } from './lexicon.js';
import { hasWord, tokensOf, wordStarts, wordsWith } from './shared.js';

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const LONG_MONTH = '(?:january|february|march|april|june|july|august|september|october|november|december)';
const DAY = '(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?';
const YEAR = '(?:1[89]\\d{2}|20\\d{2})';
const TIME = '(?:[01]?\\d|2[0-3])[:.h][0-5]\\d(?::[0-5]\\d(?:\\.\\d+)?)?(?:\\s?(?:[ap]\\.?m\\.?))?';
const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const FOREIGN_MONTH = `(?:${[...new Set(FOREIGN_MONTHS)].sort((a, b) => b.length - a.length).join('|')})`;
/** A digit then one of those months: a test without Unicode classes, which Irregexp runs from each digit. */
const FOREIGN_MONTH_HINT = new RegExp(`\\d\\.?\\s(?:de\\s)?${FOREIGN_MONTH}`, 'i');

/**
 * `words`: the pattern can match without any digit in the text; `word`: words (bits of LEX) the
 * pattern cannot match without; `shape`: character shapes (features.ts) every match has. Most
 * texts skip most patterns on these tests alone. `startsAt`: every match starts with a whole
 * `\b` word with these bits (the month or weekday is followed by a space, a dot, a comma or a
 * word boundary in the pattern), so the pattern is tried only at those words instead of at every
 * position of a long document.
 */
const PATTERN_SPECS: readonly { re: RegExp; score: number; words?: boolean; month?: boolean; group?: number; shape?: number; word?: number; startsAt?: number; pre?: RegExp; script?: number }[] = [
  // ISO 8601 date with optional time and offset.
  { re: new RegExp(`\\b${YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\\d|3[01])(?:[T ]${TIME}(?:Z|[+-]\\d{2}:?\\d{2})?)?(?![\\d])`, 'gi'), score: 0.95, shape: SHAPE.Y4_DASH_DIGIT },
  // Numeric day/month/year in either order; two- or four-digit year.
  { re: /(?<![\d/.-])(?:0?[1-9]|[12]\d|3[01])([/.-])(?:0?[1-9]|[12]\d|3[01])\1(?:1[89]\d{2}|20\d{2}|\d{2})(?![\d/]|[.-]\d)/g, score: 0.85, shape: SHAPE.DIGIT_SEP_DIGIT },
  { re: new RegExp(`\\b${YEAR}/(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\\d|3[01])\\b`, 'g'), score: 0.85, shape: SHAPE.Y4_SLASH },
  // "March 5, 2024", "Mar 5th", "March 2024".
  { re: new RegExp(`\\b${MONTH}\\.? ${DAY}(?:,? ${YEAR})?(?:,? (?:at )?${TIME})?\\b`, 'gi'), score: 0.85, month: true, startsAt: LEX.MONTH },
  { re: new RegExp(`\\b${LONG_MONTH},? ${YEAR}\\b`, 'gi'), score: 0.85, month: true, startsAt: LEX.MONTH },
  // "5 March 2024", "5th of March".
  { re: new RegExp(`\\b${DAY} (?:of )?${MONTH}\\.?(?:,? ${YEAR})?\\b`, 'gi'), score: 0.85, month: true },
  // Weekday, optionally with a date after it: "Tuesday, March 4", "Tuesday the 14th". (Not a plural:
  // "Saturdays off" is every Saturday.)
  { re: new RegExp(`\\b${WEEKDAY}(?:,? ${MONTH}\\.? ${DAY}(?:,? ${YEAR})?|,? (?:the )?(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th))?\\b`, 'gi'), score: 0.8, words: true, word: LEX.WEEKDAY, startsAt: LEX.WEEKDAY },
  // A quarter of a year: "Q3 2025", "Q1 '26".
  { re: /\bQ[1-4][ -]?(?:(?:19|20)\d{2}|['’]\d{2})\b/g, score: 0.7, shape: SHAPE.YEAR | SHAPE.APOSTROPHE_DIGIT },
  // A year written with an apostrophe after a word that announces a time: "born in '94", "class of ’09".
  { re: /\b(?:in|since|of|born in|back in|summer of|until)\s+(['’]\d{2})(?![\d'’])/gi, score: 0.7, group: 1, shape: SHAPE.APOSTROPHE_DIGIT },
  // Dates in Chinese and Japanese (2025年3月15日, 3月15日) and in Korean (2025년 3월 15일): a year with a
  // month, or a month with a day (a year alone is a date only after a word that says so).
  { re: /(?:19|20)\d{2}\s?年\s?(?:0?[1-9]|1[0-2])\s?月(?:\s?(?:0?[1-9]|[12]\d|3[01])\s?[日号])?|(?:0?[1-9]|1[0-2])\s?月\s?(?:0?[1-9]|[12]\d|3[01])\s?[日号]/g, score: 0.85, script: SCRIPT.HAN_KANA },
  { re: /(?:19|20)\d{2}\s?년\s?(?:0?[1-9]|1[0-2])\s?월(?:\s?(?:0?[1-9]|[12]\d|3[01])\s?일)?|(?:0?[1-9]|1[0-2])\s?월\s?(?:0?[1-9]|[12]\d|3[01])\s?일/g, score: 0.85, script: SCRIPT.HANGUL },
  // Month and year: "09/2026", "expires 12/2030".
  { re: /(?<![\d/.-])(?:0?[1-9]|1[0-2])\/(?:19|20)\d{2}(?![\d/])/g, score: 0.7, shape: SHAPE.DIGIT_SEP_DIGIT },
  // A span of years: "2019-2022", "1998–2003".
  { re: new RegExp(`(?<![\\d-])${YEAR}\\s?[-–]\\s?${YEAR}(?![\\d-])`, 'g'), score: 0.7, shape: SHAPE.YEAR },
  // A day and a month in Spanish, French, German, Italian or Portuguese: "12 de marzo de 1994",
  // "15 mars", "3. März 2024".
  { re: new RegExp(`(?<![\\p{L}\\d])${DAY}\\.?\\s(?:de\\s)?${FOREIGN_MONTH}(?:\\s(?:de\\s)?${YEAR})?(?![\\p{L}\\d])`, 'giu'), score: 0.85, month: true, pre: FOREIGN_MONTH_HINT },
  // Clock times: "14:30", "9.45pm", "7 am".
  // (Not a price, "$3.40", nor a version, "v20.11.1".)
  { re: new RegExp(`(?<![\\d:.$€£¥vV])${TIME}(?![\\d:]|\\.\\d)`, 'gi'), score: 0.6, shape: SHAPE.CLOCK },
  { re: /\b(?:1[0-2]|0?[1-9])\s?(?:[ap]\.m\.|[ap]m\b)/gi, score: 0.8, shape: SHAPE.AM_PM },
  // A bare year after a word that announces a time ("in 1998", "since 2004", "class of 2010").
  { re: new RegExp(`\\b(?:in|since|during|from|until|till|by|before|after|around|circa|of|year|born|founded|established|spring|summer|autumn|fall|winter|early|late|mid|back in|a|an|the)\\s(${YEAR}s?)\\b(?![-/.]\\d)`, 'gi'), score: 0.75, group: 1, shape: SHAPE.YEAR, startsAt: LEX.YEAR_LEAD },
  { re: new RegExp(`\\b(?:19|20)\\d0s\\b`, 'gi'), score: 0.7, shape: SHAPE.DECADE },
  // Relative dates: below the default threshold, since on their own they identify no one.
  { re: /\b(?:yesterday|today|tomorrow|tonight|the day (?:before|after) (?:yesterday|tomorrow)|(?:last|next|this) (?:week|weekend|month|year|spring|summer|autumn|fall|winter)|(?:last|next|this) (?:mon|tues|wednes|thurs|fri|satur|sun)day)\b/gi, score: 0.45, words: true, word: LEX.RELATIVE_DAY | LEX.WEEKDAY, startsAt: LEX.RELATIVE_LEAD },
];

/**
 * What `execAll(re, text)` finds when every match starts at a `\b` word with `flags`: the words
 * are tried in text order, skipping those inside the previous match, as the global search does.
 */
function execAtWords(input: ScanInput, re: RegExp, flags: number): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  const words = wordsWith(input, flags);
  let end = 0;
  for (let p = 0; p < words.length; p += 2) {
    const at = words[p]!;
    if (at < end) continue;
    const m = execAt(re, input.text, at);
    if (!m) continue;
    found.push(m);
    end = at + m[0].length;
  }
  return found;
}

const LONG_MONTHS: ReadonlySet<string> = new Set(['january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december']);
/** Words after which a month name alone is a date ("in April", "since March", "rent for March"). */
const MONTH_LEAD = /(?:^|[^a-z])(?:in|since|until|till|by|during|from|before|after|early|late|mid|last|next|this|of|for|through|thru)\s+$/;
/** The same for "May", also a verb and a name: only words that take a time. */
const MAY_LEAD = /(?:^|[^a-z])(?:in|since|until|till|during|early|late|mid|last|next|this)\s+$/;
/** A second month joined to the first ("March and April"). */
const MONTH_JOIN = /^\s+(?:and|or|to|through|-|–)\s+$/;

/** Month names standing alone as a date, after a word that announces a time. */
function bareMonths(input: ScanInput, found: PiiSpan[]): void {
  const { lower, text, caseless } = input;
  const words = wordsWith(input, LEX.MONTH);
  let previousEnd = -1;
  for (let p = 0; p < words.length; p += 2) {
    const start = words[p]!;
    const end = words[p + 1]!;
    const word = lower.slice(start, end);
    const may = word === 'may';
    if (!may && !LONG_MONTHS.has(word)) continue;
    if (may && (caseless || text.charCodeAt(start) !== 77)) continue; // "May", capitalised
    const before = lower.slice(Math.max(0, start - 12), start);
    const joined = previousEnd >= 0 && start - previousEnd <= 12 && MONTH_JOIN.test(lower.slice(previousEnd, start));
    if (!joined && !(may ? MAY_LEAD : MONTH_LEAD).test(before)) continue;
    found.push({ type: 'DATE_TIME', start, end, score: 0.6 });
    previousEnd = end;
  }
}

/** Only blanks or ", " between two findings ("Monday 3 March", "17/04/2025 09:20"). */
function adjacentGap(text: string, from: number, to: number): boolean {
  if (to <= from) return true;
  if (to - from === 5 && text.startsWith(' the ', from)) return true; // "Friday the 13th"
  if (to - from > 3) return false;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c !== 32 && !(c === 44 && k === from)) return false;
  }
  return true;
}

/**
 * A date and a time written side by side, or a weekday before a date, are one finding: the
 * patterns find the pieces, overlapping or next to each other; they are joined here. Relative
 * dates (below 0.5) stay apart.
 */
function mergeAdjacent(text: string, found: PiiSpan[], out: PiiSpan[]): void {
  if (found.length < 2) {
    for (const s of found) out.push(s);
    return;
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  let current: PiiSpan | undefined;
  for (const s of found) {
    if (current && s.score >= 0.5 && current.score >= 0.5 && adjacentGap(text, current.end, s.start)) {
      current = { type: 'DATE_TIME', start: current.start, end: Math.max(current.end, s.end), score: Math.max(current.score, s.score) };
      continue;
    }
    if (current) out.push(current);
    current = s;
  }
  if (current) out.push(current);
}

/** "3/14", "22/05", "4.11." (German): a day and a month without a year. */
const SHORT_DATE = /(?<![\d/.-])(?:0?[1-9]|[12]\d|3[01])(?:\/(?:0?[1-9]|[12]\d|3[01])|\.(?:0?[1-9]|1[0-2])\.)(?![\d/]|[.,]\d)/g;
/** The word before a short date that makes it one ("on 3/14", "since 10/10", "exp 08/27"). */
const SHORT_DATE_LEAD = /(?:^|[^a-z])(?:on|from|to|since|until|till|by|due|before|after|exp|expires?|expiry|expiring|thru|am|vom|bis)\s+$/;
/** A weekday's short name before it, which is part of the date ("Mon 7/14"). */
const SHORT_WEEKDAY = /(?:^|[^a-z])((?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?,?\s)$/;

/**
 * Short dates are found from their digits (Irregexp scans for those), then kept only after a
 * word that announces a date: without one "3/4" is as likely a fraction or a ratio.
 */
function shortDates(input: ScanInput, found: PiiSpan[]): void {
  const { text, lower } = input;
  for (const m of execAll(SHORT_DATE, text)) {
    const before = lower.slice(Math.max(0, m.index - 12), m.index);
    const weekday = SHORT_WEEKDAY.exec(before);
    if (weekday) found.push({ type: 'DATE_TIME', start: m.index - weekday[1]!.length, end: m.index + m[0].length, score: 0.8 });
    else if (SHORT_DATE_LEAD.test(before)) found.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
}

/** "10h", "14 Uhr", "9h30": an hour written the French or German way. */
const HOUR_MARK = /(?<![\d:.])(?:[01]?\d|2[0-3])(?: ?uhr|h)(?:[0-5]\d)?(?![A-Za-z\d])/gi;
/** The word before it that makes it a time ("à 10h", "um 14 Uhr", "a las 9h30"): "a 10h flight" is a duration. */
const HOUR_LEAD = /(?:^|\s)(?:à|at|um|ab|bis|vers|alle|las)\s$/;

function hourMarks(input: ScanInput, found: PiiSpan[]): void {
  const { text, lower } = input;
  for (const m of execAll(HOUR_MARK, text)) {
    if (HOUR_LEAD.test(lower.slice(Math.max(0, m.index - 6), m.index))) found.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
}

/**
 * Timestamps of logs and tools, tried only at the month abbreviations of the text: ctime and git
 * ("Tue Apr 8 11:23:45 2025 +0200", the weekday taken in from before the month), syslog
 * ("Mar 12 08:14:22") and the Common Log Format of web servers ("12/Mar/2025:08:14:22 +0000",
 * the day taken in from before).
 */
const CTIME_AT = /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(?:0?[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?: (?:19|20)\d{2})?(?: [+-]\d{4})?(?!\d)/y;
const CLF_AT = /(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\/(?:19|20)\d{2}:(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?: [+-]\d{4})?(?!\d)/y;
const WEEKDAY_BEFORE = /(?:^|[^A-Za-z])((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) )$/;
const DAY_BEFORE = /(?:^|[^\d])((?:0?[1-9]|[12]\d|3[01])\/)$/;

function logTimestamps(input: ScanInput, found: PiiSpan[]): void {
  const { text } = input;
  const months = wordsWith(input, LEX.MONTH);
  for (let p = 0; p < months.length; p += 2) {
    const at = months[p]!;
    const c = text.charCodeAt(at);
    if (c < 65 || c > 90) continue;
    const ctime = execAt(CTIME_AT, text, at);
    if (ctime) {
      const weekday = WEEKDAY_BEFORE.exec(text.slice(Math.max(0, at - 5), at));
      const start = weekday ? at - weekday[1]!.length : at;
      found.push({ type: 'DATE_TIME', start, end: at + ctime[0].length, score: 0.9 });
      continue;
    }
    if (text.charCodeAt(at - 1) !== 47) continue;
    const clf = execAt(CLF_AT, text, at);
    const day = clf && DAY_BEFORE.exec(text.slice(Math.max(0, at - 4), at));
    if (clf && day) found.push({ type: 'DATE_TIME', start: at - day[1]!.length, end: at + clf[0].length, score: 0.9 });
  }
}

/**
 * Patterns that end at a known word are matched backwards from it, on the text just before:
 * "3 days ago" from each "ago", "Christmas 2023" from each year after a holiday's last word. A
 * window longer than any match finds what the pattern finds over the whole text, without running
 * it at every position of a long document.
 */
const AGO_BEFORE = /\b(?:\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten) (?:days?|weeks?|months?|years?) $/i;
const HOLIDAY_BEFORE = /\b(?:christmas(?: eve| day)?|new year['’]?s(?: eve| day)?|easter(?: sunday| monday)?|thanksgiving|halloween|hanukkah|diwali|eid(?: al-fitr| al-adha)?|ramadan|valentine['’]?s day|independence day|labou?r day|memorial day|boxing day) (?:of )?$/;
/** The last words of HOLIDAY_BEFORE's phrases: a year after any other word is no holiday's. */
const HOLIDAY_LAST_WORDS: ReadonlySet<string> = new Set(['christmas', 'eve', 'day', 'easter', 'sunday', 'monday', 'thanksgiving', 'halloween', 'hanukkah', 'diwali', 'eid', 'fitr', 'adha', 'ramadan', 'of']);

/** "three weeks ago" (a relative date: below the default threshold). */
function agoDates(input: ScanInput, found: PiiSpan[]): void {
  const { text } = input;
  const words = wordsWith(input, LEX.AGO);
  for (let p = 0; p < words.length; p += 2) {
    const at = words[p]!;
    const from = Math.max(0, at - 24);
    const m = AGO_BEFORE.exec(text.slice(from, at));
    if (m) found.push({ type: 'DATE_TIME', start: from + m.index, end: words[p + 1]!, score: 0.45 });
  }
}

/** "Christmas 2023", "New Year's Eve 2019", "Diwali 2024": a holiday of a given year. */
function holidayDates(input: ScanInput, found: PiiSpan[]): void {
  const { text, lower } = input;
  const tokens = tokensOf(input);
  for (let k = 1; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.alpha || t.end - t.start < 4 || !isYear(text, t.start)) continue;
    // The year starts the token and ends a `\\b` word ("2019" of "2019-2020" too).
    const after = t.start + 4 < text.length ? text.charCodeAt(t.start + 4) : 32;
    const wordGoesOn = (after >= 48 && after <= 57) || ((after | 32) >= 97 && (after | 32) <= 122) || after === 95;
    if (wordGoesOn || !HOLIDAY_LAST_WORDS.has(tokens[k - 1]!.lower)) continue;
    const from = Math.max(0, t.start - 40);
    const m = HOLIDAY_BEFORE.exec(lower.slice(from, t.start));
    if (m) found.push({ type: 'DATE_TIME', start: from + m.index, end: t.start + 4, score: 0.8 });
  }
}

/** Four digits at `at` that read as a year of YEAR (1800–2099). */
function isYear(text: string, at: number): boolean {
  const a = text.charCodeAt(at);
  const b = text.charCodeAt(at + 1);
  if (!((a === 49 && (b === 56 || b === 57)) || (a === 50 && b === 48))) return false;
  const c = text.charCodeAt(at + 2);
  const d = text.charCodeAt(at + 3);
  return c >= 48 && c <= 57 && d >= 48 && d <= 57;
}

const LOWER_CASE_WEEKDAYS: ReadonlySet<string> = new Set(FOREIGN_WEEKDAYS);
const CAPITALISED_WEEKDAYS: ReadonlySet<string> = new Set(GERMAN_WEEKDAYS);

/**
 * Weekdays of other languages ("el lunes", "vendredi", "am Montag", "w piątek"), as the English
 * ones are marked: lower case where the language writes them so (a capitalised "Domingo" is a
 * name), capitalised in German. The lexicon flags them as weekdays; the English ones are the
 * weekday pattern's.
 */
function foreignWeekdays(input: ScanInput, found: PiiSpan[]): void {
  for (const t of tokensOf(input)) {
    if (!(t.flags & LEX.WEEKDAY)) continue;
    if (t.cap ? CAPITALISED_WEEKDAYS.has(t.lower) : LOWER_CASE_WEEKDAYS.has(t.lower)) found.push({ type: 'DATE_TIME', start: t.start, end: t.end, score: 0.8 });
  }
}

/** "March '24", "9 o'clock", "mid-2023": three more ways chat writes a date or a time. */
const MONTH_APOSTROPHE_YEAR = /\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? ['’]\d{2}(?![\d'’])/gi;
const O_CLOCK = /\b(?:[01]?\d|2[0-3]) o['’]clock\b/gi;
const MID_YEAR = /\b(?:mid|early|late)-((?:19|20)\d{2})\b(?!-\d)/gi;

function moreDates(input: ScanInput, found: PiiSpan[]): void {
  const { text, lower } = input;
  const shape = input.features.shape;
  if (shape & SHAPE.APOSTROPHE_DIGIT && hasWord(input, LEX.MONTH)) {
    for (const m of execAll(MONTH_APOSTROPHE_YEAR, text)) found.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.8 });
  }
  if (lower.includes('clock')) {
    for (const m of execAll(O_CLOCK, text)) found.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
  if (shape & SHAPE.YEAR && (lower.includes('mid-') || lower.includes('early-') || lower.includes('late-'))) {
    for (const m of execAll(MID_YEAR, text)) found.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score: 0.75 });
  }
}

export function findDates(input: ScanInput, out: PiiSpan[]): void {
  const found: PiiSpan[] = [];
  collectDates(input, found);
  if (input.hasDigit && input.features.shape & SHAPE.DIGIT_SEP_DIGIT) shortDates(input, found);
  if (input.features.shape & SHAPE.DIGIT_H) hourMarks(input, found);
  if (hasWord(input, LEX.MONTH)) bareMonths(input, found);
  if (input.features.shape & SHAPE.CLOCK && hasWord(input, LEX.MONTH)) logTimestamps(input, found);
  if (hasWord(input, LEX.AGO)) agoDates(input, found);
  if (input.features.shape & SHAPE.YEAR) holidayDates(input, found);
  if (hasWord(input, LEX.WEEKDAY)) foreignWeekdays(input, found);
  moreDates(input, found);
  mergeAdjacent(input.text, found, out);
}

function collectDates(input: ScanInput, out: PiiSpan[]): void {
  const { text, hasDigit } = input;
  const shapes = input.features.shape;
  for (let p = 0; p < PATTERNS.length; p++) {
    const pattern = PATTERNS[p]!;
    if (!pattern.words && !hasDigit) continue;
    if (pattern.shape !== 0 && !(shapes & pattern.shape)) continue;
    if (pattern.script !== 0 && !(input.features.scripts & pattern.script)) continue;
    if (pattern.month && !hasWord(input, LEX.MONTH)) continue;
    if (pattern.word !== 0 && !hasWord(input, pattern.word)) continue;
    if (pattern.pre !== null && !pattern.pre.test(text)) continue;
    const group = pattern.group;
    for (const m of matchesOf(input, pattern)) {
      const start = group ? m.index + m[0].length - m[group]!.length : m.index;
      let end = m.index + m[0].length;
      // A trailing "a.m." keeps its dot; other trailing dots are sentence punctuation.
      if (text[end - 1] === '.' && !/[ap]\.m\.$/i.test(m[0])) end--;
      out.push({ type: 'DATE_TIME', start, end, score: pattern.score });
    }
  }
}

/**
 * `hint`: a string of the lower-cased text, or `shape` a character shape (features.ts), that every
 * match of `re` has; `startsAt` as for PATTERNS.
 */
const AGE_PATTERN_SPECS: readonly { re: RegExp; score: number; hint?: string; shape?: number; startsAt?: number }[] = [
  { re: /\b(\d{1,3})(?:\s|-)?(?:years?|yrs?|y\.?o\.?|yo)(?:\s|-)?old\b/gi, score: 0.95, hint: 'old' },
  // ("15 yrs in audit", "5 yrs of experience" are durations.)
  { re: /\b(\d{1,3})\s?(?:y\/o|yo|y\.o\.|yrs?)(?![\w/])(?!\s+(?:in|of|at|with|for|experience|exp|ago|later|from|before|after)\b)/gi, score: 0.85, shape: SHAPE.DIGIT_Y },
  // "my dad is 72", "my grandmother Halina is 88": a relative's number after "is" is an age.
  { re: /\b(?:my|our|his|her|their|your)\s+(?:son|daughter|kid|child|baby|wife|husband|partner|brother|sister|mom|mum|mother|dad|father|grandma|grandpa|grandmother|grandfather|grandson|granddaughter|nephew|niece|cousin|uncle|aunt|friend|boyfriend|girlfriend)(?:\s+\p{Lu}[\p{L}\p{M}'’-]+){0,2}\s+(?:is|was|turned|turns|just turned|will be)\s+(\d{1,3})\b(?!\s*(?:%|percent|kg|kilos?|lbs?|pounds|cm|km|miles|°|degrees|dollars|euros|minutes|hours|days|weeks|months|times|[.,]\d|\/|:))/giu, score: 0.8, shape: SHAPE.MSE_SPACE_DIGIT, startsAt: LEX.POSSESSIVE },
  { re: /\b(?:aged?|age of|age:?|at the age of)\s+(\d{1,3})\b/gi, score: 0.9, hint: 'age' },
  // "Female, 34, smoker", "34, male": a sex and a number side by side, as forms and notes write them.
  { re: /\b(?:male|female),\s?(\d{1,3})\b(?![.,]\d)/gi, score: 0.8, hint: 'male' },
  { re: /\b(\d{1,3}),?\s(?:male|female)\b/gi, score: 0.8, hint: 'male' },
  { re: /\b(?:turn|turns|turned|turning)\s+(\d{1,3})\b(?!\s*(?:%|percent|degrees|times|minutes|hours|days|weeks|months|dollars|euros|pounds|[ap]m|:))/gi, score: 0.85, hint: 'turn' },
  { re: /\b(?:i'm|i am|im|he's|he is|she's|she is|they're|was|were|am)\s+(\d{1,3})(?=\s*(?:[.,!?;)]|$|and\b|now\b|today\b|this\b|next\b|years?\b))/gim, score: 0.6, shape: SHAPE.MSE_SPACE_DIGIT, startsAt: LEX.AGE_LEAD },
  { re: /\b(?:a|an)\s+(\d{1,3})(?:-|\s)(?:year|yr)(?:-|\s)old\b/gi, score: 0.95, hint: 'old' },
];

/**
 * A pattern with every field present (0, false or '' when unused), the same object shape for
 * all: the loops below then read their fields with one hidden class instead of several, and the
 * sticky copy sits in the pattern instead of behind a Map look-up.
 */
interface Pattern {
  re: RegExp;
  /** The sticky copy of `re`, when `startsAt` is set. */
  sticky: RegExp;
  score: number;
  words: boolean;
  month: boolean;
  group: number;
  shape: number;
  word: number;
  startsAt: number;
  hint: string;
  /** A cheaper test every text with a match passes, or null. */
  pre: RegExp | null;
  /** The script (SCRIPT of features.ts) every match is written in, or 0. */
  script: number;
}

function normalize(spec: { re: RegExp; score: number; words?: boolean; month?: boolean; group?: number; shape?: number; word?: number; startsAt?: number; hint?: string; pre?: RegExp; script?: number }): Pattern {
  return {
    re: spec.re,
    sticky: spec.startsAt !== undefined ? sticky(spec.re) : spec.re,
    score: spec.score,
    words: spec.words ?? false,
    month: spec.month ?? false,
    group: spec.group ?? 0,
    shape: spec.shape ?? 0,
    word: spec.word ?? 0,
    startsAt: spec.startsAt ?? 0,
    hint: spec.hint ?? '',
    pre: spec.pre ?? null,
    script: spec.script ?? 0,
  };
}

const PATTERNS: readonly Pattern[] = PATTERN_SPECS.map(normalize);
const AGE_PATTERNS: readonly Pattern[] = AGE_PATTERN_SPECS.map(normalize);

/** The matches of a pattern of PATTERNS or AGE_PATTERNS, found over the text or at its words. */
function matchesOf(input: ScanInput, p: Pattern): RegExpExecArray[] {
  return p.startsAt === 0 ? execAll(p.re, input.text) : execAtWords(input, p.sticky, p.startsAt);
}

/** "… and 8", ", 8": one more age after "aged 5". */
const SECOND_AGE = /^\s*(?:,|and|&|,\s*and)\s*(\d{1,3})\b(?![.,]?\d)/;

/** "aged 5 and 8", "aged 5, 7 and 9": the ages listed after the first one, which ends at `from`. */
function listedAges(text: string, from: number, score: number, out: PiiSpan[]): void {
  let end = from;
  for (let more = SECOND_AGE.exec(text.slice(end, end + 12)); more; more = SECOND_AGE.exec(text.slice(end, end + 12))) {
    const at = end + more[0].length - more[1]!.length;
    out.push({ type: 'AGE', start: at, end: at + more[1]!.length, score });
    end = at + more[1]!.length;
  }
}

/** "a 3 year old phone": the age of a thing or a pet, not of a person. */
const THING_AFTER_OLD = /^[ \t-]+(?:phone|iphone|laptop|macbook|computer|pc|car|truck|bike|house|home|building|roof|boiler|tv|tablet|device|printer|battery|mattress|tree|bottle|wine|whisky|whiskey|cheese|account|company|business|brand|dog|cat|puppy|kitten|horse)s?\b/i;
/** What every match of OTHER_LANGUAGE_AGE has: a digit, a blank, the word for years (Irregexp scans for the digit). */
const OTHER_LANGUAGE_AGE_HINT = /\d\s(?:años|anos|ans|jahre|anni|lat|lata)\b/;
/** "tengo 31 años", "j'ai 31 ans", "ich bin 31 Jahre alt", "ho 31 anni", "tenho 31 anos", "mam 31 lat". */
const OTHER_LANGUAGE_AGE = /(?:^|[^\p{L}])(?:tengo|tiene|tienes|j'ai|il a|elle a|ich bin|er ist|sie ist|ho|ha|hai|tenho|tem|mam|ma|masz|mają)\s+(\d{1,3})\s(?:años|anos|ans|jahre|anni|lat|lata)(?![\p{L}])/giu;

/**
 * Ages spelt out, two to ninety-nine ("one" is too often not a number of years to count alone),
 * found from the number words of the text (LEX.NUMBER_WORD): the word, and what stands before
 * and after it, decide.
 */
const AGE_WORD_AT = /(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)(?![\p{L}\d])/iuy;
/** "a twenty-year-old", "five years old". */
const YEARS_OLD_AFTER = /^[- ](?:years?|yrs?)[- ]old\b/i;
/** What must follow a bare spelt-out age ("she's seventy-two and", "turned five."; `$` is a line's end). */
const AGE_END_AFTER = /^\s*(?:[.,!?;)]|$|and\b|now\b|today\b|this\b|last\b|next\b|yesterday\b|years?\b)/im;
/** After "I'm", also what follows must say so, and not at the very end: "explain it like I'm five" is an idiom. */
const SELF_END_AFTER = /^\s*(?:[.,!?;)]|and\b|now\b|today\b|this\b|next\b|years?\b)/i;
const TURNED_BEFORE = /\b(?:turn|turns|turned|turning)\s+$/;
const RELATIVE_BEFORE = /\b(?:my|our|his|her|their|your)\s+(?:son|daughter|kid|child|baby|brother|sister|grandson|granddaughter|nephew|niece|cousin)\s+(?:is|was|turned|turns|just turned|will be)\s+$/;
const SELF_BEFORE = /\b(?:i'm|i am|im|he's|he is|she's|she is|they're)\s+$/;
const LIKE_SELF_BEFORE = /\blike\s+(?:i'm|i am|im|he's|he is|she's|she is|they're)\s+$/;

/** "my son just turned five", "she's seventy-two and lives alone", "a twenty-year-old student". */
function spelledAges(input: ScanInput, out: PiiSpan[]): void {
  if (!hasWord(input, LEX.NUMBER_WORD)) return;
  const { text, lower } = input;
  for (const at of wordStarts(input, LEX.NUMBER_WORD)) {
    const m = execAt(AGE_WORD_AT, text, at);
    if (!m) continue;
    const end = at + m[0].length;
    const rest = text.slice(end, end + 24);
    const before = lower.slice(Math.max(0, at - 48), at);
    let score = 0;
    const yearsOld = YEARS_OLD_AFTER.exec(rest);
    if (yearsOld) {
      const oldEnd = end + yearsOld[0].length;
      if (!THING_AFTER_OLD.test(text.slice(oldEnd, oldEnd + 16))) score = 0.95;
    } else if (AGE_END_AFTER.test(rest)) {
      if (TURNED_BEFORE.test(before)) score = 0.85;
      else if (RELATIVE_BEFORE.test(before)) score = 0.8;
      else if (SELF_BEFORE.test(before) && !LIKE_SELF_BEFORE.test(before) && SELF_END_AFTER.test(rest)) score = 0.6;
    }
    if (score > 0) out.push({ type: 'AGE', start: at, end, score });
  }
}

export function findAges(input: ScanInput, out: PiiSpan[]): void {
  const { lower, hasDigit, features, text } = input;
  spelledAges(input, out);
  if (!hasDigit) return;
  // (A shape test: searching the text for "años" and the other words cost more than the rest of this function.)
  if (features.shape & SHAPE.DIGIT_SPACE_AJL && OTHER_LANGUAGE_AGE_HINT.test(lower)) {
    for (const m of execAll(OTHER_LANGUAGE_AGE, text)) {
      const start = m.index + m[0].indexOf(m[1]!, m[0].search(/\d/));
      out.push({ type: 'AGE', start, end: start + m[1]!.length, score: 0.85 });
    }
  }
  for (let p = 0; p < AGE_PATTERNS.length; p++) {
    const pattern = AGE_PATTERNS[p]!;
    if (pattern.hint !== '' ? !lower.includes(pattern.hint) : !(features.shape & pattern.shape)) continue;
    for (const m of matchesOf(input, pattern)) {
      const value = m[1]!;
      const n = Number(value);
      if (n > 125) continue;
      if (m[0].endsWith('old') && THING_AFTER_OLD.test(text.slice(m.index + m[0].length, m.index + m[0].length + 16))) continue;
      const start = m.index + m[0].indexOf(value, m[0].search(/\d/));
      out.push({ type: 'AGE', start, end: start + value.length, score: pattern.score });
      if (pattern.hint === 'age') listedAges(text, m.index + m[0].length, pattern.score, out);
    }
  }
}
