import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { luhnValid, maskText } from './masker.js';
import { pickSample, sampleSize, seededRandom, type SampleCandidate } from './sampling.js';

describe('the review mask (P18)', () => {
  it('hides emails, phone numbers, card numbers and long digit runs, and keeps the rest', () => {
    const text = 'Mail jane.doe+x@example.co.uk or call +44 20 7946 0958; card 4111 1111 1111 1111, order 12345678, see you at 10:30 on day 12.';
    const masked = maskText(text, '3');
    expect(masked.text).toBe('Mail [email 3.1] or call [phone 3.2]; card [card 3.3], order [number 3.4], see you at 10:30 on day 12.');
    expect(masked.fields.map((f) => [f.id, f.kind, f.value])).toEqual([
      ['3.1', 'email', 'jane.doe+x@example.co.uk'],
      ['3.2', 'phone', '+44 20 7946 0958'],
      ['3.3', 'card', '4111 1111 1111 1111'],
      ['3.4', 'number', '12345678'],
    ]);
  });

  it('a US phone number in the usual forms is masked', () => {
    for (const phone of ['(202) 555-0143', '202-555-0143', '202.555.0143', '+1 202 555 0143']) {
      expect(maskText(`ring ${phone} now`, '1').text).toBe('ring [phone 1.1] now');
    }
  });

  it('a 16-digit number that fails the Luhn check is still hidden, as a number', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(maskText('ref 4111111111111112', '2').fields[0]?.kind).not.toBe('card');
    expect(maskText('ref 4111111111111112', '2').text).not.toContain('4111');
  });

  it('no value it found survives in the masked text, whatever the text', () => {
    const piece = fc.oneof(
      fc.constantFrom('hello ', 'the ', '. ', ', '),
      fc.emailAddress().map((e) => ` ${e} `),
      fc.stringMatching(/^[0-9]{6,20}$/).map((d) => ` ${d} `),
      fc.constantFrom(' +1 (415) 555-2671 ', ' 5555 5555 5555 4444 '),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const text = parts.join('');
        const masked = maskText(text, '9');
        for (const f of masked.fields) expect(masked.text).not.toContain(f.value);
        expect(masked.text).not.toMatch(/[0-9]{6,}/);
        expect(masked.text).not.toMatch(/@[A-Za-z0-9-]+\./);
        // Field ids are unique and restore the text exactly.
        let restored = masked.text;
        for (const f of masked.fields) restored = restored.replace(`[${f.kind} ${f.id}]`, () => f.value);
        expect(restored).toBe(text);
      }),
    );
  });
});

describe('review sampling (P18)', () => {
  const pool = (n: number, flagged: number): SampleCandidate[] =>
    Array.from({ length: n }, (_, i) => ({ accountId: `a${i % 7}`, conversationId: `c${String(i).padStart(4, '0')}`, flagged: i < flagged }));

  it('takes ceil(rate × pool), flagged conversations first', () => {
    expect(sampleSize(1000, 0.01)).toBe(10);
    expect(sampleSize(50, 0.01)).toBe(1);
    expect(sampleSize(0, 0.5)).toBe(0);
    expect(sampleSize(10, 0)).toBe(0);
    const picked = pickSample(pool(1000, 4), 0.01, 'seed');
    expect(picked).toHaveLength(10);
    expect(picked.slice(0, 4).every((p) => p.flagged)).toBe(true);
    expect(picked.slice(4).every((p) => !p.flagged)).toBe(true);
  });

  it('is reproducible from its seed whatever the order of the pool, and different seeds choose differently', () => {
    const candidates = pool(500, 0);
    const a = pickSample(candidates, 0.05, 'abc');
    const b = pickSample([...candidates].reverse(), 0.05, 'abc');
    expect(b).toEqual(a);
    expect(pickSample(candidates, 0.05, 'abd')).not.toEqual(a);
  });

  it('is spread over the pool: every candidate gets picked at about the rate', () => {
    const candidates = pool(200, 0);
    const counts = new Map<string, number>();
    for (let s = 0; s < 400; s++) for (const p of pickSample(candidates, 0.1, `s${s}`)) counts.set(p.conversationId, (counts.get(p.conversationId) ?? 0) + 1);
    // 400 runs × 10% = 40 expected per candidate; a fair shuffle stays well within 15..70.
    expect(counts.size).toBe(200);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(15);
      expect(n).toBeLessThan(70);
    }
  });

  it('the generator is deterministic and in [0, 1)', () => {
    const r1 = seededRandom('x');
    const r2 = seededRandom('x');
    for (let i = 0; i < 1000; i++) {
      const v = r1();
      expect(v).toBe(r2());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
