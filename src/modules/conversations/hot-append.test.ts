import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { uuidv7 } from '../../lib/ids.js';
import { runLifecycleSweep } from '../../jobs/lifecycle-sweep.js';
import { insertMessageIfFactsUnchanged } from './conversations.repository.js';
import { appendMessageResponse, appendedMessageJson } from './conversations.schemas.js';

/**
 * The message append reads and locks only the conversation row and checks its facts_version
 * (docs/adr/0003-hot-message-append.md). That is only right if every change of a fact the
 * deadline is decided on bumps facts_version in its own transaction, and the sweep, which finds
 * conversations by a lower bound of their deadline, still deletes each at its exact deadline.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;

async function conversationOf(user: TestUser, incognito = false) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

async function say(user: TestUser, conversationId: string, content: string) {
  const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role: 'user', content } });
  expect(res.statusCode).toBe(201);
}

const row = (id: string) =>
  h.database.db
    .selectFrom('conversations')
    .select(['facts_version', 'delete_after', 'sweep_after', 'last_activity_at', 'message_count', 'retention_rule'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

/** A write decided on the facts as they were at `version`, as a process that has not heard of a change would make it. */
async function staleWrite(accountId: string, conversationId: string, version: number) {
  const now = h.clock.now();
  return insertMessageIfFactsUnchanged(
    h.database.db,
    { accountId, conversationId, id: uuidv7(now.getTime()), role: 'user', content: null, keyVersion: null, contentLength: 1, createdAt: now, deleteAfter: now, rule: 'stale' },
    version,
    undefined,
  );
}

