import type { PiiSpan, ScanInput } from '../types.js';
import { COUNTRIES, US_STATE_CODES } from '../data/places.js';
import { INSTITUTIONS_FIRST } from '../data/words.js';
import { lookupAt } from './gazetteer.js';
import { LEX, lexicon } from './lexicon.js';
import { contextTest, precededBy } from './context-words.js';
import { tokensOf } from './shared.js';
import type { Token } from './tokens.js';
import { BULLET, QUOTE, after, anyFlag, blankOrComma, emit, has, isCommon, isFirstName, isSurname, joined, lineEndsAfter, lineStartsBefore, nameLike, singleBlank, tokenAfter, type Ctx } from './name-scan.js';
import { jobTitlePass, titlePhrasePass } from './titles.js';

/**
 * People, organisations, places, groups and titles from capitalisation, word lists and the words
 * around them. This is the part of the engine a statistical model would do better; it is kept
 * conservative where a guess would hide ordinary words.
 */

const STRONG_PERSON_BEFORE =
  /\b(?:name is|name's|names are|name was|the name|the surname|(?:first |last |full |sur)?name\s*[?:]|named(?: him| her)?|called|call me|i'm|i am|im|this is|it's|it is|hi|hello|hey|dear|thanks|thank you|says|said|told|asked|ask|tell|cc|attn|regards|cheers|sincerely|congrats|congratulations|happy birthday|bye|goodbye|uncle|aunt|auntie|son|daughter|wife|husband|brother|sister|mom|mum|dad|friend|boss|colleague|coworker|kid|father|mother|grandfather|grandmother|grandma|grandpa|nephew|niece|cousin|boyfriend|girlfriend|fiancé|fiancée|starring|assistant to|directed by|written by|signed by|married|marry|meet|met|with my|by)\s*[,:]?\s*$/;
const PERSON_AFTER =
  /^(?:\s*,)?\s+(?:said|says|told|asked|wrote|replied|answered|thinks|thought|wants|wanted|loves|loved|likes|liked|lives|lived|works|worked|went|was born|will be|has been|had|has|just|called|texted|emailed|flew|spent|moved|joined|began|started|became|died|smiled|laughed|agreed|knows|knew|and i|is my|was my|who|whose|(?:he|she) (?:is|was|has|had|said|says|works|worked|lives|lived|texted|called|told|asked|wrote|sent|messaged|replied|emailed))\b|^'s\s+(?:wife|husband|son|daughter|mother|father|brother|sister|friend|phone|email|address|birthday|kids?|car|house|killers?|family|mom|dad)\b/;
const LOCATION_BEFORE =
  /\b(?:in|from|at|near|came to|went to|come to|coming to|drive to|flight to|train to|visit|visiting|visited|live in|lives in|living in|moved to|born in|grew up in|arrived at|arrived in|flew to|fly to|flying to|based in|located in|city of|town of|village of|university of|trip to|back to|returned to|travel to|traveling to|travelling to|capital of|outside|across|around|headed to|going to|welcome to|relocated to|stay in|staying in|stayed in|vacation in|holiday in|office in|offices in|originally from)\s*$/;
const ORG_BEFORE =
  /\b(?:work for|works for|worked for|working for|work at|works at|worked at|working at|employed by|employed at|employer is|joined|job at|position at|role at|intern at|internship at|career at|team at|ceo of|cto of|cfo of|founder of|co-founder of|customer of|client of|acquired by|bought by|shares of|according to the|according to|sponsored by|funded by|hired by|account at|account with|bank with|banks with|banking with|insured with|insurance with|subscribed to|shop at|shopping at|ordered from|order from|spent a year at|year at|years at|months at|support|from the company|company|startup|firm|brand|offer from|invoice from|bill from|refund from|quote from|charged by|subscription to|subscription with|(?:bank|insurer|insurance|provider|carrier|airline|employer) is|(?:company|startup|firm|brand|app|agency|shop|store|restaurant|cafe|café|bakery|band|bank|charity|nonprofit|non-profit|business|clinic|studio|label|publisher|airline|platform|website|consultancy|school|club) (?:called|named)|(?:travaille|travaillé|travaillais|stage) chez|(?:arbeite|arbeitet|arbeitete|gearbeitet|praktikum) bei|(?:trabajo|trabaja|trabajé|trabajaba) (?:en|para)|(?:trabalho|trabalha|trabalhei) (?:na|no|para)|(?:lavoro|lavora|lavoravo) (?:per|presso|da)|(?:pracuję|pracuje|pracowałem|pracowałam) (?:w|dla))(?:\s+the)?\s*$/;
const ORG_AFTER =
  /^(?:\s+(?:website|inc|ltd|office|offices|headquarters|hq|employees|announced|ceo|shares|stock|customer service|support team|is a company|is a startup|is a firm|is an? (?:[\w-]+ )?(?:company|startup|firm|multinational|corporation|brand|bank|agency|retailer|manufacturer|orchestra|band|group|organization|organisation|charity|non-profit|nonprofit))\b|'s website)/;
const AT_AS = /\bat\s*$/;
/** "German nouns", "Spanish translation": the word names a language ("Labor Day": a holiday). */
const LANGUAGE_AFTER = /^\s+(?:day\b|nouns?|grammar|words?|language|verbs?|translation|sentences?|phrases?|text|version|subtitles|speakers?|lessons?|class(?:es)?|course|accent|alphabet|spelling|pronunciation|vocabulary|keyboard|dictionary|equivalent)\b/;
/** "translate this to German", "translate the email into Spanish". */
const TRANSLATE_TO = /\btranslat\w*\b[^\n]{0,60}?\s(?:in)?to\s+$/;
const LANGUAGE_BEFORE = /\b(?:speak|speaks|speaking|spoke|studying|study|studied|learn|learning|learned|learnt|fluent in|translated? (?:in)?to|written in|in plain|native)\s+$/;
/** Without capitals only phrases that introduce a name are trusted ("my name is", "hi"). */
const CASELESS_PERSON_BEFORE = /\b(?:name is|name's|(?:first |last |full )?name\s*[?:]|named(?: him| her)?|called|call me|this is|hi|hello|hey|dear|thanks|thank you)\s*[,:]?\s*$/;

/** Phrases after which a capitalised name is a place even when it is also a given name ("grew up in Shelly Park", "flew to HORTEN"). */
const PLACE_BEFORE = /\b(?:grew up in|born in|flew to|fly to|flying to|moved to|relocated to|lives in|live in|living in|based in|located in|city of|town of|village of|trip to|travel to|travelling to|traveling to|vacation in|holiday in|staying in|stayed in|originally from)\s*$/;

/** "my daughter emma", "our neighbour ravi": a relation word before a name, even without capitals. */
const RELATION_BEFORE = /\b(?:my|our|his|her|their|your)\s+(?:son|daughter|wife|husband|brother|sister|mom|mum|mother|dad|father|friend|boss|colleague|coworker|uncle|aunt|cousin|nephew|niece|grandma|grandpa|grandson|granddaughter|boyfriend|girlfriend|partner|fiancé|fiancée|neighbor|neighbour|landlord|landlady|roommate|flatmate|manager|teacher|student|client|patient)\s*,?\s*$/;

/** The regexes above with the last letter run of every phrase (see context-words.ts). */
const STRONG_PERSON = contextTest(STRONG_PERSON_BEFORE, `is s are was name surname named him her called me m am im hi hello hey dear thanks you says said told asked ask
  tell cc attn regards cheers sincerely congrats congratulations birthday bye goodbye uncle aunt auntie son daughter wife husband brother sister
  mom mum dad friend boss colleague coworker kid father mother grandfather grandmother grandma grandpa nephew niece cousin boyfriend girlfriend
  starring to by married marry meet met my`);
const LOCATION = contextTest(LOCATION_BEFORE, 'in from at near to visit visiting visited of outside across around');
const ORG = contextTest(ORG_BEFORE, 'for at by is joined of the to support company startup firm brand with from called named chez bei en para na no per presso da w dla');
const AT = contextTest(AT_AS, 'at');
const OWNED = contextTest(/\b(?:my|your|our|his|her|their)\s+$/, 'my your our his her their');
/** Before a pet's name ("a dog called Max") or a work's title ("I watched …", "the book …"): one test, asked of every chunk. */
const PET_OR_WORK = contextTest(
  /\b(?:(?:dog|dogs|cat|cats|puppy|kitten|pet|horse|pony|hamster|parrot|rabbit|bunny|goldfish|turtle|tortoise|guinea pig)\s+(?:called|named|is called|is named)|watch|watched|watching|rewatch|rewatched|binge|binged|bingeing|binging|stream|streamed|read|reading|reread|play|played|playing|listen to|listened to|listening to|the movie|the film|the book|the show|the series|the game|the album|the song)\s*$/,
  'called named watch watched watching rewatch rewatched binge binged bingeing binging stream streamed read reading reread play played playing to movie film book show series game album song',
);
/** "arrived at Dordrecht", "stayed at Hasle": "at" after a verb of arriving or staying still names a place. */
const ARRIVED_AT = contextTest(/\b(?:arrived|arrive|arrives|arriving|landed|land|lands|landing|stop|stops|stopped|stopping|stay|stays|stayed|staying|based|located|live|lives|living|born|died)\s+at\s*$/, 'at');
const LANGUAGE = contextTest(LANGUAGE_BEFORE, 'speak speaks speaking spoke studying study studied learn learning learned learnt in to into plain native');
const CASELESS_PERSON = contextTest(CASELESS_PERSON_BEFORE, 'is s name named him her called me hi hello hey dear thanks you');
const PLACE = contextTest(PLACE_BEFORE, 'in to of from');
const RELATION = contextTest(RELATION_BEFORE, `son daughter wife husband brother sister mom mum mother dad father friend boss colleague coworker uncle aunt cousin nephew
  niece grandma grandpa grandson granddaughter boyfriend girlfriend partner fiancé fiancée neighbor neighbour landlord landlady roommate flatmate
  manager teacher student client patient`);

/** Verbs that follow a name at the start of a sentence ("Kevin had…", "Maria lives…"). */
const SENTENCE_VERB = /^\s+(?:is|was|has|had|will|would|can|could|should|did|does|said|says|told|asked|lives|lived|works|worked|went|goes|spent|flew|called|wants|wanted|loves|likes|thinks|just|also|never|always|gave|got|took|made|came|left|arrived|returned|moved|joined|began|started|became|wrote|replied|knows|knew|needs|needed)\b/;

/** Every token in [a, k) is an occupation word, an ordinary word or a sentence opener ("Producer James"). */
function roleWords(tokens: readonly Token[], a: number, k: number): boolean {
  for (let m = a; m < k; m++) {
    const t = tokens[m]!;
    if (!(has(t, LEX.JOB_HEAD) || isCommon(t) || (t.initial && !isSurname(t)))) return false;
  }
  return true;
}

function gazetteerPass(c: Ctx): void {
  const { tokens, text } = c;
  for (let i = 0; i < tokens.length; i++) {
    if (c.used[i]) continue;
    const hit = lookupAt(text, tokens, i);
    if (!hit) continue;
    const t = tokens[i]!;
    const { type, ambiguous } = hit.entry;
    const next = tokens[hit.last + 1];
    const prev = tokens[i - 1];
    const capital = !c.caseless && (t.cap || t.upper);
    if (ambiguous) {
      if (!capital) continue;
      if (type === 'ORGANIZATION' && (t.length <= 3 ? !t.upper : t.initial && !t.upper)) continue;
      if (type === 'NRP' && t.initial && !t.upper) continue;
    } else if (!c.caseless && !capital && type !== 'NRP') {
      // In text that uses capitals, a lower-case "jordan" or "turkey" is a word, not a place.
      if (t.length <= 4 || isCommon(t)) continue;
    }
    // "Denzel Washington", "Paris Hilton": a place word inside a personal name.
    if (type === 'LOCATION' && capital) {
      const prevIsName = prev && joined(c, prev, t) && nameLike(prev) && isFirstName(prev) && !c.used[i - 1];
      const nextIsName = next && joined(c, tokens[hit.last]!, next) && nameLike(next) && !isCommon(next) && hit.first === hit.last && isFirstName(t);
      // "Abraham Lincoln": a word that is only sometimes a place, after a capitalised word that
      // is not ordinary and does not open the sentence, ends a personal name.
      const prevIsWord = ambiguous && prev && joined(c, prev, t) && nameLike(prev) && !isCommon(prev) && !prev.initial && !c.used[i - 1];
      if (prevIsName || nextIsName || prevIsWord) continue;
      if (isFirstName(t) && hit.first === hit.last && !precededBy(c.lower, t.start, LOCATION) && PERSON_AFTER.test(after(c, i))) continue;
    }
    // "Moira Pagan", "Ellen French": a group word after a given name is the family name.
    if (type === 'NRP' && capital && hit.first === hit.last && prev && joined(c, prev, t) && nameLike(prev) && isFirstName(prev) && !c.used[i - 1]) continue;
    // A place or group word that starts an organisation's name ("Singapore Airlines", "American Express Bank").
    if (next && !c.caseless && joined(c, tokens[hit.last]!, next) && nameLike(next) && has(next, LEX.ORG_SUFFIX)) continue;
    // "studying English", "speaks French": a language, not a group of people.
    if (type === 'NRP' && hit.first === hit.last && (precededBy(c.lower, t.start, LANGUAGE) || LANGUAGE_AFTER.test(after(c, i)) || TRANSLATE_TO.test(c.lower.slice(Math.max(0, t.start - 48), t.start)))) continue;
    const score = type === 'NRP' ? 0.8 : ambiguous ? 0.6 : 0.8;
    // "Stanford Health Care", "Siemens Healthineers": a known organisation's name goes on over
    // the capitalised words after it (not over a given name: "thanks Google Anna").
    let last = hit.last;
    if (type === 'ORGANIZATION' && capital) {
      while (last + 1 < tokens.length && last - hit.last < 3 && !c.used[last + 1] && joined(c, tokens[last]!, tokens[last + 1]!) && nameLike(tokens[last + 1]!) && !isFirstName(tokens[last + 1]!) && !tokens[last + 1]!.upper) last++;
    }
    emit(c, type, hit.first, last, score);
  }
}

function honorificPass(c: Ctx): void {
  const { tokens, text } = c;
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (c.used[i] || !has(t, LEX.HONORIFIC)) continue;
    const strong = has(t, LEX.STRONG_HONORIFIC);
    if (!strong && (c.caseless || !t.cap)) continue;
    const dot = text[t.end] === '.' ? 1 : 0;
    // Chat writes "dr. liang" in lower case even where it capitalises other words: a strong
    // honorific with its dot is read as in text without capitals.
    const lowerTitle = !c.caseless && !t.cap;
    if (lowerTitle && !(strong && dot)) continue;
    const caseless = c.caseless || lowerTitle;
    const n = tokens[i + 1]!;
    const gap = text.slice(t.end + dot, n.start);
    if (gap !== ' ') continue;
    if (!(caseless ? n.alpha && !isCommon(n) && (!lowerTitle || !n.cap || nameLike(n)) : nameLike(n))) continue;
    let j = i + 1;
    while (j + 1 < tokens.length && j - i < 4 && !c.used[j + 1] && joined(c, tokens[j]!, tokens[j + 1]!) && (lowerTitle ? extendsLowerTitledName(tokens[j + 1]!) : extendsTitledName(c, j + 1))) j++;
    c.spans.push({ type: 'TITLE', start: t.start, end: t.end + dot, score: strong ? 0.85 : 0.6 });
    c.used[i] = 1;
    emit(c, 'PERSON', i + 1, j, strong ? 0.85 : 0.7);
  }
}

/** After a lower-case title in text with capitals: a capitalised word, or a listed name. */
function extendsLowerTitledName(t: Token): boolean {
  return t.alpha && (nameLike(t) || isFirstName(t) || isSurname(t) || ARABIC_PARTICLE.test(t.lower));
}

/** "al-zahra", "el-sayed", "abu-bakr", "bin-laden": a family name joined to its Arabic particle. */
const ARABIC_PARTICLE = /^(?:al|el|abu|abd|bin|ibn|bint)-\p{L}{2,}/u;

/** Token `k` continues the name after a title; without capitals only listed names do ("mr. elliott flew"). */
function extendsTitledName(c: Ctx, k: number): boolean {
  const t = c.tokens[k]!;
  if (c.caseless) return t.alpha && (isFirstName(t) || isSurname(t) || ARABIC_PARTICLE.test(t.lower));
  // An ordinary word that is no name ends it ("Mrs. Barbara Yudina Apt. 675").
  if (isCommon(t) && !has(t, LEX.SURNAME_LISTED) && !isFirstName(t)) return false;
  return nameLike(t) || isInitial(c, k);
}

function isInitial(c: Ctx, k: number): boolean {
  const t = c.tokens[k]!;
  return t.length === 1 && t.cap && (c.text[t.end] === '.' || c.text[t.end] === ' ');
}

/**
 * "St. Mary's Hospital", "Royal Free Hospital", "Children's Hospital of Philadelphia": capitalised
 * words ending in an institution word (hospital, university, school, bank…) name that
 * institution. The words may be joined by "'s" or follow "St.", which other chunks never cross.
 */
function institutionPass(c: Ctx): void {
  const { tokens, text } = c;
  for (let k = 1; k < tokens.length; k++) {
    const head = tokens[k]!;
    if (c.used[k] || !head.cap || !has(head, LEX.ORG_PREFIX)) continue;
    let a = k;
    while (a > 0 && k - a < 4 && !c.used[a - 1]) {
      const p = tokens[a - 1]!;
      if (!nameLike(p) || p.lower === 'the' || (p.initial && isCommon(p) && !has(p, LEX.ORG_PREFIX))) break;
      const gap = text.slice(p.end, tokens[a]!.start);
      const ok = gap === ' ' || (gap === "'s " || gap === '’s ') || (gap === '. ' && (p.lower === 'st' || p.lower === 'mt'));
      if (!ok) break;
      a--;
    }
    if (a === k) continue;
    let b = k;
    // "... Hospital of Philadelphia"
    if (tokens[k + 1]?.lower === 'of' && tokens[k + 2] && joined(c, head, tokens[k + 1]!) && joined(c, tokens[k + 1]!, tokens[k + 2]!) && nameLike(tokens[k + 2]!)) b = k + 2;
    emit(c, 'ORGANIZATION', a, b, 0.75);
    k = b;
  }
}

/** "University of Helsinki", "Bank of America". */
function orgOfPass(c: Ctx): void {
  const { tokens } = c;
  for (let i = 0; i + 2 < tokens.length; i++) {
    const t = tokens[i]!;
    if (c.used[i] || c.caseless || !t.cap || !has(t, LEX.ORG_PREFIX)) continue;
    if (tokens[i + 1]!.lower !== 'of' || !joined(c, t, tokens[i + 1]!)) continue;
    let j = i + 2;
    if (!joined(c, tokens[i + 1]!, tokens[j]!) || !(nameLike(tokens[j]!) || tokens[j]!.upper)) continue;
    while (j + 1 < tokens.length && j - i < 6 && joined(c, tokens[j]!, tokens[j + 1]!) && nameLike(tokens[j + 1]!)) j++;
    // "University of X" names a place inside an organisation; the place alone is what identifies.
    for (let k = i; k <= j; k++) c.used[k] = 0;
    c.spans.push({ type: 'ORGANIZATION', start: t.start, end: tokens[j]!.end, score: 0.7 });
    for (let k = i; k <= j; k++) c.used[k] = 1;
  }
}

/** Lower-case words inside an institution's name ("Universidad de Buenos Aires", "Musée du Louvre"). */
const INSTITUTION_PARTICLES: ReadonlySet<string> = new Set(['de', 'del', 'della', 'di', 'du', 'des', 'der', 'la', 'le', 'das', 'do', 'da', 'dos', 'für', 'of']);

/**
 * "Universidad Complutense", "Szpital Uniwersytecki", "Banco Santander", "IIT Delhi": the kind of
 * institution, then its capitalised name, is an organisation (the English order is
 * institutionPass's).
 */
function institutionFirstPass(c: Ctx): void {
  const { tokens } = c;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    if (c.used[i] || !(t.cap || t.upper) || !has(t, LEX.ORG_PREFIX) || !INSTITUTIONS_FIRST.has(t.lower)) continue;
    let j = i;
    for (let k = i + 1; k < tokens.length && k - i <= 5 && !c.used[k] && joined(c, tokens[k - 1]!, tokens[k]!); k++) {
      const w = tokens[k]!;
      if (nameLike(w) && !isCommon(w)) j = k;
      else if (!(INSTITUTION_PARTICLES.has(w.lower) && !w.cap)) break;
    }
    // "Hospital Road", "Museo Street": a street named after the building.
    if (j === i || has(tokens[j]!, LEX.STREET_SUFFIX)) continue;
    emit(c, 'ORGANIZATION', i, j, 0.75);
    i = j;
  }
}

/** The gap [from, to) is " & " or a bare "&" ("Johnson & Johnson", "AT&T"). */
function ampersandGap(text: string, from: number, to: number): boolean {
  const len = to - from;
  return (len === 1 && text.charCodeAt(from) === 38) || (len === 3 && text.startsWith(' & ', from));
}

/**
 * "Johnson & Johnson", "Marks & Spencer", "Smith & Sons Ltd": capitalised words joined by "&" name
 * a firm. Two people written that way start with given names ("Anna & Ben", "Tom Berg & Eva
 * Lind") and are left to the other passes.
 */
function ampersandOrgPass(c: Ctx): void {
  const { tokens, text } = c;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const n = tokens[i + 1]!;
    if (c.used[i] || c.used[i + 1] || !nameLike(t) || !(nameLike(n) || n.upper) || !ampersandGap(text, t.end, n.start)) continue;
    let a = i;
    while (a > 0 && i - a < 2 && !c.used[a - 1] && joined(c, tokens[a - 1]!, tokens[a]!) && nameLike(tokens[a - 1]!) && !(tokens[a - 1]!.initial && isCommon(tokens[a - 1]!)) && tokens[a - 1]!.lower !== 'the') a--;
    let b = i + 1;
    while (b + 1 < tokens.length && b - i < 3 && !c.used[b + 1] && joined(c, tokens[b]!, tokens[b + 1]!) && nameLike(tokens[b + 1]!)) b++;
    const givenName = (k: number) => isFirstName(tokens[k]!) && !has(tokens[k]!, LEX.AMBIGUOUS_FIRST) && !isSurname(tokens[k]!);
    if (givenName(a) && givenName(i + 1)) continue;
    // Capitalised ordinary words joined by "&" are a heading or a genre ("Action & Adventure",
    // "Kids & Family"): a firm's name has a family name, a designator or initials in it.
    let firmLike = t.upper && n.upper;
    let designator = false;
    let ordinary = false;
    for (let k = a; k <= b; k++) {
      const w = tokens[k]!;
      if (has(w, LEX.ORG_SUFFIX)) designator = true;
      else if (has(w, LEX.SURNAME_LISTED)) firmLike = true;
      else if (isCommon(w)) ordinary = true;
    }
    if (!designator && (!firmLike || ordinary)) continue;
    emit(c, 'ORGANIZATION', a, b, 0.7);
    i = b;
  }
}

