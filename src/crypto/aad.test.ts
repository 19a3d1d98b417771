import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeAadParts, encodeAccountKeyAad, encodeDataKeyAad, encodeFieldAad, type FieldAad } from './aad.js';

const base: FieldAad = {
  accountId: '0190f5a0-0000-7000-8000-000000000001',
  conversationId: '0190f5a0-0000-7000-8000-000000000002',
  table: 'messages',
  rowId: '0190f5a0-0000-7000-8000-000000000003',
  column: 'content',
  keyVersion: 1,
};

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const optionalText = fc.option(text, { nil: null });
const fieldAad: fc.Arbitrary<FieldAad> = fc.record({
  accountId: optionalText,
  conversationId: optionalText,
  copyId: optionalText,
  table: text,
  rowId: text,
  column: optionalText,
  keyVersion: fc.integer({ min: 0, max: 0xffff_ffff }),
});

describe('canonical associated data', () => {
  it('length-prefixes every part: ("ab","c") and ("a","bc") differ', () => {
    expect(encodeAadParts('d', ['ab', 'c']).equals(encodeAadParts('d', ['a', 'bc']))).toBe(false);
    expect(encodeFieldAad({ ...base, table: 'ab', rowId: 'c' }).equals(encodeFieldAad({ ...base, table: 'a', rowId: 'bc' }))).toBe(false);
  });

  it('tells absent from empty, and numbers from strings', () => {
    expect(encodeAadParts('d', [null]).equals(encodeAadParts('d', ['']))).toBe(false);
    expect(encodeAadParts('d', [1]).equals(encodeAadParts('d', ['1']))).toBe(false);
    expect(encodeFieldAad({ ...base, column: null }).equals(encodeFieldAad({ ...base, column: '' }))).toBe(false);
    // undefined and null both mean "absent": an optional field left out is the same place.
    expect(encodeFieldAad({ ...base, column: undefined }).equals(encodeFieldAad({ ...base, column: null }))).toBe(true);
  });

  it('separates domains: a field, an account key and a data key never share associated data', () => {
    const a = encodeFieldAad({ accountId: 'x', table: 't', rowId: 'r', keyVersion: 1 });
    const b = encodeAccountKeyAad({ accountId: 'x', keyVersion: 1 });
    const c = encodeDataKeyAad({ accountId: 'x', scope: { kind: 'conversation', id: 'r' }, keyVersion: 1, accountKeyVersion: 1 });
    expect(new Set([a, b, c].map((x) => x.toString('hex'))).size).toBe(3);
  });

  it('decodes back to exactly its parts (so no two part lists share an encoding)', () => {
    // A reader of the format: if every encoding parses back to its input, the encoding is injective.
    const decode = (bytes: Buffer): unknown[] => {
      expect(bytes[0]).toBe(0x01);
      const parts: unknown[] = [];
      let at = 1;
      while (at < bytes.length) {
        const type = bytes[at++];
        if (type === 0x00) parts.push(null);
        else if (type === 0x02) {
          parts.push(bytes.readUInt32BE(at));
          at += 4;
        } else {
          expect(type).toBe(0x01);
          const length = bytes.readUInt32BE(at);
          parts.push(bytes.subarray(at + 4, at + 4 + length).toString('utf8'));
          at += 4 + length;
        }
      }
      expect(at).toBe(bytes.length);
      return parts;
    };
    const part = fc.oneof(fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 8 }), fc.integer({ min: 0, max: 0xffff_ffff }));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.array(part, { maxLength: 8 }), (domain, parts) => {
        expect(decode(encodeAadParts(domain, parts))).toEqual([domain, ...parts]);
      }),
      { numRuns: 1000 },
    );
  });

  it('is injective: two locations encode alike only when they are the same location', () => {
    const normal = (x: FieldAad) => JSON.stringify([x.accountId, x.conversationId ?? null, x.copyId ?? null, x.table, x.rowId, x.column ?? null, x.keyVersion]);
    fc.assert(
      fc.property(fieldAad, fieldAad, (a, b) => {
        expect(encodeFieldAad(a).equals(encodeFieldAad(b))).toBe(normal(a) === normal(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('changes when any single component changes', () => {
    fc.assert(
      fc.property(fieldAad, fc.constantFrom<keyof FieldAad>('accountId', 'conversationId', 'copyId', 'table', 'rowId', 'column', 'keyVersion'), (where, field) => {
        const moved: FieldAad = { ...where };
        if (field === 'keyVersion') moved.keyVersion = (where.keyVersion + 1) % 0x1_0000_0000;
        else moved[field] = `${where[field] ?? ''}x`;
        expect(encodeFieldAad(moved).equals(encodeFieldAad(where))).toBe(false);
      }),
    );
  });

  it('refuses parts that cannot be encoded unambiguously', () => {
    expect(() => encodeFieldAad({ ...base, rowId: 'a\uD800' })).toThrow(TypeError);
    expect(() => encodeFieldAad({ ...base, keyVersion: -1 })).toThrow(RangeError);
    expect(() => encodeFieldAad({ ...base, keyVersion: 1.5 })).toThrow(RangeError);
    expect(() => encodeFieldAad({ ...base, keyVersion: 2 ** 32 })).toThrow(RangeError);
    // A proper surrogate pair (an emoji) is fine.
    expect(() => encodeFieldAad({ ...base, rowId: 'a😀' })).not.toThrow();
  });

  it('keeps its wire format (stored ciphertexts depend on these exact bytes)', () => {
    expect(encodeAadParts('d', ['ab', null, 7]).toString('hex')).toBe('01' + '0100000001' + '64' + '0100000002' + '6162' + '00' + '0200000007');
    expect(encodeFieldAad({ accountId: 'a', table: 't', rowId: 'r', keyVersion: 1 }).toString('hex')).toBe(
      [
        '01', // encoding
        '010000000c' + Buffer.from('custos/field').toString('hex'),
        '0100000001' + '61', // account
        '00', // conversation
        '00', // copy
        '0100000001' + '74', // table
        '0100000001' + '72', // row
        '00', // column
        '0200000001', // key version
      ].join(''),
    );
  });
});
