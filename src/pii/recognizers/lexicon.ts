import { AMBIGUOUS_FIRST_NAMES, FIRST_NAMES } from '../data/first-names.js';
import { MOBY_GIVEN_NAMES } from '../data/given-names-moby.js';
import { AMBIGUOUS_SURNAMES, SURNAMES } from '../data/surnames.js';
import { COMMON_WORDS, FOREIGN_MONTHS, FOREIGN_WEEKDAYS, GERMAN_WEEKDAYS, HONORIFICS, INSTITUTIONS_FIRST, JOB_HEADS, ORG_PREFIXES, ORG_SUFFIXES, STREET_PREFIXES, STREET_SUFFIXES } from '../data/words.js';
import { buildGazetteer, type Entry } from './gazetteer.js';
import { wordHash } from './tokens.js';

/**
 * Everything the word lists say about one lower-case word, found with a single table look-up per
 * token (done by the tokeniser, see shared.ts). The name recogniser used to ask six or seven Sets about every word (given name? surname?
 * ordinary word? honorific? …); each first look-up of a fresh string also hashes it, so one
 * look-up that returns all the answers as bits is several times cheaper.
 */
export const LEX = {
  FIRST: 1,
  AMBIGUOUS_FIRST: 2,
  /** Listed as a surname at all (`SURNAMES.has`). */
  SURNAME_LISTED: 4,
  /** A usable surname: listed, not an ordinary word or a particle, longer than one letter. */
  SURNAME: 8,
  AMBIGUOUS_SURNAME: 16,
  /** In the ordinary-word list itself. */
  COMMON_LISTED: 32,
  /** An ordinary word or the plural of one ("Users", "Cards"). */
  COMMON: 64,
  HONORIFIC: 128,
  STRONG_HONORIFIC: 256,
  JOB_HEAD: 512,
  ORG_PREFIX: 1024,
  ORG_SUFFIX: 2048,
  PARTICLE: 4096,
  JOB_STOP: 8192,
  // Words other recognisers need before their patterns can match (see `hasWord` in shared.ts).
  WEEKDAY: 1 << 14,
  /**
   * yesterday, today, tomorrow, tonight and the periods after "last/next/this" (week, month,
   * summer…): every relative date of datetime.ts has one of them (or a weekday) as a whole word.
   */
  RELATIVE_DAY: 1 << 15,
  AGO: 1 << 16,
  MONTH: 1 << 17,
  SECRET_LABEL: 1 << 18,
  ZIP_LABEL: 1 << 19,
  LICENSE_LABEL: 1 << 20,
  STREET_SUFFIX: 1 << 21,
  /** Street types unambiguous even without capitals (street, road, avenue…). */
  STRONG_STREET_SUFFIX: 1 << 22,
  STREET_PREFIX: 1 << 23,
  /** First words of US military addresses (PSC, Unit, CMR, USS, USNS…). */
  MILITARY: 1 << 24,
  /** Starts a gazetteer phrase (see slotGazetteer). */
  GAZETTEER: 1 << 25,
  /** First words of "I'm 25", "she is 30", "was 12" (the age-after-a-verb pattern of datetime.ts). */
  AGE_LEAD: 1 << 26,
  // First words of patterns that are tried only where such a word starts (see execAtStarts in
  // shared.ts) instead of over the whole text.
  /** "password", "api", "access"…: the labels of secrets.ts' LABELLED. */
  SECRET_LEAD: 1 << 27,
  /** "today", "last", "the"…: the relative dates of datetime.ts. */
  RELATIVE_LEAD: 1 << 28,
  /** "in", "since", "born"…: the time words before a bare year in datetime.ts. */
  YEAR_LEAD: 1 << 29,
  /** "my", "our", "his"…: the first words of the relative's-age pattern of datetime.ts. */
  POSSESSIVE: 1 << 30,
  /** "two" … "nineteen", "twenty" … "ninety": the words of a spelt-out age (datetime.ts). The sign bit, so test with `!== 0`. */
  NUMBER_WORD: 1 << 31,
} as const;

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const MONTHS = 'jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december'.split(' ');
const SECRET_LABELS = 'password passwd passphrase pwd pass pin secret token apikey key auth bearer authorization'.split(' ');
const ZIP_LABELS = 'zip postal post postcode plz cap cp código cep pocztowy postleitzahl postale'.split(' ');
const LICENSE_LABELS = 'license licence dl dln driverslicense driverslicence driverlicense driverlicence dlno dlnumber permit führerschein permis conducir motorista patente jazdy rijbewijs'.split(' ');
/** The street types that are unambiguous even in text written without capitals. */
export const STRONG_SUFFIXES = ['street', 'st', 'avenue', 'ave', 'road', 'rd', 'lane', 'ln', 'drive', 'boulevard', 'blvd', 'way', 'court', 'ct', 'place', 'terrace', 'crescent', 'parkway', 'pkwy', 'highway', 'hwy', 'square', 'circle', 'close'];

