import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness } from '../../../test/support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

describe('training consent', () => {
  it('shows the setting, the policy version and the windows that apply to the account', async () => {
    const user = await h.newUser();
    const res = await h.app.inject({ method: 'GET', url: '/v1/me/privacy', headers: user.auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      trainingOptIn: h.policy.training.consentDefault,
      policyVersion: h.policy.version,
      windows: {
        conversationDays: {
          optedIn: h.policy.retention.conversations.consumer.optedInDays,
          optedOut: h.policy.retention.conversations.consumer.optedOutDays,
        },
        incognitoDays: h.policy.retention.incognitoDays,
      },
    });
  });

  it('P05/P06: every change is appended to the ledger and moves the deadlines in the same transaction', async () => {
    const user = await h.newUser();
    const created = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} });
    const conversationId = created.json().id as string;
    const start = h.clock.now().getTime();

    const optIn = await h.app.inject({
      method: 'PUT',
      url: '/v1/me/privacy',
      headers: { ...user.auth, 'user-agent': 'ConsentTest/1.0' },
      payload: { trainingOptIn: true },
    });
    expect(optIn.statusCode).toBe(200);
    expect(optIn.json().trainingOptIn).toBe(true);
    let row = await h.database.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(row.retention_rule).toBe('retention.conversations.consumer.optedInDays');
    expect(new Date(row.delete_after!).getTime()).toBe(start + h.policy.retention.conversations.consumer.optedInDays * DAY);

    h.clock.advanceDays(2);
    await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: false } });
    row = await h.database.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(row.retention_rule).toBe('retention.conversations.consumer.optedOutDays');
    // counted from the last activity, not from the change
    expect(new Date(row.delete_after!).getTime()).toBe(start + h.policy.retention.conversations.consumer.optedOutDays * DAY);

    // an unchanged setting appends nothing
    await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: false } });

    const ledger = await h.database.db.selectFrom('consent_ledger').selectAll().where('account_id', '=', user.id).orderBy('id').execute();
    expect(ledger.map((l) => [l.source, l.training_opt_in])).toEqual([
      ['signup', false],
      ['settings', true],
      ['settings', false],
    ]);
    expect(ledger[1]!.policy_version).toBe(h.policy.version);
    expect(ledger[1]!.user_agent).toBe('ConsentTest/1.0');
    expect(ledger[1]!.ip).toBeTruthy();
    const history = await h.app.inject({ method: 'GET', url: '/v1/me/privacy/consent-history', headers: user.auth });
    expect(history.json().changes).toHaveLength(3);
  });

  it('the ledger refuses to be edited', async () => {
    const user = await h.newUser();
    await expect(
      sql`update consent_ledger set training_opt_in = true where account_id = ${user.id}`.execute(h.database.db),
    ).rejects.toThrow(/append-only/);
  });

  it('bad bodies are refused with problem+json and change nothing', async () => {
    const user = await h.newUser();
    for (const payload of [{ trainingOptIn: 'yes' }, { trainingOptIn: true, extra: 1 }, {}]) {
      const res = await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('validation_failed');
    }
    const ledger = await h.database.db.selectFrom('consent_ledger').selectAll().where('account_id', '=', user.id).execute();
    expect(ledger).toHaveLength(1);
  });
});
