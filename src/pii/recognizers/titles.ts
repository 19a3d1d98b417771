import { LEX } from './lexicon.js';
import { execAll } from './exec-all.js';
import { QUOTE, after, blankOrComma, emit, has, isCommon, lineEndsAfter, lineStartsBefore, nameLike, singleBlank, tokenAfter, type Ctx } from './name-scan.js';

/**
 * Job titles: occupation words with the words that make them someone's position ("I work as a
 * data analyst", "our new CTO Maria", "Jane Doe, Senior Accountant", "head of marketing"), and
 * the capitalised title phrases ("VP of Sales"). Honorifics are found with the names they stand
 * before (honorificPass in names.ts).
 */

const JOB_BEFORE = /(?:\b(?:as|soy|trabajo como|como|je suis|comme|ich bin|arbeite als|als|sono|lavoro come|faccio il|faccio la|come|sou|trabalho como|jestem|pracuję jako|jako|promoted to|appointed|dear|(?:role|position|post|job) of|(?:my|our|his|her|their|your) [a-z]+ (?:is|was)|who (?:is|was)|work as|works as|worked as|working as|i'm|i am|im|he's|she's|he is|she is|job as|role as|position as|career as|the|(?:role|position|job title|title|occupation|profession) (?:is|was)|(?:role|position|job title|occupation|profession):|i've been|i have been|been|used to be|became)\s+(?:(?:currently|now|still|also|just|already|previously|formerly|actually|originally)\s+)?(?:an?\s+|the\s+|our\s+|my\s+|un\s+|una\s+|une\s+|ein\s+|eine\s+|um\s+|uma\s+)?(?:new\s+|current\s+|former\s+|acting\s+|interim\s+)?|,\s*(?:the|an?|our|my)\s+|^\s*|\n\s*)$/;

/** "Dear Hiring Manager,": the greeting of a letter names the recipient's position. */
const DEAR_BEFORE = /\bdear\s+$/;

/**
 * A PERSON finding starts at the token after `i`, set off by ", " ("manager, Tom Kessler"), or
 * right after an honorific there ("coach, Mr. Papadakis").
 */
function namedRightAfter(c: Ctx, i: number): boolean {
  const t = c.tokens[i]!;
  const next = c.tokens[i + 1];
  if (!next) return false;
  // "CEO Jane Smith", "ask Nurse Joy": a capitalised role right before the name is as good as a
  // comma; at a sentence's start only an acronym ("Producer James Sparks explained" is a byline).
  const before = (t.upper || (t.cap && !t.initial)) && singleBlank(c.text, t.end, next.start);
  if (!before && (!c.text.startsWith(', ', t.end) || next.start !== t.end + 2)) return false;
  const first = has(next, LEX.HONORIFIC) ? i + 2 : i + 1;
  for (let p = 0; p < c.persons.length; p += 2) if (c.persons[p] === first) return true;
  return false;
}

/**
 * A PERSON finding ends right before token `a`, set off by ", " or a bracket, and the title is
 * capitalised as a signature writes it ("Jane Doe, Senior Accountant", "Jane Smith (CFO)"); in
 * lower case the comma starts a new clause.
 */
function namedRightBefore(c: Ctx, a: number): boolean {
  const t = c.tokens[a]!;
  if (!(t.cap || t.upper) || t.start < 2) return false;
  // "Jane Smith (CFO)": in brackets right after the name, too.
  const gap = c.text.startsWith(', ', t.start - 2) ? 2 : c.text.startsWith(' (', t.start - 2) ? 2 : c.text.charCodeAt(t.start - 1) === 40 ? 1 : 0;
  return gap > 0 && c.personEnds.includes(t.start - gap);
}

/** "my therapist Sarah", "our new CTO Ewa": a role word before the person holding it. */
const ROLE_HOLDER_BEFORE = /\b(?:my|our|your|his|her|their|former|new)\s+$/;

/** "a cover letter for a barista job", "applying to be a registered nurse", "is a research scientist". */
const ROLE_SOUGHT_BEFORE = /\b(?:for|to be|is|was|become|becoming|hire|hiring|previously|currently|formerly)\s+(?:an?\s+)?$/;

const ROLE_NOUN_AFTER = /^\s+(?:position|role|job|post|vacancy|opening|at|in|with)\b/;

const ROLE_AT_ORG_AFTER = /^\s+(?:at|with)\s+\p{Lu}/u;

/**
 * Where a job title is written for a person or a post beyond the phrases of JOB_BEFORE: right
 * before its holder's name, as the post sought or held, or followed by the organisation ("Product
 * Manager at Flipkart"). Tokens a..i are the title; `pre` is the text before it, lower case.
 */
