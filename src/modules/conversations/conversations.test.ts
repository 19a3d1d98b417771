import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Executor } from '../../db/executor.js';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { testDatabaseUrl } from '../../../test/support/database.js';
import { uuidv7 } from '../../lib/ids.js';
import { recomputeDeadlines } from '../retention/retention.service.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ config: { maxContentBytes: 4096 } });
});
afterAll(async () => h?.close());

async function newConversation(user: TestUser, incognito = false) {
  const res = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito } });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; incognito: boolean; retention: { deleteAfter: string | null; rule: string } };
}

async function say(user: TestUser, conversationId: string, content: string, role = 'user') {
  const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role, content } });
  return res;
}

/** Every text value stored in the database, for "is this anywhere?" checks. */
async function databaseText(): Promise<string> {
  const tables = ['accounts', 'conversations', 'messages', 'sessions', 'consent_ledger', 'organisations'];
  let all = '';
  for (const table of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(h.database.db);
    all += JSON.stringify(rows.rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
  }
  return all;
}

/** A user's conversation with one message written (so this process remembers its facts), and its account id. */
async function conversationWithOneMessage() {
  const user = await h.newUser();
  const conversation = await newConversation(user);
  expect((await say(user, conversation.id, 'before the change')).statusCode).toBe(201);
  const { account_id: accountId } = await h.database.db.selectFrom('conversations').select('account_id').where('id', '=', conversation.id).executeTakeFirstOrThrow();
  return { user, conversationId: conversation.id, accountId };
}

/** Statements of this database waiting for a lock, once there is one (or after 2 s): PostgreSQL only. */
async function statementsWaitingForALock(): Promise<number> {
  for (let i = 0; ; i++) {
    const r = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(h.database.db);
    if (r.rows[0]!.n > 0 || i >= 200) return r.rows[0]!.n;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A transaction of another writer, held open between `before` and `after` until resumed. */
function pausedTransaction(before: (trx: Executor) => Promise<void>, after: (trx: Executor) => Promise<void>) {
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => (resume = resolve));
  let pause!: () => void;
  const paused = new Promise<void>((resolve) => (pause = resolve));
  const done = h.database.db.transaction().execute(async (trx) => {
    await before(trx);
    pause();
    await resumed;
    await after(trx);
  });
  return { paused, resume, done };
}

describe('conversations', () => {
  it('stores messages in order and returns them to their owner with the retention deadline', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    expect(conversation.retention.rule).toBe('retention.conversations.consumer.optedOutDays');
    expect((await say(user, conversation.id, 'first')).statusCode).toBe(201);
    expect((await say(user, conversation.id, 'second', 'assistant')).statusCode).toBe(201);
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}`, headers: user.auth });
    expect(got.statusCode).toBe(200);
    const body = got.json();
    expect(body.messages.map((m: { content: string; role: string }) => [m.role, m.content])).toEqual([
      ['user', 'first'],
      ['assistant', 'second'],
    ]);
    const expected = new Date(h.clock.now().getTime() + h.policy.retention.conversations.consumer.optedOutDays * 86_400_000);
    expect(body.retention).toEqual({ deleteAfter: expected.toISOString(), rule: 'retention.conversations.consumer.optedOutDays' });
  });

  it('P01: each conversation is its own session — nothing of one appears in another', async () => {
    const user = await h.newUser();
    const a = await newConversation(user);
    const b = await newConversation(user);
    await say(user, a.id, 'CANARY-ALPHA-7f3a secret of conversation A');
    await say(user, b.id, 'CANARY-BRAVO-91cd secret of conversation B');
    const getA = await h.app.inject({ method: 'GET', url: `/v1/conversations/${a.id}`, headers: user.auth });
    const getB = await h.app.inject({ method: 'GET', url: `/v1/conversations/${b.id}`, headers: user.auth });
    expect(getA.body).toContain('CANARY-ALPHA-7f3a');
    expect(getA.body).not.toContain('CANARY-BRAVO-91cd');
    expect(getB.body).toContain('CANARY-BRAVO-91cd');
    expect(getB.body).not.toContain('CANARY-ALPHA-7f3a');
    // a new conversation starts empty, whatever came before
    const c = await newConversation(user);
    const getC = await h.app.inject({ method: 'GET', url: `/v1/conversations/${c.id}`, headers: user.auth });
    expect(getC.json().messages).toEqual([]);
  });

  it("another account's conversation is a 404, never a 403", async () => {
    const owner = await h.newUser();
    const other = await h.newUser();
    const conversation = await newConversation(owner);
    await say(owner, conversation.id, 'private');
    for (const [method, url] of [
      ['GET', `/v1/conversations/${conversation.id}`],
      ['DELETE', `/v1/conversations/${conversation.id}`],
    ] as const) {
      const res = await h.app.inject({ method, url, headers: other.auth });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('private');
    }
    expect((await say(other, conversation.id, 'intrusion')).statusCode).toBe(404);
  });

  it('P03: incognito conversations are hidden from history and kept for the incognito window', async () => {
    const user = await h.newUser();
    const normal = await newConversation(user);
    const incognito = await newConversation(user, true);
    expect(incognito.retention.rule).toBe('retention.incognitoDays');
    expect(Date.parse(incognito.retention.deleteAfter!)).toBe(h.clock.now().getTime() + h.policy.retention.incognitoDays * 86_400_000);
    const history = await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth });
    const ids = history.json().conversations.map((c: { id: string }) => c.id);
    expect(ids).toContain(normal.id);
    expect(ids).not.toContain(incognito.id);
    // the owner can still read it by id
    expect((await h.app.inject({ method: 'GET', url: `/v1/conversations/${incognito.id}`, headers: user.auth })).statusCode).toBe(200);
  });

  it('P11: a deleted conversation is gone for its owner at once and due at the next sweep', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    await say(user, conversation.id, 'to be deleted');
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conversation.id}`, headers: user.auth });
    expect(del.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}`, headers: user.auth })).statusCode).toBe(404);
    const history = await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth });
    expect(history.json().conversations.map((c: { id: string }) => c.id)).not.toContain(conversation.id);
    expect((await say(user, conversation.id, 'more')).statusCode).toBe(404);
    const row = await h.database.db.selectFrom('conversations').selectAll().where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(row.retention_rule).toBe('retention.deleted.graceDays');
    expect(new Date(row.delete_after!).getTime()).toBe(
      new Date(row.deleted_at!).getTime() + h.policy.retention.deleted.graceDays * 86_400_000,
    );
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conversation.id}`, headers: user.auth })).statusCode).toBe(404);
  });

  it('P10: a zero-data-retention organisation has messages accepted but their content never written', async () => {
    const org = await h.container.organisations.create({ name: 'ZDR', kind: 'api', zeroDataRetention: true, retentionDays: null, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    const conversation = await newConversation(member);
    expect(conversation.retention.rule).toBe('retention.zeroDataRetentionDays');
    const canary = 'CANARY-ZDR-5521-never-stored';
    expect((await say(member, conversation.id, canary)).statusCode).toBe(201);
    const rows = await h.database.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversation.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.content).toBeNull();
    expect(rows[0]!.content_length).toBe(canary.length);
    expect(await databaseText()).not.toContain(canary);
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}`, headers: member.auth });
    expect(got.json().messages[0].content).toBeNull();
  });

  it('content over the configured size is refused with 413 and nothing is written', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    const res = await say(user, conversation.id, 'x'.repeat(h.container.config.maxContentBytes + 1));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('content_too_large');
    const count = await h.database.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('an organisation window applies to its members', async () => {
    const org = await h.container.organisations.create({ name: 'Team', kind: 'team', zeroDataRetention: false, retentionDays: 60, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    const conversation = await newConversation(member);
    expect(Date.parse(conversation.retention.deleteAfter!)).toBe(h.clock.now().getTime() + 60 * 86_400_000);
  });

  it('a fact changed elsewhere since the last message (another process) is read again before the next deadline is set', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    expect((await say(user, conversation.id, 'before')).statusCode).toBe(201);
    // As another process's consent change does (the setting and the recompute that bumps the
    // conversation's facts_version, in one transaction), without this process hearing of it.
    const account = await h.database.db.selectFrom('conversations').select('account_id').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    await h.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ training_opt_in: true }).where('id', '=', account.account_id).execute();
      await recomputeDeadlines(trx, h.policy, account.account_id, h.clock.now());
    });
    h.clock.set(new Date(h.clock.now().getTime() + 60_000));
    expect((await say(user, conversation.id, 'after')).statusCode).toBe(201);
    const got = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversation.id}`, headers: user.auth })).json();
    const expected = new Date(h.clock.now().getTime() + h.policy.retention.conversations.consumer.optedInDays * 86_400_000);
    expect(got.retention).toEqual({ deleteAfter: expected.toISOString(), rule: 'retention.conversations.consumer.optedInDays' });
  });

  it('a session revoked elsewhere writes nothing more, even right after a message it wrote', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    expect((await say(user, conversation.id, 'while signed in')).statusCode).toBe(201);
    // Revoked by another process: this one still remembers the session from a moment ago.
    const account = await h.database.db.selectFrom('conversations').select('account_id').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    await h.database.db.updateTable('sessions').set({ revoked_at: h.clock.now() }).where('account_id', '=', account.account_id).execute();
    const res = await say(user, conversation.id, 'after the revocation');
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_token');
    const rows = await h.database.db.selectFrom('messages').select('seq').where('conversation_id', '=', conversation.id).execute();
    expect(rows.map((r) => r.seq)).toEqual([1]);
  });

  // These need a second connection: the embedded database has one.
  it.skipIf(!testDatabaseUrl)('a message that waited for a deadline recompute (a legal hold placed meanwhile) is written under the new facts', async () => {
    const { user, conversationId, accountId } = await conversationWithOneMessage();
    // A hold placed by another process, as the holds module does: the hold, then the recompute
    // (which locks and rewrites the conversation row), committed only once the message waits.
    const hold = pausedTransaction(
      async (trx) => {
        const now = h.clock.now();
        await trx
          .insertInto('legal_holds')
          .values({ id: uuidv7(now.getTime()), account_id: accountId, conversation_id: null, basis: 'test', until: null, notify_subject: false, created_at: now, created_by: 'test' })
          .execute();
        await recomputeDeadlines(trx, h.policy, accountId, now);
      },
      async () => {},
    );
    await hold.paused;
    // This process still remembers the facts from before the hold.
    const message = say(user, conversationId, 'while the hold is being placed');
    expect(await statementsWaitingForALock()).toBe(1);
    hold.resume();
    await hold.done;
    expect((await message).statusCode).toBe(201);
    const got = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth })).json();
    expect(got.retention).toEqual({ deleteAfter: null, rule: 'legal_hold' });
  });

  it.skipIf(!testDatabaseUrl)('a message sent while a consent change holds the account waits for it, without deadlock, and takes the new window', async () => {
    const { user, conversationId, accountId } = await conversationWithOneMessage();
    // As the privacy module does: lock the account, change it, then recompute its conversations.
    const change = pausedTransaction(
      async (trx) => {
        await trx.selectFrom('accounts').select('id').where('id', '=', accountId).forUpdate().execute();
        await trx.updateTable('accounts').set({ training_opt_in: true }).where('id', '=', accountId).execute();
      },
      async (trx) => {
        await recomputeDeadlines(trx, h.policy, accountId, h.clock.now());
      },
    );
    await change.paused;
    const message = say(user, conversationId, 'during the change');
    await statementsWaitingForALock();
    change.resume();
    await change.done;
    expect((await message).statusCode).toBe(201);
    const got = (await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversationId}`, headers: user.auth })).json();
    expect(got.retention.rule).toBe('retention.conversations.consumer.optedInDays');
  });

  it('messages sent at once to one conversation get consecutive sequence numbers', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(user);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => say(user, conversation.id, `message ${i}`)));
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    const rows = await h.database.db.selectFrom('messages').select('seq').where('conversation_id', '=', conversation.id).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const stored = await h.database.db.selectFrom('conversations').select('message_count').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(stored.message_count).toBe(20);
  });
});