/** A PERSON finding ends on the line above `first`, with only blanks after it ("Anna Berg\nAcme Ltd"). */
function personOnLineAbove(c: Ctx, first: Token): boolean {
  const { text } = c;
  let k = first.start;
  while (k > 0 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9 || text.charCodeAt(k - 1) === 62)) k--;
  if (k === 0 || text.charCodeAt(k - 1) !== 10) return false;
  k--;
  if (k > 0 && text.charCodeAt(k - 1) === 13) k--;
  if (c.personEndSet === undefined && c.personEnds.length > 16) c.personEndSet = new Set(c.personEnds);
  for (;;) {
    if (c.personEndSet ? c.personEndSet.has(k) : c.personEnds.includes(k)) return true;
    if (k === 0 || (text.charCodeAt(k - 1) !== 32 && text.charCodeAt(k - 1) !== 9)) return false;
    k--;
  }
}

function onOwnLine(text: string, first: Token, last: Token): boolean {
  return lineStartsBefore(text, first.start, 8, BULLET) && lineEndsAfter(text, last.end, true);
}

/** "Anna: see you at six": a name at the start of a line followed by a colon. */
function isSpeaker(c: Ctx, b: number, first: Token, last: Token): boolean {
  const { text } = c;
  // Only a colon or a space can start "\s*:"; most chunks are followed by neither.
  if (last.end >= text.length) return false;
  const next = text.charCodeAt(last.end);
  if (next !== 58 && next !== 32 && !(next >= 9 && next <= 13 && next !== 10) && !(next > 127 && /\s/.test(text[last.end]!))) return false;
  return /^\s*:/.test(after(c, b)) && lineStartsBefore(text, first.start, 8, QUOTE);
}

