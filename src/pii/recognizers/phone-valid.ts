import metadata from 'libphonenumber-js/metadata.max.json';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * `parsePhoneNumberFromString(value)?.isValid()` of libphonenumber-js (full metadata) for an
 * international number, with the same answer and without its cost. The library builds a
 * `new RegExp` from the metadata for every pattern it tests, on every call: a number costs it
 * 30–600 µs (a NANP "+1" number tries the patterns of up to 25 countries), more than scanning a
 * whole chat message. Here each pattern is compiled once, on first use, and the same steps are
 * taken: calling code, national prefix, country by leading digits or number type, then the
 * number-type patterns. Inputs outside the plain shape handled here (extensions, other scripts'
 * digits, non-geographic codes) go to the library itself. `phone-valid.test.ts` compares both
 * on the dev set's numbers and thousands of generated ones.
 */

/** A country's record in the metadata (version 4 layout, see libphonenumber-js metadata.js). */
type CountryRecord = readonly unknown[];
const COUNTRY = { NATIONAL_NUMBER_PATTERN: 2, POSSIBLE_LENGTHS: 3, NATIONAL_PREFIX: 5, PREFIX_FOR_PARSING: 7, TRANSFORM_RULE: 8, LEADING_DIGITS: 10, TYPES: 11 } as const;

interface NumberType {
  pattern: RegExp;
  lengths: readonly number[] | undefined;
}

interface Plan {
  nationalNumber: RegExp;
  possibleLengths: readonly number[] | undefined;
  prefixForParsing: RegExp | undefined;
  transformRule: string | undefined;
  leadingDigits: RegExp | undefined;
  /** undefined: the metadata has no number types for this country (only the national pattern counts). */
  types: readonly NumberType[] | undefined;
}

const json = metadata as unknown as { version: number; country_calling_codes: Record<string, readonly string[]>; countries: Record<string, CountryRecord> };
const entirely = (pattern: string) => new RegExp('^(?:' + pattern + ')$');
const plans = new Map<string, Plan>();

function planOf(country: string): Plan {
  let plan = plans.get(country);
  if (plan) return plan;
  const r = json.countries[country]!;
  const lengths = r[COUNTRY.POSSIBLE_LENGTHS] as readonly number[] | undefined;
  const prefix = (r[COUNTRY.PREFIX_FOR_PARSING] as string | undefined) || (r[COUNTRY.NATIONAL_PREFIX] as string | undefined);
  const leading = r[COUNTRY.LEADING_DIGITS] as string | undefined;
  const rawTypes = r[COUNTRY.TYPES] as readonly (readonly [string, (readonly number[])?] | 0 | undefined)[] | 0 | undefined;
  let types: NumberType[] | undefined;
  if (rawTypes && rawTypes.length > 0) {
    types = [];
    // A type counts when it has a non-empty pattern; its lengths default to the country's.
    for (const t of rawTypes) if (t && t[0]) types.push({ pattern: entirely(t[0]), lengths: t[1] || lengths });
  }
  plan = {
    nationalNumber: entirely(r[COUNTRY.NATIONAL_NUMBER_PATTERN] as string),
    possibleLengths: lengths,
    prefixForParsing: prefix ? new RegExp('^(?:' + prefix + ')') : undefined,
    transformRule: (r[COUNTRY.TRANSFORM_RULE] as string | undefined) || undefined,
    leadingDigits: leading ? new RegExp(leading) : undefined,
    types,
  };
  plans.set(country, plan);
  return plan;
}

/** libphonenumber's getNumberType(…) !== undefined: the national pattern, then any number type. */
function hasNumberType(nationalNumber: string, plan: Plan): boolean {
  if (!plan.nationalNumber.test(nationalNumber)) return false;
  for (const t of plan.types!) {
    if (t.lengths && t.lengths.indexOf(nationalNumber.length) < 0) continue;
    if (t.pattern.test(nationalNumber)) return true;
  }
  return false;
}

