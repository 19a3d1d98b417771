import type { PiiEntityType, PiiSpan, Recognizer, ScanInput } from './types.js';
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

const RECOGNIZERS: readonly Recognizer[] = [
  findEmails,
  findUrls,
  findDomains,
  findIpAddresses,
  findCreditCards,
  findIbans,
  findSsns,
  findDriverLicenses,
  findSecrets,
  findPhoneNumbers,
  findDates,
  findAges,
  findAddresses,
  findNamedEntities,
];

export function scanInput(text: string): ScanInput {
  const features = textFeatures(text);
  const hasLower = (features.shape & SHAPE.ASCII_LOWER) !== 0 || /\p{Ll}/u.test(text);
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
  };
}

export function createPiiEngine(options: PiiEngineOptions = {}): PiiEngine {
  const minScore = options.minScore ?? 0.5;
  const allowed = options.entities ? new Set(options.entities) : undefined;
  const detect = (text: string): PiiSpan[] => {
    if (text.length === 0) return [];
    const input = scanInput(text);
    const candidates: PiiSpan[] = [];
    for (const recognize of RECOGNIZERS) recognize(input, candidates);
    const filtered = allowed ? candidates.filter((s) => allowed.has(s.type)) : candidates;
    return resolveOverlaps(filtered, minScore);
  };
  return {
    detect,
    anonymize: (text, operator, anonymizeOptions) => anonymizeSpans(text, detect(text), operator, anonymizeOptions),
  };
}