/** State codes that are also words or abbreviations ("OK", "IN", "ME", "CO"): trusted only before a ZIP code. */
const WORDLIKE_STATE_CODES: ReadonlySet<string> = new Set(['OK', 'OR', 'IN', 'ME', 'HI', 'OH', 'ID', 'LA', 'MA', 'PA', 'DE', 'CO', 'MD', 'AL', 'NE', 'SC', 'VA', 'WA', 'GA', 'MS', 'MT', 'AR']);
const ZIP_AFTER_STATE = /^,?[ \t]+\d{5}(?:-\d{4})?(?!\d)/;

/** Token `k` is a US state's postal code as a place is written ("Austin TX", "Dayton, OH 45402"). */
function isStateCode(c: Ctx, k: number): boolean {
  const t = c.tokens[k];
  if (!t || t.length !== 2 || !t.upper) return false;
  const code = c.text.slice(t.start, t.end);
  if (!US_STATE_CODES.has(code)) return false;
  return !WORDLIKE_STATE_CODES.has(code) || ZIP_AFTER_STATE.test(c.text.slice(t.end, t.end + 16));
}

/**
 * A town written before a state's code is a place, whatever its name ("Austin TX", "Tyler,
 * TX"): returns true when it emitted the town and the code as places.
 */
function townBeforeState(c: Ctx, a: number, b: number): boolean {
  const { tokens, text } = c;
  if (b > a && isStateCode(c, b) && !tokens[b - 1]!.upper) {
    emit(c, 'LOCATION', a, b - 1, 0.75);
    emit(c, 'LOCATION', b, b, 0.6);
    return true;
  }
  const next = tokens[b + 1];
  if (!next || c.used[b + 1] || tokens[b]!.upper) return false;
  const gap = next.start - tokens[b]!.end;
  if (!((gap === 2 && text.startsWith(', ', tokens[b]!.end)) || (gap === 1 && text.charCodeAt(tokens[b]!.end) === 44)) || !isStateCode(c, b + 1)) return false;
  emit(c, 'LOCATION', a, b, 0.75);
  emit(c, 'LOCATION', b + 1, b + 1, 0.6);
  return true;
}

