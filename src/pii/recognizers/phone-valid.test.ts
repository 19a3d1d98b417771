import { describe, expect, it } from 'vitest';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/examples.mobile.json';
import metadata from 'libphonenumber-js/metadata.max.json';
import { internationalNumberValid } from './phone-valid.js';

/**
 * internationalNumberValid must give libphonenumber's answer on every input, valid or not:
 * checked on every country's example number, on variations of them (a digit changed, added or
 * removed, a trunk "0", separators) and on random numbers after every calling code.
 */
const library = (value: string) => parsePhoneNumberFromString(value)?.isValid() ?? false;

function inputs(): string[] {
  let state = 2024;
  const next = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state % n;
  };
  const digits = (n: number) => Array.from({ length: n }, () => String(next(10))).join('');
  const spaced = (s: string) => {
    const seps = [' ', '-', '.', ''];
    const sep = seps[next(seps.length)]!;
    let out = '';
    for (let i = 0; i < s.length; i++) out += (i > 0 && next(3) === 0 ? sep : '') + s[i];
    return out;
  };
  const out: string[] = [];
  for (const country of getCountries()) {
    const example = getExampleNumber(country, examples);
    if (!example) continue;
    const cc = example.countryCallingCode;
    const nn = example.nationalNumber as string;
    out.push(`+${cc}${nn}`, `+${cc} ${spaced(nn)}`, `+${cc} (0)${spaced(nn)}`, `+${cc} 0${nn}`, `(+${cc}) ${nn}`);
    out.push(`+${cc}${nn.slice(0, -1)}`, `+${cc}${nn}${next(10)}`, `+${cc}${nn.slice(0, -1)}${(Number(nn.slice(-1)) + 1) % 10}`);
    out.push(`+${cc}${String((Number(nn[0]) + 1) % 10)}${nn.slice(1)}`, `+${cc}-${spaced(nn)}x12`, `+${cc}\t${nn}`);
    out.push(`+${cc} ${nn} ext. 123`, `+${cc}${nn} extension 4`, `+${cc}.${spaced(nn)} x 7`, `+${cc}${nn.slice(0, 2)}x1`, `+${cc}${nn}x1234567890`);
  }
  const codes = Object.keys((metadata as unknown as { country_calling_codes: Record<string, unknown> }).country_calling_codes);
  for (let k = 0; k < 6000; k++) {
    const cc = k % 5 === 0 ? digits(1 + next(3)) : codes[next(codes.length)]!;
    const body = (next(4) === 0 ? '0' : '') + digits(4 + next(11));
    const shape = next(5);
    out.push(shape === 0 ? `+${cc}${body}` : shape === 1 ? `+${cc} ${spaced(body)}` : shape === 2 ? `+${cc} (0)${spaced(body)}` : shape === 3 ? `+${cc} (${body.slice(0, 3)}) ${spaced(body.slice(3))}` : `+${cc}-${spaced(body)}`);
  }
  out.push('+', '+1', '+12', '+0123456789', '+1 (0)', '+800 1234 5678', '+882 1234567', '+44 20 7946 0958', '+1-984-182-0190', '+46 (0)8 928 571 38');
  return out;
}

describe('internationalNumberValid', () => {
  it("agrees with libphonenumber-js on example, varied and random numbers", () => {
    const all = inputs();
    const disagreements = all.filter((v) => internationalNumberValid(v) !== library(v)).map((v) => `${v}: library ${library(v)}`);
    expect(disagreements).toEqual([]);
    // The generated set must exercise both answers.
    expect(all.filter(library).length).toBeGreaterThan(500);
  });
});