/** Lower-case words inside names ("Ludwig van Beethoven"). */
export const PARTICLES: ReadonlySet<string> = new Set(['van', 'von', 'de', 'der', 'den', 'da', 'di', 'del', 'della', 'dos', 'das', 'du', 'la', 'le', 'bin', 'ibn', 'al', 'el', 'ter', 'ten', 'zu', 'af', 'y', 'st', "o'", 'mac', 'mc']);
/** Honorifics strong enough to make the next capitalised word a name on their own. */
const STRONG_HONORIFICS = ['mr', 'mrs', 'ms', 'miss', 'mx', 'dr', 'prof', 'professor', 'sir', 'dame', 'madam', 'madame', 'mme', 'mlle', 'lord', 'lady', 'rev', 'reverend', 'herr', 'frau', 'señor', 'señora', 'señorita', 'signor', 'signora', 'monsieur', 'sheikh'];
/** Words that end the run of words in front of an occupation ("a senior data engineer"). */
const JOB_STOP = ['a', 'an', 'the', 'as', 'my', 'our', 'his', 'her', 'their', 'dear', 'hi', 'hello',
  // The words before an occupation in the other languages of JOB_BEFORE (titles.ts): "soy", "je suis", "ich bin", "sono un"…
  'soy', 'como', 'suis', 'comme', 'bin', 'als', 'sono', 'come', 'sou', 'jestem', 'jako', 'un', 'una', 'une', 'ein', 'eine', 'um', 'uma', 'il', 'el', 'and', 'of', 'for', 'at', 'in', 'is', 'was', 'am', "i'm", 'i', 'to', 'with', 'from', 'by', 'former', 'new', 'previously', 'currently', 'formerly', 'this', 'that', 'your', 'good', 'great', 'best', 'work', 'works', 'worked', 'used'];

export interface LexEntry {
  flags: number;
  /** Gazetteer phrases that start with this word, longest first. */
  gaz: readonly Entry[] | undefined;
}