/**
 * "Weeks-Rivas", "Harley-Davidson": one word made of two capitalised family names joined by a
 * hyphen, with no given name before it, names a firm; after a given name it is a double-barrelled
 * surname ("Catherine Zeta-Jones") and the chunk is longer than this one word.
 */
function surnamePairFirm(c: Ctx, t: Token): boolean {
  const hyphen = c.text.indexOf('-', t.start);
  if (hyphen < 0 || hyphen >= t.end || !t.cap) return false;
  const second = c.text.charCodeAt(hyphen + 1);
  if (!(second >= 65 && second <= 90)) return false;
  const left = lexicon(c.lower, t.start, hyphen).flags;
  const right = lexicon(c.lower, hyphen + 1, t.end).flags;
  return (left & LEX.SURNAME_LISTED) !== 0 && (right & LEX.SURNAME_LISTED) !== 0 && (left & LEX.FIRST) === 0;
}

/** The token before `a` is an occupation word, followed by ", " or a blank ("CEO, Satya…"). */
function afterRoleWord(c: Ctx, a: number): boolean {
  const prev = c.tokens[a - 1];
  return prev !== undefined && has(prev, LEX.JOB_HEAD) && blankOrComma(c.text, prev.end, c.tokens[a]!.start);
}

function classifyChunk(c: Ctx, a: number, b: number): void {
  const { tokens } = c;
  // "Senior Software Engineer", "Marketing Director": capitalised words ending in an occupation,
  // with no listed name among them, are a job title for jobTitlePass, not a name or a firm.
  if (has(tokens[b]!, LEX.JOB_HEAD) && !has(tokens[b]!, LEX.ORG_SUFFIX) && !anyFlag(tokens, a, b, LEX.FIRST | LEX.SURNAME)) return;
  // An organisation's name is often made of ordinary words ("Clean Power Finance", "General
  // Electric"): it keeps them, except a sentence-opening word or "The" ("Thanks Google").
  let orgStart = a;
  while (orgStart < b && (tokens[orgStart]!.lower === 'the' || (tokens[orgStart]!.initial && isCommon(tokens[orgStart]!)))) orgStart++;
  // Leading ordinary words ("Please", "Thanks") are not part of a person's name.
  while (a <= b && isCommon(tokens[a]!) && !(isFirstName(tokens[a]!) && a < b && (isSurname(tokens[a + 1]!) || !isCommon(tokens[a + 1]!)))) a++;
  while (b >= a && isCommon(tokens[b]!) && !has(tokens[b]!, LEX.ORG_SUFFIX) && !(b > a && isFirstName(tokens[a]!) && has(tokens[b]!, LEX.SURNAME_LISTED))) b--;
  if (a > b) return;
  // "a dog called Max": a pet's name identifies no one (the chat conventions leave it unmarked);
  // "I watched Oppenheimer and Barbie", "reading Harry Potter": the title of a work, not a
  // person (but "read Anna's message" is Anna's).
  if (precededBy(c.lower, tokens[a]!.start, PET_OR_WORK) && !/^['’]s\b/.test(c.text.slice(tokens[b]!.end, tokens[b]!.end + 3))) return;
  // "Producer James Sparks": a role word in front of a known given name is not part of the name.
  for (let k = a + 1; k <= b; k++) {
    const w = tokens[k]!;
    if (isFirstName(w) && !has(w, LEX.AMBIGUOUS_FIRST) && !isFirstName(tokens[a]!) && roleWords(tokens, a, k)) {
      a = k;
      break;
    }
  }
  // "Producer Liviana Palerma": an occupation word opening a chunk of two or three unlisted,
  // unordinary words is the person's role, not part of the name.
  if (b - a >= 2 && b - a <= 3 && has(tokens[a]!, LEX.JOB_HEAD) && !anyFlag(tokens, a + 1, b, LEX.COMMON | LEX.JOB_HEAD | LEX.ORG_SUFFIX)) {
    emit(c, 'PERSON', a + 1, b, 0.7);
    return;
  }
  if (orgStart > a) orgStart = a;
  const first = tokens[a]!;
  const last = tokens[b]!;
  const len = b - a + 1;
  // The text around the chunk is cut on first use (`after` keeps the last one): most chunks are
  // settled without it.

  if (townBeforeState(c, a, b)) return;
  if (b > orgStart && has(last, LEX.ORG_SUFFIX)) {
    emit(c, 'ORGANIZATION', orgStart, b, 0.8, c.text[last.end] === '.' && /^(?:inc|co|corp|ltd)$/.test(last.lower) ? last.end + 1 : undefined);
    return;
  }
  if (len === 1 && !first.initial && surnamePairFirm(c, first)) {
    emit(c, 'ORGANIZATION', a, b, 0.6);
    return;
  }
  const orgContext = precededBy(c.lower, first.start, ORG) || ORG_AFTER.test(after(c, b)) || (precededBy(c.lower, first.start, AT) && /^\s+as\b/.test(after(c, b)));
  const firstIsName = isFirstName(first) && (!has(first, LEX.AMBIGUOUS_FIRST) || len >= 2);
  let surnames = 0;
  for (let k = a; k <= b; k++) if ((tokens[k]!.flags & (LEX.SURNAME | LEX.AMBIGUOUS_SURNAME)) === LEX.SURNAME) surnames++;
  // The context tests below are regexes over the surrounding text; most chunks are settled
  // before they are needed, so each runs at most once and only when reached.
  let strongPerson: boolean | undefined;
  let personAfter: boolean | undefined;
  let hasInitial = false;
  if (len >= 3) for (let k = a + 1; k < b; k++) if (tokens[k]!.end - tokens[k]!.start === 1) hasInitial = true;
  if (len > 4) {
    if (orgContext) emit(c, 'ORGANIZATION', orgStart, b, 0.55);
    return;
  }
  if (orgContext && !firstIsName) {
    emit(c, 'ORGANIZATION', orgStart, b, 0.6);
    return;
  }
  if (hasInitial && !orgContext) {
    emit(c, 'PERSON', a, b, 0.75);
    return;
  }
  if ((firstIsName || surnames > 0 || (len <= 2 && !first.upper && !(len === 1 && has(first, LEX.JOB_HEAD)))) && isSpeaker(c, b, first, last)) {
    emit(c, 'PERSON', a, b, 0.65);
    return;
  }
  // "our CEO, Satya Nadella,", "the director Jane Campion": a name right after a role word.
  if (len >= 2 && len <= 3 && !anyFlag(tokens, a, b, LEX.COMMON) && afterRoleWord(c, a)) {
    emit(c, 'PERSON', a, b, 0.7);
    return;
  }
  // "grew up in Shelly Park": after a phrase that only introduces places, a given name without
  // a surname is the place's name.
  if ((firstIsName || len === 1) && surnames === 0 && precededBy(c.lower, first.start, PLACE)) {
    emit(c, 'LOCATION', a, b, 0.6);
    return;
  }
  if (firstIsName) {
    emit(c, 'PERSON', a, b, len >= 2 ? 0.85 : (strongPerson ??= precededBy(c.lower, first.start, STRONG_PERSON)) || (personAfter ??= PERSON_AFTER.test(after(c, b))) ? 0.8 : 0.65);
    return;
  }
  if (len >= 2 && surnames > 0) {
    emit(c, 'PERSON', a, b, 0.7);
    return;
  }
  // "my Fitbit says", "our Roomba": one unlisted word after a possessive is a thing someone owns.
  if (len === 1 && surnames === 0 && precededBy(c.lower, first.start, OWNED)) return;
  if ((strongPerson ??= precededBy(c.lower, first.start, STRONG_PERSON)) || (!first.upper && (personAfter ??= PERSON_AFTER.test(after(c, b))))) {
    emit(c, 'PERSON', a, b, 0.6);
    return;
  }
  // An acronym after "from" or "at" is an organisation or a thing ("from ATM"), not a place.
  if (precededBy(c.lower, first.start, LOCATION) && !first.initial && !(len === 1 && first.upper && first.length <= 4)) {
    // A known place was found by the gazetteer already; an unknown name after a bare "at" is
    // where someone works or meets ("at Flipkart", "team lead at Ericsson"), not a town.
    const atWork = precededBy(c.lower, first.start, AT) && !precededBy(c.lower, first.start, ARRIVED_AT);
    emit(c, atWork ? 'ORGANIZATION' : 'LOCATION', a, b, 0.5);
    return;
  }
  // An all-capitals short word is an acronym ("PAN", "LEE" in a heading is rare), not a surname.
  if (len === 1 && isSurname(first) && !has(first, LEX.AMBIGUOUS_SURNAME) && !(first.upper && first.length <= 4)) {
    emit(c, 'PERSON', a, b, 0.55);
    return;
  }
  // A signature block: the line under a person's name names their organisation.
  if (len <= 3 && !first.upper && onOwnLine(c.text, first, last) && personOnLineAbove(c, first)) {
    emit(c, 'ORGANIZATION', a, b, 0.5);
    return;
  }
  // A signature or contact block: a two- or three-word name alone on its line.
  if (len >= 2 && len <= 3 && c.text.includes('\n') && onOwnLine(c.text, first, last) && !anyFlag(tokens, a, b, LEX.COMMON | LEX.JOB_HEAD)) {
    emit(c, 'PERSON', a, b, 0.5);
    return;
  }
  if (first.initial && len <= 2 && SENTENCE_VERB.test(after(c, b)) && !first.upper) {
    emit(c, 'PERSON', a, b, 0.5);
  }
}

function chunkPass(c: Ctx): void {
  const { tokens } = c;
  for (let i = 0; i < tokens.length; i++) {
    if (c.used[i] || !nameLike(tokens[i]!)) continue;
    let j = i;
    for (;;) {
      const k = j + 1;
      if (k >= tokens.length || c.used[k]) break;
      const nk = tokens[k]!;
      if (!joined(c, tokens[j]!, nk)) break;
      if (nameLike(nk) || isInitial(c, k)) {
        j = k;
        continue;
      }
      // "Ludwig van Beethoven": a lower-case particle between two capitalised words.
      const after = tokens[k + 1];
      if (has(nk, LEX.PARTICLE) && after && !c.used[k + 1] && joined(c, nk, after) && nameLike(after)) {
        j = k + 1;
        continue;
      }
      break;
    }
    classifyChunk(c, i, j);
    i = j;
  }
}

/** Text without capitals: only the lists and the strongest context can find names. */
function caselessPass(c: Ctx): void {
  const { tokens } = c;
  for (let i = 0; i < tokens.length; i++) {
    if (c.used[i]) continue;
    const t = tokens[i]!;
    if (!t.alpha || isCommon(t) || t.length < 2) continue;
    // A given name that is also a word ("will", "grace") counts only after a relation word, and
    // only when it is not an ordinary word ("my friend will help" names nobody).
    const first = isFirstName(t) && (!has(t, LEX.AMBIGUOUS_FIRST) || precededBy(c.lower, t.start, RELATION));
    const sur = isSurname(t) && !has(t, LEX.AMBIGUOUS_SURNAME);
    const context = precededBy(c.lower, t.start, CASELESS_PERSON) && !/(?:ed|ing)$/.test(t.lower);
    if (!first && !sur && !context) continue;
    let j = i;
    while (j + 1 < tokens.length && j - i < 2 && !c.used[j + 1]) {
      const n = tokens[j + 1]!;
      if (!joined(c, tokens[j]!, n) || !n.alpha || isCommon(n)) break;
      // A listed surname, an initial, or after a given name any other name-shaped word
      // ("xiao ming", "john okafor"), but not a verb form ("ahmad saying").
      // ("Ming", "Ling" end in "ing" too: only a longer word is taken for the verb form.)
      if (!(isSurname(n) || n.length === 1 || (first && !lookupAt(c.text, tokens, j + 1) && !(n.length >= 6 && n.lower.endsWith('ing'))))) break;
      j++;
    }
    if (!first && j === i && !context) continue;
    emit(c, 'PERSON', i, j, first || context ? 0.7 : 0.55);
  }
}

/** A listed given name written in lower case that is not also a word ("sarah", not "will" or "grace"). */
const plainGivenName = (t: Token) => t.alpha && !t.cap && t.length >= 3 && isFirstName(t) && !has(t, LEX.AMBIGUOUS_FIRST) && !isCommon(t);

/**
 * Chat writes names in lower case inside text that has capitals ("Can you ask sarah about the
 * API?"): a listed given name in lower case is a person after a word that introduces one ("ask",
 * "my boss", "told"), before a listed surname, or beside another such name ("john and priya").
 */
function lowerCaseNamePass(c: Ctx): void {
  const { tokens, text } = c;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (c.used[i] || !plainGivenName(t)) continue;
    const next = tokens[i + 1];
    const withSurname = next !== undefined && !c.used[i + 1] && joined(c, t, next) && !next.cap && next.alpha && isSurname(next) && !isCommon(next);
    const partner = tokens[i + 2];
    const pair = next?.lower === 'and' && partner !== undefined && plainGivenName(partner) && isListGap(text, t.end, partner.start);
    const prevPair = i >= 2 && tokens[i - 1]!.lower === 'and' && plainGivenName(tokens[i - 2]!) && isListGap(text, tokens[i - 2]!.end, t.start);
    if (!withSurname && !pair && !prevPair && !precededBy(c.lower, t.start, STRONG_PERSON) && !precededBy(c.lower, t.start, RELATION)) continue;
    emit(c, 'PERSON', i, withSurname ? i + 1 : i, 0.6);
    if (withSurname) i++;
  }
}

/** "Anna, Ben and Carl": a word listed among names is a name too. */
function listPass(c: Ctx): void {
  const { tokens, text } = c;
  // A message names a handful of people: arrays, searched only after the cheap gap test, cost
  // less than two Sets made per scan. A long document gets the Sets (no search through thousands).
  const personStarts: number[] = [];
  const personEnds: number[] = [];
  for (const s of c.spans) {
    if (s.type !== 'PERSON') continue;
    personStarts.push(s.start);
    personEnds.push(s.end);
  }
  if (personStarts.length === 0) return;
  const startSet = personStarts.length > 16 ? new Set(personStarts) : undefined;
  const endSet = personStarts.length > 16 ? new Set(personEnds) : undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (c.used[i]) continue;
    const t = tokens[i]!;
    if (!t.alpha || isCommon(t) || has(t, LEX.JOB_HEAD) || (!c.caseless && (!t.cap || t.upper)) || t.length < 3 || hasApostrophe(text, t)) continue;
    // "Jane Doe, Senior Accountant": a word opening a job title is not one more name.
    const following = tokens[i + 1];
    if (following && has(following, LEX.JOB_HEAD) && singleBlank(text, t.end, following.start)) continue;
    // "and" is a token of its own: the neighbour across ", and " or " and " is one further.
    const before = i >= 2 && tokens[i - 1]!.lower === 'and' ? i - 2 : i - 1;
    const beyond = tokens[i + 1]?.lower === 'and' ? i + 2 : i + 1;
    const prev = tokens[before];
    const next = tokens[beyond];
    const prevPerson = prev && c.used[before] && isListGap(text, prev.end, t.start) && (endSet ? endSet.has(prev.end) : personEnds.includes(prev.end));
    const nextPerson = next && isListGap(text, t.end, next.start) && (startSet ? startSet.has(next.start) : personStarts.includes(next.start));
    if (prevPerson || nextPerson) emit(c, 'PERSON', i, i, 0.55);
  }
}