describe('every change of a retention fact bumps the conversation facts_version', () => {
  async function expectBumped(change: (user: TestUser, conversationId: string) => Promise<unknown>, user?: TestUser) {
    const owner = user ?? (await h.newUser());
    const conversationId = await conversationOf(owner);
    await say(owner, conversationId, 'before the change');
    const before = Number((await row(conversationId)).facts_version);
    // The write a process would make on the facts it read before the change succeeds now...
    expect(await staleWrite(owner.id, conversationId, before)).toBe(2);
    await change(owner, conversationId);
    const after = Number((await row(conversationId)).facts_version);
    expect(after).toBeGreaterThan(before);
    // ... and writes nothing once the change is in.
    expect(await staleWrite(owner.id, conversationId, before)).toBeNull();
  }

  it('a consent change', async () => {
    await expectBumped((user) => h.container.privacy.setTrainingOptIn(user.id, true, { ip: null, userAgent: null }));
  });

  it('an organisation settings change', async () => {
    const org = await h.container.organisations.create({ name: 'Facts Ltd', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    await expectBumped(() => h.container.organisations.updateSettings(org.id, { retentionDays: 60 }), member);
  });

  it('a legal hold placed and a legal hold released', async () => {
    let holdId = '';
    await expectBumped(async (user) => {
      holdId = (await h.container.holds.create({ kind: 'operator' }, { accountId: user.id, basis: 'preservation order' })).id;
    });
    const user = await h.newUser();
    const conversationId = await conversationOf(user);
    const hold = await h.container.holds.create({ kind: 'operator' }, { accountId: user.id, conversationId, basis: 'preservation order' });
    const before = Number((await row(conversationId)).facts_version);
    await h.container.holds.release({ kind: 'operator' }, hold.id);
    expect(Number((await row(conversationId)).facts_version)).toBeGreaterThan(before);
    expect(await staleWrite(user.id, conversationId, before)).toBeNull();
    expect(holdId).not.toBe('');
  });

  it('the account deleted, at the instant of unreadability (before the bookkeeping that follows)', async () => {
    await expectBumped((user) => h.container.erasure.shredAccount(user.id));
  });

  it('the conversation deleted', async () => {
    await expectBumped((user, conversationId) => h.container.conversations.delete(user.id, conversationId));
  });
});

describe('the append leaves every indexed column of the conversation alone', () => {
  it('no index of conversations covers a column a message moves, so PostgreSQL can update the row in place (HOT)', async () => {
    const indexes = await sql<{ def: string }>`select pg_get_indexdef(indexrelid) as def from pg_index where indrelid = 'conversations'::regclass`.execute(h.database.db);
    expect(indexes.rows.length).toBeGreaterThan(0);
    for (const { def } of indexes.rows) {
      for (const moved of ['last_activity_at', 'delete_after', 'message_count', 'retention_rule']) expect(def).not.toMatch(new RegExp(`\\b${moved}\\b`));
    }
  });

  it('a message keeps the lower bound the sweep reads, and the exact deadline moves with the activity', async () => {
    const user = await h.newUser();
    const conversationId = await conversationOf(user);
    const created = await row(conversationId);
    expect(new Date(created.sweep_after!).getTime()).toBe(new Date(created.delete_after!).getTime());
    h.clock.advanceDays(3);
    await say(user, conversationId, 'three days later');
    const after = await row(conversationId);
    const window = h.policy.retention.conversations.consumer.optedOutDays * DAY;
    expect(new Date(after.delete_after!).getTime()).toBe(h.clock.now().getTime() + window);
    expect(new Date(after.sweep_after!).getTime()).toBe(new Date(created.delete_after!).getTime());
  });
});

describe('the sweep deletes at the exact deadline, not at the lower bound', () => {
  it('a conversation whose lower bound came due but that was active since stays, with its bound pushed to its deadline; it goes at that deadline', async () => {
    const user = await h.newUser();
    const conversationId = await conversationOf(user);
    await say(user, conversationId, 'first');
    const start = h.clock.now().getTime();
    h.clock.advanceDays(10);
    await say(user, conversationId, 'ten days later');
    const deadline = new Date((await row(conversationId)).delete_after!).getTime();
    const window = h.policy.retention.conversations.consumer.optedOutDays * DAY;
    expect(deadline).toBe(start + 10 * DAY + window);
    const boundDue = new Date(start + window + DAY);
    await runLifecycleSweep(h.container, { now: boundDue, batchSize: 50 });
    const kept = await row(conversationId);
    expect(Number(kept.message_count)).toBe(2);
    expect(new Date(kept.sweep_after!).getTime()).toBe(deadline);
    // One millisecond before the deadline it is still there; at the deadline it goes.
    await runLifecycleSweep(h.container, { now: new Date(deadline - 1), batchSize: 50 });
    expect(await h.database.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst()).toBeDefined();
    await runLifecycleSweep(h.container, { now: new Date(deadline), batchSize: 50 });
    expect(await h.database.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst()).toBeUndefined();
    expect(await h.database.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId).executeTakeFirst()).toBeUndefined();
  });

  it('a batch that only pushes bounds forward does not end the sweep: due conversations behind it are still deleted', async () => {
    const user = await h.newUser();
    const active: string[] = [];
    for (let i = 0; i < 3; i++) active.push(await conversationOf(user));
    h.clock.set(new Date(h.clock.now().getTime() + 1));
    const idle = await conversationOf(user);
    const start = h.clock.now().getTime();
    h.clock.advanceDays(5);
    for (const id of active) await say(user, id, 'still active');
    const window = h.policy.retention.conversations.consumer.optedOutDays * DAY;
    // The idle conversation's bound is the latest of the four: a batch of 3 takes the active ones first.
    const receipt = await runLifecycleSweep(h.container, { now: new Date(start + window), batchSize: 3 });
    expect(receipt.counts.conversations).toBeGreaterThanOrEqual(1);
    expect(await h.database.db.selectFrom('conversations').select('id').where('id', '=', idle).executeTakeFirst()).toBeUndefined();
    for (const id of active) expect(await h.database.db.selectFrom('conversations').select('id').where('id', '=', id).executeTakeFirst()).toBeDefined();
  });
});

describe('the append answers without a schema pass, as strictly as one', () => {
  it('writes exactly the id of the message, and refuses a body the schema would refuse', () => {
    const id = uuidv7(Date.UTC(2026, 5, 1));
    const json = appendedMessageJson({ id });
    expect(JSON.parse(json)).toEqual({ id });
    expect(appendMessageResponse.parse(JSON.parse(json))).toEqual({ id });
    expect(appendedMessageJson({ id, content: 'never echoed' })).toBe(json);
    for (const bad of [null, {}, { id: 'not-a-uuid' }, { id: `${id}"` }, { id: 42 }]) expect(() => appendedMessageJson(bad)).toThrow();
  });

  it('over HTTP: 201 with the id only, and errors still as problem+json', async () => {
    const user = await h.newUser();
    const conversationId = await conversationOf(user);
    const ok = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role: 'user', content: 'hello' } });
    expect(ok.statusCode).toBe(201);
    expect(ok.headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(ok.json())).toEqual(['id']);
    const missing = await h.app.inject({ method: 'POST', url: `/v1/conversations/${uuidv7(h.clock.now().getTime())}/messages`, headers: user.auth, payload: { role: 'user', content: 'hello' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.json().code).toBe('not_found');
  });
});