function build(): Map<string, LexEntry> {
  const map = new Map<string, LexEntry>();
  const entry = (w: string): LexEntry => {
    let e = map.get(w);
    if (!e) map.set(w, (e = { flags: 0, gaz: undefined }));
    return e;
  };
  const mark = (words: Iterable<string>, flag: number) => {
    for (const w of words) entry(w).flags |= flag;
  };
  mark(FIRST_NAMES, LEX.FIRST);
  // The long list of English given names adds only what the hand-written lists do not settle: a
  // word they list as a surname, an ordinary word or a particle keeps its meaning there.
  for (const n of MOBY_GIVEN_NAMES) {
    if (n.length >= 3 && !FIRST_NAMES.has(n) && !SURNAMES.has(n) && !COMMON_WORDS.has(n) && !PARTICLES.has(n)) entry(n).flags |= LEX.FIRST;
  }
  mark(AMBIGUOUS_FIRST_NAMES, LEX.AMBIGUOUS_FIRST);
  mark(SURNAMES, LEX.SURNAME_LISTED);
  mark(AMBIGUOUS_SURNAMES, LEX.AMBIGUOUS_SURNAME);
  mark(COMMON_WORDS, LEX.COMMON_LISTED | LEX.COMMON);
  // The plural rule of "ordinary word": longer than three letters, "s" after a listed word.
  for (const w of COMMON_WORDS) if (w.length + 1 > 3) entry(w + 's').flags |= LEX.COMMON;
  mark(HONORIFICS, LEX.HONORIFIC);
  mark(STRONG_HONORIFICS, LEX.STRONG_HONORIFIC);
  mark(JOB_HEADS, LEX.JOB_HEAD);
  mark(ORG_PREFIXES, LEX.ORG_PREFIX);
  mark(INSTITUTIONS_FIRST, LEX.ORG_PREFIX);
  mark(ORG_SUFFIXES, LEX.ORG_SUFFIX);
  mark(PARTICLES, LEX.PARTICLE);
  mark(JOB_STOP, LEX.JOB_STOP);
  for (const w of SURNAMES) if (!COMMON_WORDS.has(w) && !PARTICLES.has(w) && w.length > 1) entry(w).flags |= LEX.SURNAME;
  mark(WEEKDAYS, LEX.WEEKDAY);
  mark(WEEKDAYS.map((w) => w + 's'), LEX.WEEKDAY);
  mark([...FOREIGN_WEEKDAYS, ...GERMAN_WEEKDAYS], LEX.WEEKDAY);
  mark(['yesterday', 'today', 'tomorrow', 'tonight', 'week', 'weekend', 'month', 'year', 'spring', 'summer', 'autumn', 'fall', 'winter'], LEX.RELATIVE_DAY);
  mark(['ago'], LEX.AGO);
  mark(MONTHS, LEX.MONTH);
  mark(FOREIGN_MONTHS, LEX.MONTH);
  mark(SECRET_LABELS, LEX.SECRET_LABEL);
  mark(ZIP_LABELS, LEX.ZIP_LABEL);
  mark(LICENSE_LABELS, LEX.LICENSE_LABEL);
  const noDot = (w: string) => w.replace(/\.$/, '');
  mark([...STREET_SUFFIXES].map(noDot), LEX.STREET_SUFFIX);
  mark(STRONG_SUFFIXES, LEX.STRONG_STREET_SUFFIX);
  mark([...STREET_PREFIXES].map(noDot), LEX.STREET_PREFIX);
  mark(['psc', 'unit', 'cmr', 'usns', 'usnv', 'uss', 'uscgc'], LEX.MILITARY);
  mark(['i', 'im', 'he', 'she', 'they', 'was', 'were', 'am'], LEX.AGE_LEAD);
  mark(['my', 'our', 'his', 'her', 'their', 'your'], LEX.POSSESSIVE);
  mark('two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety'.split(' '), LEX.NUMBER_WORD);
  // Each list is every first word of its pattern's alternatives, as the tokeniser cuts them
  // ("api_key" is "api", "accesskey" one word); the patterns are case-insensitive.
  mark('password passwd passphrase pwd pass pin secret secretkey token api apikey access accesskey client clientsecret private privatekey auth bearer authorization credential credentials'.split(' '), LEX.SECRET_LEAD);
  mark('yesterday today tomorrow tonight the last next this'.split(' '), LEX.RELATIVE_LEAD);
  mark('in since during from until till by before after around circa of year born founded established spring summer autumn fall winter early late mid back a an the'.split(' '), LEX.YEAR_LEAD);
  for (const [first, list] of buildGazetteer()) entry(first).gaz = list;
  return map;
}

const NONE: LexEntry = { flags: 0, gaz: undefined };

/**
 * An open-addressing hash table over the words, probed with a hash of the characters of the
 * lower-cased text itself: no substring is cut and no engine string hash is computed per token,
 * which a Map keyed by freshly sliced strings costs. Everything a probe reads sits side by side
 * in one typed array and one string of all the words, so a look-up touches little memory.
 */