function hasApostrophe(text: string, t: Token): boolean {
  for (let k = t.start; k < t.end; k++) {
    const ch = text.charCodeAt(k);
    if (ch === 39 || ch === 0x2019) return true;
  }
  return false;
}

/** The text between two names of a list: ", ", " and ", " & " or ", and ". */
function isListGap(text: string, from: number, to: number): boolean {
  const len = to - from;
  if (len === 2) return text.charCodeAt(from) === 44 && text.charCodeAt(from + 1) === 32;
  if (len === 3) return text.startsWith(' & ', from);
  if (len === 5) return text.startsWith(' and ', from);
  if (len === 6) return text.startsWith(', and ', from);
  return false;
}

/** Once "Anna Kowalski" is a person, a later "Kowalski" or "Anna" alone is the same person. */
function propagationPass(c: Ctx): void {
  const { tokens, persons } = c;
  if (persons.length === 0) return;
  const known = new Set<string>();
  for (let p = 0; p < persons.length; p += 2) {
    for (let k = persons[p]!; k <= persons[p + 1]!; k++) {
      const t = tokens[k]!;
      if (t.length > 2 && !has(t, LEX.PARTICLE)) known.add(t.lower);
    }
  }
  if (known.size === 0) return;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (c.used[i] || (!c.caseless && !t.cap) || isCommon(t) || !known.has(t.lower)) continue;
    // The full name repeated is one finding, not one per word.
    let j = i;
    while (j + 1 < tokens.length && !c.used[j + 1] && joined(c, tokens[j]!, tokens[j + 1]!) && (c.caseless || tokens[j + 1]!.cap) && known.has(tokens[j + 1]!.lower)) j++;
    emit(c, 'PERSON', i, j, 0.6);
    i = j;
  }
}

