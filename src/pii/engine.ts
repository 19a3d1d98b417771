import type { PiiEntityType, PiiSpan, ScanInput } from './types.js';
import { resolveOverlaps } from './resolve.js';
import { SHAPE, hasMidSentenceCapital, textFeatures } from './features.js';
import { alignedLower } from './recognizers/tokens.js';
import { findDomains, findEmails, findIpAddresses, findUrls } from './recognizers/network.js';
import { findCreditCards, findDriverLicenses, findIbans, findSsns } from './recognizers/identifiers.js';
import { findSecrets } from './recognizers/secrets.js';
import { findPhoneNumbers } from './recognizers/phone.js';
import { findAges, findDates } from './recognizers/datetime.js';
import { findAddresses } from './recognizers/address.js';
import { findNamedEntities } from './recognizers/names.js';
import { findScriptNames } from './recognizers/script-names.js';
import { findScriptPlaces } from './recognizers/script-places.js';
import { anonymizeSpans, type AnonymizeOptions, type AnonymizeResult, type Operator } from './operators.js';

export interface PiiEngineOptions {
  /** Findings below this confidence are dropped (default 0.5). */
  minScore?: number;
  /** Only report these types (default: all). */
  entities?: readonly PiiEntityType[];
}

export interface PiiEngine {
  detect(text: string): PiiSpan[];
  anonymize(text: string, operator: Operator, options?: AnonymizeOptions): AnonymizeResult;
}

/**
 * Every recogniser, in the order their findings are listed (ties in resolveOverlaps keep it).
 * Called one by one rather than from an array: each call site then sees one function, which V8
 * can inline, where a loop over the array is one megamorphic call for all of them.
 */
function recognizeAll(input: ScanInput, out: PiiSpan[]): void {
  findEmails(input, out);
  findUrls(input, out);
  findDomains(input, out);
  findIpAddresses(input, out);
  findCreditCards(input, out);
  findIbans(input, out);
  findSsns(input, out);
  findDriverLicenses(input, out);
  findSecrets(input, out);
  findPhoneNumbers(input, out);
  findDates(input, out);
  findAges(input, out);
  findAddresses(input, out);
  findNamedEntities(input, out);
  findScriptNames(input, out);
  findScriptPlaces(input, out);
}

/** At module level: tsx compiles a literal with a property escape into a `new RegExp` per evaluation. */
const LOWER_CASE_LETTER = /\p{Ll}/u;

export function scanInput(text: string): ScanInput {
  const features = textFeatures(text);
  const hasLower = (features.shape & SHAPE.ASCII_LOWER) !== 0 || LOWER_CASE_LETTER.test(text);
  return {
    text,
    // toLowerCase can change length for a few scripts; offsets must stay aligned with the text.
    lower: alignedLower(text),
    caseless: !hasLower || !hasMidSentenceCapital(text),
    hasDigit: features.digits > 0,
    features,
    tokens: undefined,
    wordFlags: undefined,
    wordPieces: undefined,
    keyTokens: undefined,
    wordsWithCache: undefined,
    wordStartsCache: undefined,
  };
}

export function createPiiEngine(options: PiiEngineOptions = {}): PiiEngine {
  const minScore = options.minScore ?? 0.5;
  const allowed = options.entities ? new Set(options.entities) : undefined;
  const detect = (text: string): PiiSpan[] => {
    if (text.length === 0) return [];
    const input = scanInput(text);
    const candidates: PiiSpan[] = [];
    recognizeAll(input, candidates);
    const filtered = allowed ? candidates.filter((s) => allowed.has(s.type)) : candidates;
    return resolveOverlaps(filtered, minScore);
  };
  return {
    detect,
    anonymize: (text, operator, anonymizeOptions) => anonymizeSpans(text, detect(text), operator, anonymizeOptions),
  };
}
