import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { auditTimestamp, canonicalJson, encodedEntryText, encodeEntry, entryLeafHash, InvalidAuditEntryError, type AuditEntry, type EncodedAuditEntry, type JsonValue } from './entry.js';

const entry: AuditEntry = {
  seq: 42,
  at: '2025-03-01T12:00:00.000Z',
  action: 'staff.read',
  actor: { kind: 'staff', id: '0190f5a0-1c2d-7000-8000-00000000a001' },
  subject: { conversationId: '0190f5a0-1c2d-7000-8000-00000000c001', accountPseudonym: 'USER123456789012' },
  details: { purpose: 'support', case: 'CASE-7', messages: 3 },
};

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '\u{1F600}': 4, '\uFFFF': 5 })).toBe('{"Z":3,"z":2,"é":1,"\u{1F600}":4,"\uFFFF":5}');
  });

  it('leaves out undefined members and refuses what JSON cannot carry', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(InvalidAuditEntryError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(InvalidAuditEntryError);
    expect(() => canonicalJson({ a: new Date(0) as unknown as JsonValue })).toThrow(InvalidAuditEntryError);
    expect(() => canonicalJson([undefined as unknown as JsonValue])).toThrow(InvalidAuditEntryError);
    expect(() => canonicalJson({ a: 1n as unknown as JsonValue })).toThrow(InvalidAuditEntryError);
  });

  it('parses back to the same value and does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value as JsonValue);
        const parsed = JSON.parse(text) as JsonValue;
        // -0 is written as 0, as JSON.stringify does.
        expect(parsed).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(parsed))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });
});

function reverseKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return (value as JsonValue[]).map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  // A null prototype keeps a generated "__proto__" key an ordinary member.
  const out = Object.create(null) as Record<string, JsonValue>;
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, JsonValue>)[key]!);
  return out;
}

describe('audit entry encoding', () => {
  it('writes the fixed canonical form', () => {
    expect(encodeEntry(entry).toString('utf8')).toBe(
      '{"action":"staff.read","actor":{"id":"0190f5a0-1c2d-7000-8000-00000000a001","kind":"staff"},"at":"2025-03-01T12:00:00.000Z",' +
        '"details":{"case":"CASE-7","messages":3,"purpose":"support"},"seq":42,' +
        '"subject":{"accountPseudonym":"USER123456789012","conversationId":"0190f5a0-1c2d-7000-8000-00000000c001"}}',
    );
  });

  it('agrees with the general canonical JSON of the same six fields', () => {
    const { seq, at, action, actor, subject, details } = entry;
    expect(encodeEntry(entry).toString('utf8')).toBe(canonicalJson({ seq, at, action, actor, subject, details }));
  });

  it('hashes as an RFC 6962 leaf of its canonical bytes', () => {
    expect(entryLeafHash(entry)).toEqual(createHash('sha256').update(Buffer.from([0])).update(encodeEntry(entry)).digest());
  });

  it('ignores columns that are not part of the entry and key order', () => {
    const row = { leafHash: Buffer.alloc(32), id: 'x', details: entry.details, subject: entry.subject, actor: entry.actor, action: entry.action, at: entry.at, seq: entry.seq };
    expect(encodeEntry(row)).toEqual(encodeEntry(entry));
  });

  it('changes its hash when any field changes', () => {
    const base = entryLeafHash(entry);
    const variants: AuditEntry[] = [
      { ...entry, seq: 43 },
      { ...entry, at: '2025-03-01T12:00:00.001Z' },
      { ...entry, action: 'staff.reads' },
      { ...entry, actor: { kind: 'system', id: entry.actor.id } },
      { ...entry, actor: { kind: 'staff', id: 'someone-else' } },
      { ...entry, subject: { ...entry.subject, conversationId: 'other' } },
      { ...entry, details: { ...entry.details, messages: 4 } },
    ];
    for (const variant of variants) expect(entryLeafHash(variant)).not.toEqual(base);
  });

  it('keeps non-ASCII text as UTF-8', () => {
    const bytes = encodeEntry({ ...entry, details: { note: 'Zoë ✓' } });
    expect(bytes.includes(Buffer.from('Zoë ✓', 'utf8'))).toBe(true);
  });

  it('accepts only the toISOString() form of an instant', () => {
    expect(auditTimestamp(new Date(Date.UTC(2025, 2, 1, 12)))).toBe('2025-03-01T12:00:00.000Z');
    for (const at of ['2025-03-01T12:00:00Z', '2025-03-01T12:00:00.000+00:00', '2025-02-30T12:00:00.000Z', '2025-03-01 12:00:00.000Z', '']) {
      expect(() => encodeEntry({ ...entry, at })).toThrow(InvalidAuditEntryError);
    }
  });

  it('accepts a timestamp-shaped string exactly when it is the toISOString() of a real instant', () => {
    const digits = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));
    const shaped = fc
      .tuple(digits(4, 9999), digits(2, 13), digits(2, 32), digits(2, 25), digits(2, 61), digits(2, 61), digits(3, 999))
      .map(([y, mo, d, h, mi, s, ms]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
    fc.assert(
      fc.property(shaped, (at) => {
        const real = !Number.isNaN(Date.parse(at)) && new Date(at).toISOString() === at;
        if (real) expect(() => encodeEntry({ ...entry, at })).not.toThrow();
        else expect(() => encodeEntry({ ...entry, at })).toThrow(InvalidAuditEntryError);
      }),
      { numRuns: 2000 },
    );
    for (const at of ['2024-02-29T00:00:00.000Z', '2000-02-29T23:59:59.999Z']) expect(() => encodeEntry({ ...entry, at })).not.toThrow();
    for (const at of ['2023-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z', '2025-04-31T00:00:00.000Z']) expect(() => encodeEntry({ ...entry, at })).toThrow(InvalidAuditEntryError);
  });

  it('refuses malformed fields', () => {
    const bad: unknown[] = [
      { ...entry, seq: -1 },
      { ...entry, seq: 1.5 },
      { ...entry, seq: '1' },
      { ...entry, action: '' },
      { ...entry, actor: { kind: 'robot', id: 'x' } },
      { ...entry, actor: { kind: 'user', id: '' } },
      { ...entry, subject: { conversationId: 7 } },
      { ...entry, subject: null },
      { ...entry, details: [] },
      { ...entry, details: { when: new Date(0) } },
    ];
    for (const value of bad) expect(() => encodeEntry(value as AuditEntry)).toThrow(InvalidAuditEntryError);
  });
});