/**
 * "McKinsey, Bain and BCG", "rejected by Stripe and Revolut": capitalised names listed with an
 * organisation are organisations too. Only words no earlier pass claimed count, and not a given
 * name ("Google and Sarah") or an ordinary word.
 */
function orgListPass(c: Ctx): void {
  const { tokens } = c;
  const count = c.spans.length;
  let orgEnds: number[] | undefined;
  for (let p = 0; p < count; p++) if (c.spans[p]!.type === 'ORGANIZATION') (orgEnds ??= []).push(c.spans[p]!.end);
  if (!orgEnds) return;
  orgEnds.sort((x, y) => x - y);
  let done = -1;
  for (const end of orgEnds) {
    // The token that ends there (none: the finding ends inside a token).
    const i = tokenAfter(tokens, end - 1);
    if (i <= done || tokens[i]?.end !== end) continue;
    let last = i;
    for (;;) {
      const k = listedAfter(c, last);
      if (k < 0) break;
      let b = k;
      while (b + 1 < tokens.length && b - k < 3 && !c.used[b + 1] && joined(c, tokens[b]!, tokens[b + 1]!) && nameLike(tokens[b + 1]!) && !isCommon(tokens[b + 1]!)) b++;
      emit(c, 'ORGANIZATION', k, b, 0.6);
      last = b;
    }
    done = last;
  }
}


