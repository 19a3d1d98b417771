import { describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/harness.js';
import type { AuthContext } from './accounts.service.js';
import { createRecentSessions } from './recent-sessions.js';

const context = (overrides: Partial<AuthContext> = {}): AuthContext => ({
  accountId: 'a',
  sessionId: 's',
  kind: 'consumer',
  orgId: null,
  pseudonym: 'USER000000000000',
  via: 'bearer',
  mfaEnabled: false,
  orgRequiresMfa: false,
  acceptedCurrentTerms: true,
  ...overrides,
});

function counting(result: AuthContext | null) {
  const calls = { n: 0 };
  return { calls, accounts: { authenticate: async () => (calls.n++, result) } };
}

describe('recent sessions (the message write path)', () => {
  it('reuses a look-up for a few seconds, then looks again', async () => {
    const clock = new TestClock();
    const { calls, accounts } = counting(context());
    const recent = createRecentSessions(accounts, clock, 5_000);
    await recent.authenticate('token');
    await recent.authenticate('token');
    expect(calls.n).toBe(1);
    clock.set(new Date(clock.now().getTime() + 5_000));
    await recent.authenticate('token');
    expect(calls.n).toBe(2);
  });

  it('never remembers a refusal or a caller held back by a gate', async () => {
    const clock = new TestClock();
    for (const result of [null, context({ acceptedCurrentTerms: false }), context({ orgRequiresMfa: true, mfaEnabled: false })]) {
      const { calls, accounts } = counting(result);
      const recent = createRecentSessions(accounts, clock, 5_000);
      await recent.authenticate('token');
      await recent.authenticate('token');
      expect(calls.n).toBe(2);
    }
  });

  it('keeps tokens apart, and a zero window turns reuse off', async () => {
    const clock = new TestClock();
    const { calls, accounts } = counting(context());
    const recent = createRecentSessions(accounts, clock, 5_000);
    await recent.authenticate('one');
    await recent.authenticate('two');
    expect(calls.n).toBe(2);
    const off = counting(context());
    const none = createRecentSessions(off.accounts, clock, 0);
    await none.authenticate('one');
    await none.authenticate('one');
    expect(off.calls.n).toBe(2);
  });
});
