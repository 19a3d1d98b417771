import { parsePhoneNumberFromString } from 'libphonenumber-js';

const E164 = /^\+[1-9][0-9]{1,14}$/;

/**
 * A phone number is accepted only in E.164 (`+` country code, number, no spaces) and only if it is
 * a valid number for its country; it is stored exactly in that form. Null when it is not valid.
 */
export function validE164(input: string): string | null {
  if (!E164.test(input)) return null;
  const parsed = parsePhoneNumberFromString(input);
  if (!parsed || !parsed.isValid() || parsed.number !== input) return null;
  return parsed.number;
}