interface Table {
  mask: number;
  /**
   * Four numbers per slot, side by side so a probe reads one cache line: the word's full hash
   * (0 = empty slot; compared first, so a miss never touches a key), its flags, and where it
   * starts in `chars` and its length. (Hashes alone in their own array were tried: two in three
   * words of a text are listed, and a hit then read two cache lines instead of one.)
   */
  slots: Int32Array;
  /**
   * One bit per value of the hash's upper 16 bits, set for every listed word. A clear bit proves
   * a word unlisted from 8 KB that stay in the cache, before the table is touched: most words of
   * a text are not in the lists.
   */
  filter: Uint8Array;
  chars: string;
  /** Gazetteer phrases by slot, for the few words that start one (flag GAZETTEER); an array, not a Map, so a read is an index. */
  gaz: (readonly Entry[] | undefined)[];
}

const FILTER_BITS = 1 << 16;

function buildTable(): Table {
  const map = build();
  let size = 1024;
  while (size < map.size * 2) size *= 2;
  const table: Table = { mask: size - 1, slots: new Int32Array(size * 4), filter: new Uint8Array(FILTER_BITS / 8), chars: '', gaz: new Array<readonly Entry[] | undefined>(size).fill(undefined) };
  const parts: string[] = [];
  let offset = 0;
  for (const [word, entry] of map) {
    const h = wordHash(word, 0, word.length);
    let slot = h & table.mask;
    while (table.slots[slot * 4] !== 0) slot = (slot + 1) & table.mask;
    table.slots[slot * 4] = h;
    table.filter[(h >>> 16) >>> 3] = table.filter[(h >>> 16) >>> 3]! | (1 << ((h >>> 16) & 7));
    table.slots[slot * 4 + 1] = entry.gaz ? entry.flags | LEX.GAZETTEER : entry.flags;
    table.slots[slot * 4 + 2] = offset;
    table.slots[slot * 4 + 3] = word.length;
    if (entry.gaz) table.gaz[slot] = entry.gaz;
    parts.push(word);
    offset += word.length;
  }
  table.chars = parts.join('');
  return table;
}

let cached: Table | undefined;
const table = () => (cached ??= buildTable());

/** The slot of the lower-case word at [start, end) of `lower` (`hash` from wordHash), or -1. */
export function lexSlot(lower: string, start: number, end: number, hash: number): number {
  const t = table();
  const high = hash >>> 16;
  if ((t.filter[high >>> 3]! & (1 << (high & 7))) === 0) return -1;
  const len = end - start;
  const slots = t.slots;
  const mask = t.mask;
  let slot = hash & mask;
  for (;;) {
    const i = slot * 4;
    const stored = slots[i]!;
    if (stored === 0) return -1;
    if (stored === hash && slots[i + 3] === len) {
      const chars = t.chars;
      const at = slots[i + 2]!;
      let k = 0;
      while (k < len && chars.charCodeAt(at + k) === lower.charCodeAt(start + k)) k++;
      if (k === len) return slot;
    }
    slot = (slot + 1) & mask;
  }
}

/** Whether any listed word contains an ASCII digit (none does today: tokens with digits skip the probe). */
export const lexHasDigitWords = (): boolean => /[0-9]/.test(table().chars);

export const slotFlags = (slot: number): number => (slot < 0 ? 0 : table().slots[slot * 4 + 1]!);
export const slotGazetteer = (slot: number): readonly Entry[] | undefined => (slot < 0 ? undefined : table().gaz[slot]);

/** The lexicon entry of the lower-case word at [start, end) of `lower` (an empty entry if unknown). */
export function lexicon(lower: string, start = 0, end = lower.length, hash?: number): LexEntry {
  const slot = lexSlot(lower, start, end, hash ?? wordHash(lower, start, end));
  return slot < 0 ? NONE : { flags: slotFlags(slot), gaz: slotGazetteer(slot) };
}
