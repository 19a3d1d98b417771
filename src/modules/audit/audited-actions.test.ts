import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { auditRows, conversationWith, pseudonymOf } from '../../../test/support/staff.js';
import { runLifecycleSweep } from '../../jobs/lifecycle-sweep.js';

/**
 * Each audited action writes its entry in its own transaction: the entry is there when the action
 * happened, and when the entry cannot be written the action does not happen either.
 */
let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h.close());

const last = async (action: string) => (await auditRows(h)).filter((r) => r.action === action).at(-1);

async function refusingAudit<T>(fn: () => Promise<T>) {
  await sql`create function audit_refuse() returns trigger language plpgsql as $$ begin raise exception 'audit store unavailable'; end $$`.execute(h.container.db);
  await sql`create trigger audit_refuse before insert on audit_entries for each row execute function audit_refuse()`.execute(h.container.db);
  try {
    return await fn();
  } finally {
    await sql`drop trigger audit_refuse on audit_entries`.execute(h.container.db);
    await sql`drop function audit_refuse`.execute(h.container.db);
  }
}

describe('audited actions', () => {
  it('a consent change, with the policy version; and none without its entry', async () => {
    const user = await h.newUser();
    expect((await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: true } })).statusCode).toBe(200);
    const entry = await last('consent.change');
    expect(entry).toMatchObject({ actor_kind: 'user', actor_id: await pseudonymOf(h, user.id), subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(entry!.details).toEqual({ trainingOptIn: true, policyVersion: h.policy.version, source: 'settings' });

    const failed = await refusingAudit(() => h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: false } }));
    expect(failed.statusCode).toBe(500);
    const account = await h.container.db.selectFrom('accounts').select('training_opt_in').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(account.training_opt_in).toBe(true);
  });

  it('a conversation deletion (with its key destruction) and an account deletion', async () => {
    const user = await h.newUser();
    const conv = await conversationWith(h, user, 'to be deleted');
    expect((await refusingAudit(() => h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conv}`, headers: user.auth }))).statusCode).toBe(500);
    expect((await h.app.inject({ method: 'GET', url: `/v1/conversations/${conv}`, headers: user.auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conv}`, headers: user.auth })).statusCode).toBe(204);
    const deleted = await last('conversation.delete');
    expect(deleted!.subject).toEqual({ accountPseudonym: await pseudonymOf(h, user.id), conversationId: conv });
    expect(deleted!.details).toEqual({ keyDestroyed: true, heldByLegalHold: false });

    expect((await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } })).statusCode).toBeLessThan(300);
    const gone = await last('account.delete');
    expect(gone).toMatchObject({ subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(gone!.details).toEqual({ accountKeyDestroyed: true, heldByLegalHold: false });
  });

  it('a key rotation', async () => {
    const user = await h.newUser();
    await conversationWith(h, user, 'keyed');
    await h.container.keys.rotateAccount(user.id);
    const entry = await last('key.rotate');
    expect(entry).toMatchObject({ subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(entry!.details).toMatchObject({ scope: 'account', version: 2, rewrapped: 1 });
  });

  it('a sweep receipt and a training-batch freeze', async () => {
    const receipt = await runLifecycleSweep(h.container, { now: h.clock.now(), batchSize: 100 });
    const swept = await last('sweep.receipt');
    expect(swept).toMatchObject({ actor_kind: 'system', actor_id: 'lifecycle-sweep' });
    expect(swept!.details).toMatchObject({ receipt: receipt.id, digest: receipt.digest, total: receipt.total, counts: receipt.counts });

    const batch = await h.container.training.freeze({});
    const frozen = await last('training.freeze');
    expect(frozen!.details).toMatchObject({ batch: batch.id, records: batch.records, policyVersion: h.policy.version });
  });

  it('an organisation\'s settings at creation', async () => {
    const org = await h.container.organisations.create({ name: 'Audited', kind: 'team', zeroDataRetention: false, retentionDays: 14, trainingConsent: false });
    const entry = await last('org.create');
    expect(entry!.details).toEqual({ org: org.id, kind: 'team', zeroDataRetention: false, retentionDays: 14, trainingConsent: false, requireMfa: false, accessApprovalRequired: false });
  });

  it('an organisation\'s settings change, with the deadlines of its members in the same transaction; none without its entry', async () => {
    const org = await h.container.organisations.create({ name: 'Changing', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    const conv = await conversationWith(h, member, 'kept by the organisation window');
    const deadline = async () => (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conv}`, headers: member.auth })).json().retention;
    const before = await deadline();

    const refused = await refusingAudit(() => h.container.organisations.updateSettings(org.id, { retentionDays: 14 })).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(await deadline()).toEqual(before);

    const result = await h.container.organisations.updateSettings(org.id, { retentionDays: 14 });
    expect(result).toMatchObject({ retentionDays: 14, changed: ['retentionDays'], recomputedConversations: 1 });
    const shortened = await deadline();
    expect(shortened.rule).toBe('retention.conversations.team.maxDays');
    expect(new Date(shortened.deleteAfter).getTime()).toBeLessThan(new Date(before.deleteAfter).getTime());
    const entry = await last('org.settings');
    expect(entry).toMatchObject({ actor_kind: 'system', actor_id: 'operator' });
    expect(entry!.details).toEqual({ org: org.id, changed: ['retentionDays'], retentionDays: 14, trainingConsent: false, requireMfa: false, accessApprovalRequired: false, previousRetentionDays: null });

    // Outside the policy's bounds: refused, nothing changes, nothing is recorded.
    const entries = (await auditRows(h)).length;
    await expect(h.container.organisations.updateSettings(org.id, { retentionDays: 100_000 })).rejects.toThrow(/between/);
    expect((await auditRows(h)).length).toBe(entries);
    // The same values again: nothing to record.
    expect(await h.container.organisations.updateSettings(org.id, { retentionDays: 14 })).toMatchObject({ changed: [] });
    expect((await auditRows(h)).length).toBe(entries);
  });

  it('everything above is in one log that verifies', async () => {
    await h.container.audit.sequence();
    expect(await h.container.audit.verify()).toMatchObject({ ok: true, pending: 0 });
  });
});
