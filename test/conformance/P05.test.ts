import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { DAY, conversationWith, exportTraining, holds, plus, fileHarness, setTraining } from './lifecycle-support.js';

/**
 * P05: inputs and outputs are used for training only while the user has opted in; every change
 * of the setting is recorded (when, which policy version, from where) in an append-only ledger.
 */
const h = fileHarness();

describe('P05 training only with the user\'s consent', () => {
  it('P05 only conversations of users opted in at the export instant are exported, each once, naming the basis and policy version', async () => {
    const t0 = h.clock.now();
    const never = await h.newUser();
    const consenting = await h.newUser();
    expect(h.policy.training.consentDefault).toBe(false);
    await conversationWith(h, never, 'P05-NEVER-OPTED-IN-3f2a');
    await setTraining(h, consenting, true);
    await conversationWith(h, consenting, 'P05-WHILE-OPTED-IN-8b1d');

    const first = await exportTraining(h, t0);
    expect(holds(first, 'P05-NEVER-OPTED-IN-3f2a')).toBe(false);
    expect(holds(first, 'P05-WHILE-OPTED-IN-8b1d')).toBe(true);
    const line = first.lines.find((l) => l.messages.some((m) => m.content.includes('P05-WHILE-OPTED-IN-8b1d')))!;
    expect(line).toMatchObject({ basis: 'opt_in', accountKind: 'consumer', policyVersion: h.policy.version, batchId: first.batch.id });
    expect(first.batch.counts.refused.opted_out).toBeGreaterThanOrEqual(1);

    // the setting is withdrawn: nothing new of this user goes to training
    await setTraining(h, consenting, false);
    await conversationWith(h, consenting, 'P05-AFTER-OPT-OUT-c470');
    const second = await exportTraining(h, plus(t0, DAY));
    expect(holds(second, 'P05-AFTER-OPT-OUT-c470')).toBe(false);
    expect(holds(second, 'P05-NEVER-OPTED-IN-3f2a')).toBe(false);
    // and what was exported once is not exported again
    expect(holds(second, 'P05-WHILE-OPTED-IN-8b1d')).toBe(false);
  });

  it('P05 every change of the setting is appended to the ledger with time, policy version and origin, and the ledger cannot be edited', async () => {
    const user = await h.newUser();
    await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: { ...user.auth, 'user-agent': 'P05-Agent/1.0' }, payload: { trainingOptIn: true } });
    await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: { ...user.auth, 'user-agent': 'P05-Agent/2.0' }, payload: { trainingOptIn: false } });
    const history = await h.app.inject({ method: 'GET', url: '/v1/me/privacy/consent-history', headers: user.auth });
    expect(history.statusCode).toBe(200);
    const changes = history.json().changes as { trainingOptIn: boolean; policyVersion: string; changedAt: string; source: string }[];
    expect(changes.map((c) => [c.source, c.trainingOptIn])).toEqual([
      ['signup', h.policy.training.consentDefault],
      ['settings', true],
      ['settings', false],
    ]);
    for (const c of changes) {
      expect(c.policyVersion).toBe(h.policy.version);
      expect(c.changedAt).toBe(h.clock.now().toISOString());
    }
    const rows = await h.database.db.selectFrom('consent_ledger').select(['ip', 'user_agent']).where('account_id', '=', user.id).orderBy('id').execute();
    expect(rows.map((r) => r.user_agent)).toContain('P05-Agent/2.0');
    expect(rows.every((r) => r.ip)).toBe(true);
    await expect(sql`update consent_ledger set training_opt_in = true where account_id = ${user.id}`.execute(h.database.db)).rejects.toThrow();
  });
});
