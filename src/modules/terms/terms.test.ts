import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadPolicy, type Policy } from '../../policy/index.js';
import { decideTermsGate, findTermsVersion, termsInForce, termsStatus } from './terms.js';

const base = loadPolicy();
const policy: Policy = {
  ...base,
  terms: [
    { version: 'v1', effectiveAt: '2026-01-01T00:00:00Z', acceptBy: '2026-02-01T00:00:00Z', url: '/terms/v1' },
    { version: 'v2', effectiveAt: '2026-07-01T00:00:00Z', acceptBy: '2026-08-01T00:00:00Z', url: '/terms/v2' },
  ],
};

describe('terms decisions', () => {
  it('the version in force is the latest one whose effective date has come', () => {
    expect(termsInForce(policy, new Date('2025-12-31T23:59:59Z'))).toBeNull();
    expect(termsInForce(policy, new Date('2026-06-30T00:00:00Z'))?.version).toBe('v1');
    expect(termsInForce(policy, new Date('2026-07-01T00:00:00Z'))?.version).toBe('v2');
    expect(termsStatus(policy, policy.terms[0]!, new Date('2026-07-02T00:00:00Z'))).toBe('superseded');
    expect(termsStatus(policy, policy.terms[1]!, new Date('2026-06-02T00:00:00Z'))).toBe('upcoming');
    expect(findTermsVersion(policy, 'v3')).toBeNull();
  });

  it('blocks exactly from the deadline on, and only an account that has not accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2026-06-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }), fc.boolean(), (t, accepted) => {
        const now = new Date(t);
        const decision = decideTermsGate(policy, now, accepted);
        const current = termsInForce(policy, now)!;
        const pastDeadline = Date.parse(current.acceptBy) <= t;
        expect(decision.allow).toBe(accepted || !pastDeadline);
        if (decision.allow && !accepted) expect(decision.mustAcceptBy?.toISOString()).toBe(new Date(current.acceptBy).toISOString());
      }),
    );
  });
});
