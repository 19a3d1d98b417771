import type { TextFeatures } from './features.js';
import type { Token } from './recognizers/tokens.js';

/** The kinds of personal data the engine finds. Names follow Presidio's where one exists. */
export const PII_ENTITY_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'IP_ADDRESS',
  'URL',
  'DOMAIN_NAME',
  'DATE_TIME',
  'AGE',
  'ZIP_CODE',
  'US_DRIVER_LICENSE',
  'SECRET',
  'STREET_ADDRESS',
  'PERSON',
  'ORGANIZATION',
  'LOCATION',
  'TITLE',
  'NRP',
] as const;

export type PiiEntityType = (typeof PII_ENTITY_TYPES)[number];

/** A finding: JavaScript string indices into the scanned text, `end` exclusive. */
export interface PiiSpan {
  type: PiiEntityType;
  start: number;
  end: number;
  /** Confidence in [0, 1]; validated patterns score high, context-only guesses low. */
  score: number;
}

/** What every recognizer receives: the text plus views computed once per scan. */
export interface ScanInput {
  text: string;
  lower: string;
  /** True when capitalisation carries no signal (all lower case or all upper case). */
  caseless: boolean;
  hasDigit: boolean;
  /** Character shapes and counts from one pass over the text (features.ts). */
  features: TextFeatures;
  /** The words with their word-list facts, filled on first use by `tokensOf` (recognizers/shared.ts). */
  tokens?: Token[];
  /** All token flags OR-ed together, filled with `tokens`. */
  wordFlags?: number;
  /** Runs of ASCII letters and digits inside tokens that have other characters, as [start, end, flags] triples. */
  wordPieces?: number[];
  /** Indices of the tokens with a flag recognisers look words up by (KEY_FLAGS in recognizers/shared.ts), filled with `tokens`. */
  keyTokens?: number[];
  /** Answers of `wordsWith` and `wordStarts` (recognizers/shared.ts) by flags, kept for the scan: several recognisers ask the same. */
  wordsWithCache?: Map<number, number[]>;
  wordStartsCache?: Map<number, number[]>;
}

export type Recognizer = (input: ScanInput, out: PiiSpan[]) => void;
