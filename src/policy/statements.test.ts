import { describe, expect, it } from 'vitest';
import { loadPolicy } from './policy.loader.js';
import { policyStatements } from './statements.js';

const policy = loadPolicy();

describe('policyStatements, the published policy in plain words', () => {
  it('states every promise of the product, P01 to P32, once and in order', () => {
    expect(policyStatements(policy).map((s) => s.id)).toEqual(Array.from({ length: 32 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`));
  });

  it('takes its numbers from the policy file: change a window and the text follows', () => {
    const text = (p: typeof policy, id: string) => policyStatements(p).find((s) => s.id === id)!.text;
    const edited = {
      ...policy,
      retention: { ...policy.retention, incognitoDays: 12, conversations: { ...policy.retention.conversations, consumer: { optedOutDays: 45, optedInDays: 730 } } },
      analytics: { minGroupSize: 25 },
    };
    expect(text(policy, 'P03')).toContain(`${policy.retention.incognitoDays} days`);
    expect(text(edited, 'P03')).toContain('kept for 12 days');
    expect(text(edited, 'P06')).toContain('45 days');
    expect(text(edited, 'P10')).toContain('up to 2 years with it on');
    expect(text(edited, 'P16')).toContain('smaller than 25 accounts');
    expect(text({ ...policy, retention: { ...policy.retention, incognitoDays: 0 } }, 'P03')).toContain('not stored at all');
  });

  it('names the subprocessors, regions and transfer rules of the file', () => {
    const withRule = { ...policy, regions: { ...policy.regions, transfers: [{ from: 'eu', to: 'us', basis: 'SCC' }] } };
    const p26 = policyStatements(policy).find((s) => s.id === 'P26')!.text;
    for (const r of policy.recipients.filter((x) => x.kind === 'subprocessor')) expect(p26).toContain(r.name);
    expect(policyStatements(policy).find((s) => s.id === 'P32')!.text).toContain('none is in force');
    expect(policyStatements(withRule).find((s) => s.id === 'P32')!.text).toContain('eu to us (SCC)');
  });

  it('states staff access limits in the units they were written in', () => {
    const p17 = policyStatements(policy).find((s) => s.id === 'P17')!.text;
    const longest = Math.max(...Object.values(policy.staffAccess.purposes).map((p) => p.maxTtlMinutes));
    expect(p17).toMatch(longest % 1440 === 0 ? /at most \d+ days?\)/ : /at most \d+ (hours|minutes)\)/);
    for (const purpose of Object.values(policy.staffAccess.purposes)) expect(p17).toContain(purpose.description);
  });
});