/** The country among those sharing a calling code (libphonenumber's getCountryByCallingCode). */
function countryOf(countries: readonly string[], nationalNumber: string): string | undefined {
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    const plan = planOf(country);
    if (plan.leadingDigits) {
      if (nationalNumber && nationalNumber.search(plan.leadingDigits) === 0) return country;
    } else if (plan.types && hasNumberType(nationalNumber, plan)) return country; // without types getNumberType finds none
  }
  return undefined;
}

/** checkNumberLength(…) is neither TOO_SHORT nor INVALID_LENGTH. */
function possibleLength(nationalNumber: string, lengths: readonly number[] | undefined): boolean {
  if (!lengths) return true;
  const n = nationalNumber.length;
  if (lengths[0] === n) return true;
  if (lengths[0]! > n) return false;
  if (lengths[lengths.length - 1]! < n) return true; // TOO_LONG still counts as possible here
  return lengths.indexOf(n, 1) >= 0;
}

/** The national number after the national prefix, as libphonenumber's extractNationalNumber. */
function nationalNumberOf(rest: string, countries: readonly string[], main: Plan): string {
  if (!rest || !main.prefixForParsing) return rest;
  const m = main.prefixForParsing.exec(rest);
  if (!m) return rest;
  const groups = m.length - 1;
  const hasGroups = groups > 0 && Boolean(m[groups]);
  const national = main.transformRule && hasGroups ? rest.replace(main.prefixForParsing, main.transformRule) : rest.slice(m[0].length);
  if (national === rest) return rest;
  if (main.nationalNumber.test(rest) && !main.nationalNumber.test(national)) return rest;
  if (main.possibleLengths) {
    const country = countryOf(countries, national);
    const lengths = country ? planOf(country).possibleLengths : main.possibleLengths;
    if (!possibleLength(national, lengths)) return rest;
  }
  return national;
}

/** Only "+", ASCII digits and the separators people type: the shape this module handles itself. */
const PLAIN = /^\(?\+[\d .()-]*$/;
/**
 * The same followed by an extension as phone.ts finds them ("x769", " ext. 12", " extension 4"):
 * the library cuts it off (extractExtension) and validates the number before it.
 */
const PLAIN_EXTENSION = /^\(?\+[\d .()-]*(?:x|ext\.?|extension) *\d{1,9}$/;
const EXTENSION_LABEL = /[a-z]/;

function libraryValid(value: string): boolean {
  return parsePhoneNumberFromString(value)?.isValid() ?? false;
}

/** Whether libphonenumber-js (full metadata) calls the international number `value` valid. */
export function internationalNumberValid(value: string): boolean {
  if (value.length > 250) return libraryValid(value);
  let end = value.length;
  if (!PLAIN.test(value)) {
    if (!PLAIN_EXTENSION.test(value)) return libraryValid(value);
    end = value.search(EXTENSION_LABEL);
  }
  let digits = '';
  for (let i = value.indexOf('+') + 1; i < end; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += value[i];
  }
  // Fewer than three digits is not a viable number to the library: leave such input to it.
  if (digits.length < 3) return libraryValid(value);
  if (digits[0] === '0') return false;
  let callingCode = '';
  let countries: readonly string[] | undefined;
  for (let k = 1; k <= 3 && k <= digits.length; k++) {
    const code = digits.slice(0, k);
    if (json.country_calling_codes[code]) {
      callingCode = code;
      countries = json.country_calling_codes[code];
      break;
    }
    if ((metadata as unknown as { nonGeographic?: Record<string, unknown> }).nonGeographic?.[code]) return libraryValid(value);
  }
  if (!countries) return false;
  // Non-geographic entries ("001") and empty national numbers are left to the library.
  if ((countries.length === 1 && countries[0]!.length === 3) || digits.length === callingCode.length) return libraryValid(value);
  const main = planOf(countries[0]!);
  const national = nationalNumberOf(digits.slice(callingCode.length), countries, main);
  const country = countryOf(countries, national);
  if (national.length < 2 || national.length > 17) return false;
  const plan = country ? planOf(country) : main;
  return plan.types ? hasNumberType(national, plan) : plan.nationalNumber.test(national);
}