/** The token after ", ", " and ", " or " or ", and " following token `i`, if it may name an organisation; else -1. */
function listedAfter(c: Ctx, i: number): number {
  const { tokens, text } = c;
  let k = i + 1;
  const t = tokens[i]!;
  let next = tokens[k];
  if (!next) return -1;
  const comma = text.startsWith(', ', t.end) && next.start === t.end + 2;
  if (!comma && !singleBlank(text, t.end, next.start)) return -1;
  if (next.lower === 'and' || next.lower === 'or') {
    const word = tokens[k + 1];
    if (!word || !singleBlank(text, next.end, word.start)) return -1;
    k++;
    next = word;
  } else if (!comma) return -1;
  if (c.used[k] || !nameLike(next) || isCommon(next) || (isFirstName(next) && !next.upper) || has(next, LEX.HONORIFIC)) return -1;
  return k;
}

/** A postcode and a blank right before a town, as most of Europe and Brazil write them ("10115 Berlin", "01310-100 São Paulo"). */
const ZIP_BEFORE_TOWN = /(?:^|[^\w,.-])(\d{5}(?:-\d{3})?|\d{2}-\d{3}|\d{4})[ \t]$/;

/**
 * "I live in 10115 Berlin", "CEP 01310-100 São Paulo": digits right before a town are its
 * postcode. Four digits that read as a year ("in 2019 Berlin…") are not, nor are the digits of a
 * house number or a list ("Hauptstraße 5, 10115" is POSTCODE_TOWN's, in address.ts).
 */
