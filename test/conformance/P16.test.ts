import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { aggregateUsage } from '../../src/policy/index.js';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { conversationWith, newStaff, type TestStaff } from '../support/staff.js';

/**
 * P16 Analytics on usage are aggregated so that no individual can be identified: a group is shown
 * only when it holds at least the policy file's `analytics.minGroupSize` distinct accounts.
 */
let h: Harness;
let admin: TestStaff;
const consumers: TestUser[] = [];
const members: TestUser[] = [];
const CANARY = 'P16-canary-usage';

beforeAll(async () => {
  h = await createHarness();
  const k = h.policy.analytics.minGroupSize;
  for (let i = 0; i < k; i++) consumers.push(await h.newUser());
  const org = await h.container.organisations.create({ name: 'Small Team', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
  for (let i = 0; i < Math.min(3, k - 1); i++) members.push(await h.newUser({ inviteToken: org.inviteToken }));
  for (const u of [...consumers, ...members]) await conversationWith(h, u, CANARY);
  admin = await newStaff(h, 'admin');
});
afterAll(async () => h.close());

const usage = (from: string, to: string) => h.app.inject({ method: 'GET', url: `/v1/staff/analytics/usage?from=${from}&to=${to}`, headers: admin.auth });

describe('P16 aggregated usage', () => {
  it('P16 a group as large as the policy asks is shown with its counts; a smaller one is left out, with no total to subtract from', async () => {
    const day = h.clock.now().toISOString().slice(0, 10);
    const res = await usage(`${day}T00:00:00Z`, new Date(h.clock.now().getTime() + 86_400_000).toISOString());
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.minGroupSize).toBe(h.policy.analytics.minGroupSize);
    expect(report.cells).toEqual([{ day, accountKind: 'consumer', accounts: consumers.length, conversations: consumers.length, messages: 2 * consumers.length }]);
    expect(report.suppressedGroups).toBe(1);
    expect(Object.keys(report).sort()).toEqual(['cells', 'from', 'minGroupSize', 'suppressedGroups', 'to']);
    for (const u of [...consumers, ...members]) {
      expect(res.body).not.toContain(u.id);
      expect(res.body).not.toContain(u.email);
    }
    expect(res.body).not.toContain(CANARY);
  });

  it('P16 a bad range is refused with a problem', async () => {
    const res = await usage('2026-06-02T00:00:00Z', '2026-06-01T00:00:00Z');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('invalid_range');
  });

  it('P16 whatever the data, no shown group has fewer accounts than the threshold', () => {
    const cell = fc.record({ day: fc.constantFrom('2026-06-01', '2026-06-02'), accountKind: fc.constantFrom('consumer', 'team'), accounts: fc.nat(40), conversations: fc.nat(100), messages: fc.nat(1000) });
    fc.assert(
      fc.property(fc.array(cell), fc.integer({ min: 2, max: 30 }), (cells, k) => {
        const report = aggregateUsage(cells, k);
        expect(report.cells.every((c) => c.accounts >= k)).toBe(true);
        expect(report.cells.length + report.suppressedGroups).toBe(cells.length);
      }),
    );
  });
});
