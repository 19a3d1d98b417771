import { luhnValid } from '../../pii/validators.js';
/**
 * Finds anything that could be a full payment card number (P21: only a processor's token is ever
 * accepted). A candidate is a run of 13 to 19 digits, optionally grouped by single spaces or
 * dashes, that passes the Luhn check. Grouped runs are also checked group-span by group-span, so
 * a card number cannot hide behind a prefix ("1111-4242 4242 4242 4242").
 */
// One Luhn check for the whole project: the PII engine's.
export { luhnValid };

const CARD_LENGTH = { min: 13, max: 19 } as const;
const RUN = /[0-9]+(?:[ -][0-9]+)*/g;

const cardLike = (digits: string) => digits.length >= CARD_LENGTH.min && digits.length <= CARD_LENGTH.max && luhnValid(digits);

export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(RUN)) {
    const groups = match[0].split(/[ -]/);
    for (let start = 0; start < groups.length; start++) {
      let digits = '';
      for (let end = start; end < groups.length; end++) {
        digits += groups[end];
        if (digits.length > CARD_LENGTH.max) break;
        if (cardLike(digits)) return true;
      }
    }
  }
  return false;
}

/** Every string and number inside a parsed JSON value, checked one by one. */
export function valueContainsCardNumber(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (typeof value === 'string') return containsCardNumber(value);
  if (typeof value === 'number' || typeof value === 'bigint') return containsCardNumber(String(value));
  if (Array.isArray(value)) return value.some((v) => valueContainsCardNumber(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => containsCardNumber(k) || valueContainsCardNumber(v, depth + 1));
  }
  return false;
}