function roleInContext(c: Ctx, a: number, i: number, pre: string): boolean {
  const { tokens, text } = c;
  const last = tokens[i]!;
  const rest = text.slice(last.end, last.end + 32);
  if (ROLE_AT_ORG_AFTER.test(rest)) return true;
  if (ROLE_SOUGHT_BEFORE.test(pre)) return ROLE_NOUN_AFTER.test(rest.toLowerCase());
  // ", owner Fernanda Oliveira": a role between commas in front of a name is as good as "my".
  if (!ROLE_HOLDER_BEFORE.test(pre) && !/,\s$/.test(pre)) return false;
  // The holder's name follows, after a blank or ", " ("my son's coach, Mr. Papadakis").
  const next = tokens[i + 1];
  if (!next || c.caseless) return false;
  return blankOrComma(text, last.end, next.start) && nameLike(next) && (!isCommon(next) || has(next, LEX.HONORIFIC)) && (a === i || tokens[a]!.cap === last.cap);
}

/** "VP of Sales", "Head of Operations", "Chief Technology Officer": titles the occupation words do not cover. */
const TITLE_PHRASE = /\b(?:(?:Senior |Executive |Deputy |Assistant |Associate )?(?:VP|SVP|EVP|Vice President|Head|Director|Dean|Chair|Chairman|Chairwoman|Secretary|Minister) of (?:the )?[A-Z][\w&-]*(?:(?: and| &)? [A-Z][\w&-]*){0,3}|Chief (?:[A-Z][a-z]+ ){1,3}Officer)\b/g;


export function titlePhrasePass(c: Ctx): void {
  const { tokens } = c;
  for (const m of execAll(TITLE_PHRASE, c.text)) {
    const a = tokenAfter(tokens, m.index);
    const b = tokenAfter(tokens, m.index + m[0].length - 1);
    // The phrase must start and end on token boundaries ("VP" of "VP of Sales", not a piece of a word).
    if (tokens[a]?.start !== m.index || tokens[b]?.end !== m.index + m[0].length) continue;
    let free = true;
    for (let k = a; k <= b; k++) if (c.used[k]) free = false;
    if (free) emit(c, 'TITLE', a, b, 0.7);
  }
}

export function jobTitlePass(c: Ctx): void {
  const { tokens, text } = c;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (c.used[i] || !has(t, LEX.JOB_HEAD)) continue;
    // "associate professor", "assistant manager": the last of two occupation words heads the title.
    const next = tokens[i + 1];
    if (next && !c.used[i + 1] && has(next, LEX.JOB_HEAD) && next.alpha && singleBlank(text, t.end, next.start)) continue;
    let a = i;
    while (a > 0 && i - a < 3 && !c.used[a - 1] && tokens[a - 1]!.alpha && !has(tokens[a - 1]!, LEX.JOB_STOP) && singleBlank(text, tokens[a - 1]!.end, tokens[a]!.start)) a--;
    const pre = c.lower.slice(Math.max(0, tokens[a]!.start - 32), tokens[a]!.start);
    const lineStart = lineStartsBefore(c.lower, tokens[a]!.start, 32, QUOTE);
    const lineEnd = lineEndsAfter(text, t.end, false);
    const ownLine = lineStart && lineEnd;
    if (/^\s+(?:license|licence)\b/.test(after(c, i))) continue; // "my driver license"
    if (!ownLine) {
      const stated = (JOB_BEFORE.test(pre) && (!lineStart || DEAR_BEFORE.test(pre))) || roleInContext(c, a, i, pre);
      // "the manager" is a role, not a title, unless someone is said to be it ("I am the CEO").
      const role = /\bthe\s+$/.test(pre) && !/(?:,\s*|\b(?:am|is|was|are|were|i'm|he's|she's)\s+)the\s+$/.test(pre);
      // Either way, a role set off next to a name found earlier is that person's ("the plant
      // manager, Tom Kessler, …", "Jane Doe, Senior Accountant").
      if ((!stated || role) && !namedRightAfter(c, i) && !namedRightBefore(c, a)) continue;
    }
    emit(c, 'TITLE', a, departmentAfter(c, i), ownLine ? 0.55 : 0.6);
  }
}

/** Occupations that take what they are in charge of after "of": "head of marketing", "vp of sales". */
const OF_LEADS: ReadonlySet<string> = new Set(['head', 'chief', 'vp', 'svp', 'evp', 'director', 'manager', 'president', 'dean', 'chair', 'chairman', 'chairwoman', 'secretary', 'minister', 'professor', 'lecturer', 'editor', 'lead']);

/**
 * The last token of a title headed by token `i`: "director of operations", "head of the design
 * team" and "editor in chief" go on past the head (by one word: enough to cover the title, where
 * more would run into the sentence).
 */
function departmentAfter(c: Ctx, i: number): number {
  const { tokens, text } = c;
  const t = tokens[i]!;
  if (!OF_LEADS.has(t.lower)) return i;
  if (text.startsWith(' in chief', t.end) || text.startsWith(' in Chief', t.end) || text.startsWith('-in-chief', t.end)) return i + 2;
  if (!text.startsWith(' of ', t.end) && !text.startsWith(' Of ', t.end)) return i;
  let k = i + 2;
  if (tokens[k] && tokens[k]!.lower === 'the' && singleBlank(text, tokens[k]!.end, tokens[k + 1]?.start ?? -1)) k++;
  const word = tokens[k];
  if (!word || c.used[k] || !word.alpha || has(word, LEX.JOB_STOP) || !singleBlank(text, tokens[k - 1]!.end, word.start)) return i;
  return k;
}