describe('the stored form of an entry', () => {
  const encoded = (e: AuditEntry): EncodedAuditEntry => ({
    seq: e.seq,
    at: e.at,
    action: e.action,
    actorKind: e.actor.kind,
    actorId: e.actor.id,
    subjectJson: canonicalJson(e.subject as JsonValue),
    detailsJson: canonicalJson(e.details as JsonValue),
  });

  it('hashes to the same text as the entry, for any entry the append can write', () => {
    const anEntry = fc.record({
      seq: fc.nat(),
      at: fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map(auditTimestamp),
      action: fc.string({ minLength: 1 }),
      actor: fc.record({ kind: fc.constantFrom('user' as const, 'staff' as const, 'system' as const), id: fc.string({ minLength: 1 }) }),
      subject: fc.dictionary(fc.string(), fc.string()),
      details: fc.dictionary(fc.string(), fc.jsonValue() as fc.Arbitrary<JsonValue>),
    });
    fc.assert(
      fc.property(anEntry, (e) => {
        expect(encodedEntryText(encoded(e))).toBe(encodeEntry(e).toString('utf8'));
      }),
      { numRuns: 300 },
    );
    expect(encodedEntryText(encoded(entry))).toBe(encodeEntry(entry).toString('utf8'));
  });

  it('refuses the same malformed fields as the entry form', () => {
    const good = encoded(entry);
    for (const bad of [
      { ...good, seq: -1 },
      { ...good, at: '2025-03-01 12:00:00' },
      { ...good, action: '' },
      { ...good, actorKind: 'robot' },
      { ...good, actorId: '' },
      { ...good, subjectJson: 'null' },
      { ...good, detailsJson: '[1]' },
      { ...good, detailsJson: '' },
    ]) {
      expect(() => encodedEntryText(bad)).toThrow(InvalidAuditEntryError);
    }
  });

  it('hashes stored text that is not canonical differently: an edited row, not the entry the append wrote', () => {
    const spaced = { ...encoded(entry), detailsJson: canonicalJson(entry.details as JsonValue).replace(/,/g, ', ') };
    expect(encodedEntryText(spaced)).not.toBe(encodeEntry(entry).toString('utf8'));
  });
});
