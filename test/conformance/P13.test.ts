import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { auditRows, conversationWith, newStaff, pseudonymOf, type TestStaff } from '../support/staff.js';
import { runLifecycleSweep } from '../../src/jobs/lifecycle-sweep.js';

/**
 * P13: a legal hold suspends deletion of exactly the data it names, for as long as it is in
 * force, and is itself recorded and audited. Windows come from the policy file.
 */
let h: Harness;
let legal: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  legal = await newStaff(h, 'legal');
});
afterAll(async () => h.close());

const DAY = 86_400_000;
const sweep = (at: Date) => runLifecycleSweep(h.container, { now: at, batchSize: 50 });
const exists = async (id: string) => Boolean(await h.container.db.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst());
const placeHold = (payload: Record<string, unknown>, staff: TestStaff = legal) => h.app.inject({ method: 'POST', url: '/v1/staff/holds', headers: staff.auth, payload });
const release = (id: string, staff: TestStaff = legal) => h.app.inject({ method: 'POST', url: `/v1/staff/holds/${id}/release`, headers: staff.auth });

async function legalRead(conversationId: string, accountId: string) {
  const g = await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: legal.auth, payload: { subject: { accountId }, purpose: 'legal_obligation', caseRef: 'COURT-1', ttlMinutes: 60 } });
  expect(g.statusCode).toBe(201);
  return h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conversationId}`, headers: legal.auth });
}

describe('P13 legal holds', () => {
  it('P13 a hold on one conversation keeps exactly it past its deadline; the account\'s other conversations go', async () => {
    const user = await h.newUser();
    const held = await conversationWith(h, user, 'P13 held content');
    const free = await conversationWith(h, user, 'P13 free content');
    const hold = await placeHold({ accountId: user.id, conversationId: held, basis: 'Preservation order 2026-17, District Court' });
    expect(hold.statusCode).toBe(201);
    const window = h.policy.retention.conversations.consumer.optedOutDays;
    const receipt = await sweep(new Date(h.clock.now().getTime() + (window + 1) * DAY));
    expect(receipt.counts.conversations).toBeGreaterThanOrEqual(1);
    expect(await exists(held)).toBe(true);
    expect(await exists(free)).toBe(false);
    const deadline = await h.container.db.selectFrom('conversations').select(['delete_after', 'retention_rule']).where('id', '=', held).executeTakeFirstOrThrow();
    expect(deadline).toEqual({ delete_after: null, retention_rule: 'legal_hold' });
  });

  it('P13 a user\'s deletion still hides held data from the user, but it stays readable for the legal obligation until the hold is released', async () => {
    const user = await h.newUser();
    const conv = await conversationWith(h, user, 'P13 evidence');
    const hold = (await placeHold({ accountId: user.id, basis: 'Litigation hold, case 26-CV-100' })).json();
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conv}`, headers: user.auth })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: `/v1/conversations/${conv}`, headers: user.auth })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth })).json().conversations).toEqual([]);
    await sweep(new Date(h.clock.now().getTime() + 400 * DAY));
    const read = await legalRead(conv, user.id);
    expect(read.statusCode).toBe(200);
    expect(read.json().messages[0].content).toBe('P13 evidence');
    expect(read.json().deletedAt).not.toBeNull();
    const deletion = (await auditRows(h)).filter((r) => r.action === 'conversation.delete').at(-1)!;
    expect(deletion.details).toMatchObject({ keyDestroyed: false, heldByLegalHold: true });

    // Release: the normal deadline (deleted: grace days) applies at once, and the key goes now.
    const released = await release(hold.id);
    expect(released.statusCode).toBe(200);
    const row = await h.container.db.selectFrom('conversations').select(['delete_after', 'retention_rule']).where('id', '=', conv).executeTakeFirstOrThrow();
    expect(row.retention_rule).toBe('retention.deleted.graceDays');
    expect(new Date(row.delete_after!).getTime()).toBeLessThanOrEqual(h.clock.now().getTime() + h.policy.retention.deleted.graceDays * DAY);
    const after = await legalRead(conv, user.id);
    expect(after.json().messages[0].content).toBeNull(); // key destroyed at release
    await sweep(h.clock.now());
    expect(await exists(conv)).toBe(false);
    expect((await release(hold.id)).json().code).toBe('already_released');
  });

  it('P13 an account deleted under a hold keeps its held data readable; the hold\'s release destroys the account key', async () => {
    const user = await h.newUser();
    const conv = await conversationWith(h, user, 'P13 account evidence');
    const hold = (await placeHold({ accountId: user.id, basis: 'Regulator request 7' })).json();
    expect((await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } })).statusCode).toBeLessThan(300);
    expect((await legalRead(conv, user.id)).json().messages[0].content).toBe('P13 account evidence');
    const entry = (await auditRows(h)).filter((r) => r.action === 'account.delete').at(-1)!;
    expect(entry.details).toMatchObject({ accountKeyDestroyed: false, heldByLegalHold: true });
    await release(hold.id);
    expect(await h.container.db.selectFrom('keystore.account_keys').select('account_id').where('account_id', '=', user.id).execute()).toEqual([]);
    expect((await legalRead(conv, user.id)).json().messages[0].content).toBeNull();
  });

  it('P13 a hold with an end lapses by itself: after `until` the sweep takes the data', async () => {
    const user = await h.newUser();
    const conv = await conversationWith(h, user, 'P13 until');
    const until = new Date(h.clock.now().getTime() + 100 * DAY);
    await placeHold({ accountId: user.id, conversationId: conv, basis: 'Order with an end date', until: until.toISOString() });
    const window = h.policy.retention.conversations.consumer.optedOutDays;
    await sweep(new Date(h.clock.now().getTime() + (window + 1) * DAY));
    expect(await exists(conv)).toBe(true);
    await sweep(new Date(until.getTime() + 1));
    expect(await exists(conv)).toBe(false);
  });

  it('P13 holds are audited, and the owner is told unless the hold says the law forbids it', async () => {
    const user = await h.newUser();
    const gagged = await h.newUser();
    const sent = h.outbox.sent.length;
    const told = (await placeHold({ accountId: user.id, basis: 'Subpoena 55' })).json();
    const secret = (await placeHold({ accountId: gagged.id, basis: 'Sealed order 9', notifySubject: false })).json();
    const mails = h.outbox.sent.slice(sent);
    expect(mails.map((m) => m.to)).toEqual([user.email]);
    expect(mails[0]!.text).toContain('Subpoena 55');
    const notices = await h.app.inject({ method: 'GET', url: '/v1/me/legal-holds', headers: user.auth });
    expect(notices.json().holds).toEqual([expect.objectContaining({ id: told.id, scope: 'account', basis: 'Subpoena 55' })]);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/legal-holds', headers: gagged.auth })).json().holds).toEqual([]);
    await release(secret.id);

    const rows = await auditRows(h);
    const created = rows.find((r) => r.action === 'hold.create' && r.details.hold === told.id)!;
    expect(created).toMatchObject({ actor_kind: 'staff', actor_id: legal.id, subject_pseudonym: await pseudonymOf(h, user.id) });
    expect(created.details).toMatchObject({ notifySubject: true });
    // The basis is referenced by its digest: the log carries no free text.
    expect(JSON.stringify(created)).not.toContain('Subpoena 55');
    expect(rows.find((r) => r.action === 'hold.release' && r.details.hold === secret.id)).toMatchObject({ subject_pseudonym: await pseudonymOf(h, gagged.id) });
  });

  it('P13 only roles the policy lets act on legal obligations place or release holds', async () => {
    const user = await h.newUser();
    const support = await newStaff(h, 'support');
    const po = await newStaff(h, 'privacy_officer');
    expect((await placeHold({ accountId: user.id, basis: 'x' }, support)).json().code).toBe('role_not_allowed');
    const hold = await placeHold({ accountId: user.id, basis: 'Privacy officer hold' }, po);
    expect(hold.statusCode).toBe(201);
    expect((await release(hold.json().id, support)).statusCode).toBe(403);
    expect((await release(hold.json().id, po)).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/v1/staff/holds', headers: user.auth, payload: { accountId: user.id, basis: 'x' } })).statusCode).toBe(401);
  });
});