function zipBeforePlace(c: Ctx, s: PiiSpan): void {
  if (s.start < 5) return;
  const d = c.text.charCodeAt(s.start - 2);
  if (d < 48 || d > 57) return;
  const m = ZIP_BEFORE_TOWN.exec(c.text.slice(Math.max(0, s.start - 12), s.start));
  if (!m) return;
  const value = m[1]!;
  if (value.length === 4 && /^(?:19|20)\d\d$/.test(value)) return;
  const start = s.start - 1 - value.length;
  c.spans.push({ type: 'ZIP_CODE', start, end: start + value.length, score: 0.6 });
}

const AGE_AFTER_NAME = /^(?: ?\((\d{1,3})\)|, (\d{1,3}),)/;

/** "my son Arjun (8)", "Chukwuemeka Obi, 29, living in Abuja": a number set off right after a name is the person's age. */
function agesAfterPersonsPass(c: Ctx): void {
  const count = c.spans.length;
  for (let p = 0; p < count; p++) {
    const s = c.spans[p]!;
    if (s.type !== 'PERSON') continue;
    const next = s.end < c.text.length ? c.text.charCodeAt(s.end) : 0;
    if (next !== 40 && next !== 44 && next !== 32) continue;
    const m = AGE_AFTER_NAME.exec(c.text.slice(s.end, s.end + 8));
    if (!m) continue;
    const value = m[1] ?? m[2]!;
    if (Number(value) > 120) continue;
    const start = s.end + m[0].indexOf(value);
    c.spans.push({ type: 'AGE', start, end: start + value.length, score: 0.75 });
  }
}

const COUNTRY_NAMES: ReadonlySet<string> = new Set(COUNTRIES);

/**
 * "Lisbon 1100-148": digits right after a town are its postcode. After a country they are still
 * part of the postal address, but postal convention (UPU S42) writes the postcode on the locality
 * line and the country alone on the last line, so "Estonia 62488" is reported as address text,
 * not as a postcode.
 */
function zipAfterPlacePass(c: Ctx): void {
  // Only the findings made before this pass (it appends postcodes to the same list).
  const count = c.spans.length;
  for (let p = 0; p < count; p++) {
    const s = c.spans[p]!;
    if (s.type !== 'LOCATION') continue;
    zipBeforePlace(c, s);
    // Cheap shape test first: a comma or a blank, blanks, then a digit.
    const n = c.text.length;
    let k = s.end;
    if (k < n && c.text.charCodeAt(k) === 44) k++;
    const blank = k;
    while (k < n && (c.text.charCodeAt(k) === 32 || c.text.charCodeAt(k) === 9)) k++;
    const d = k < n ? c.text.charCodeAt(k) : -1;
    if (k === blank || !(d >= 48 && d <= 57)) continue;
    // (Six digits: an Indian PIN code, "Bengaluru 560025".)
    const m = /^,?[ \t]+(\d{4,6}(?:-\d{3,4})?|\d{3} \d{2}|\d{2}-\d{3})(?![\d-])/.exec(c.text.slice(s.end, s.end + 16));
    if (!m) continue;
    const start = s.end + m[0].length - m[1]!.length;
    const country = COUNTRY_NAMES.has(c.lower.slice(s.start, s.end));
    c.spans.push({ type: country ? 'STREET_ADDRESS' : 'ZIP_CODE', start, end: start + m[1]!.length, score: 0.55 });
  }
}

/**
 * The `used` marks of the scan, one per token, in one buffer kept between scans (cleared for the
 * tokens of each): allocating a typed array per message cost more than clearing a few bytes.
 * Reads past the text's tokens see 0, as reads past a fresh array's end see undefined.
 */
let usedBuffer = new Uint8Array(256);

export function findNamedEntities(input: ScanInput, out: PiiSpan[]): void {
  const { text, lower, caseless } = input;
  const tokens = tokensOf(input);
  if (tokens.length === 0) return;
  if (usedBuffer.length < tokens.length) usedBuffer = new Uint8Array(Math.max(tokens.length, usedBuffer.length * 2));
  else usedBuffer.fill(0, 0, tokens.length);
  const c: Ctx = { text, lower, tokens, caseless, used: usedBuffer, spans: [], persons: [], personEnds: [], personEndSet: undefined, afterToken: -1, afterText: '' };
  // A pass that starts only at tokens with some word-list flag is skipped when no token has it
  // (wordFlags is the OR of every token's flags and those of the pieces inside tokens).
  const flags = input.wordFlags!;
  if (flags & LEX.HONORIFIC) honorificPass(c);
  if (!caseless && (text.includes(' of ') || text.includes('Chief '))) titlePhrasePass(c);
  if (flags & LEX.ORG_PREFIX && !caseless) institutionPass(c);
  if (flags & LEX.ORG_PREFIX) orgOfPass(c);
  if (flags & LEX.ORG_PREFIX && !caseless) institutionFirstPass(c);
  if (!caseless && text.includes('&')) ampersandOrgPass(c);
  if (flags & LEX.GAZETTEER) gazetteerPass(c);
  if (caseless) caselessPass(c);
  else {
    chunkPass(c);
    if (flags & LEX.FIRST) lowerCaseNamePass(c);
  }
  listPass(c);
  if (!caseless) orgListPass(c);
  propagationPass(c);
  if (flags & LEX.JOB_HEAD) jobTitlePass(c);
  zipAfterPlacePass(c);
  if (input.hasDigit && c.persons.length > 0) agesAfterPersonsPass(c);
  out.push(...c.spans);
}

