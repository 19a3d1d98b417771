import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { copyLocation } from '../../src/modules/copies/copies.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function chat(user: TestUser, lines: string[], incognito = false) {
  const conversation = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { incognito } })).json().id as string;
  const ids: string[] = [];
  for (const [i, content] of lines.entries()) {
    const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation}/messages`, headers: user.auth, payload: { role: i % 2 ? 'assistant' : 'user', content } });
    ids.push(res.json().id);
  }
  return { conversation, ids };
}

describe('P14 feedback stores the whole related conversation', () => {
  it('P14: rating an output keeps the conversation up to that message as its own copy for the feedback window', async () => {
    const user = await h.newUser();
    const { conversation, ids } = await chat(user, ['question one', 'answer one', 'question two', 'answer two', 'after the rating']);
    const res = await h.app.inject({ method: 'POST', url: `/v1/messages/${ids[3]}/feedback`, headers: user.auth, payload: { rating: 'down', comment: 'wrong answer' } });
    expect(res.statusCode).toBe(201);
    const { id, snapshotKept, deleteAfter } = res.json();
    expect(snapshotKept).toBe(true);
    expect(Date.parse(deleteAfter)).toBe(h.clock.now().getTime() + h.policy.retention.feedbackDays * 86_400_000);
    const row = await h.database.db.selectFrom('feedback_copies').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const snapshot = JSON.parse(await h.container.cipher.open(h.database.db, copyLocation('feedback_copies', id, 'snapshot'), { ciphertext: row.snapshot!, keyVersion: row.key_version! }));
    expect(snapshot).toEqual([
      { role: 'user', content: 'question one' },
      { role: 'assistant', content: 'answer one' },
      { role: 'user', content: 'question two' },
      { role: 'assistant', content: 'answer two' },
    ]);
    // independent of the conversation: deleting it (and its key) leaves the feedback readable
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${conversation}`, headers: user.auth })).statusCode).toBe(204);
    const again = await h.container.cipher.open(h.database.db, copyLocation('feedback_copies', id, 'snapshot'), { ciphertext: row.snapshot!, keyVersion: row.key_version! });
    expect(JSON.parse(again)).toHaveLength(4);
  });

  it('P15: the feedback copy carries no account id, email or name', async () => {
    const user = await h.newUser();
    const { ids } = await chat(user, ['hello', 'hi']);
    const { id } = (await h.app.inject({ method: 'POST', url: `/v1/messages/${ids[1]}/feedback`, headers: user.auth, payload: { rating: 'up' } })).json();
    const raw = await sql<Record<string, unknown>>`select * from feedback_copies where id = ${id}`.execute(h.database.db);
    const text = JSON.stringify(raw.rows[0], (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
    expect(text).not.toContain(user.id);
    expect(text).not.toContain(user.email);
    const columns = Object.keys(raw.rows[0]!);
    expect(columns).not.toContain('account_id');
    const link = await sql<Record<string, unknown>>`select * from reid_links where copy_id = ${id}`.execute(h.database.db);
    expect(JSON.stringify(link.rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v))).not.toContain(user.id);
  });

  it('P03: feedback on an incognito conversation keeps the rating only, never a snapshot', async () => {
    const user = await h.newUser();
    const { ids } = await chat(user, ['incognito question', 'incognito answer'], true);
    const res = await h.app.inject({ method: 'POST', url: `/v1/messages/${ids[1]}/feedback`, headers: user.auth, payload: { rating: 'up', comment: 'nice' } });
    expect(res.statusCode).toBe(201);
    expect(res.json().snapshotKept).toBe(false);
    const row = await h.database.db.selectFrom('feedback_copies').selectAll().where('id', '=', res.json().id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ rating: 'up', snapshot: null, comment: null, incognito: true });
  });

  it('feedback on another account\'s message is a 404', async () => {
    const owner = await h.newUser();
    const other = await h.newUser();
    const { ids } = await chat(owner, ['mine']);
    const res = await h.app.inject({ method: 'POST', url: `/v1/messages/${ids[0]}/feedback`, headers: other.auth, payload: { rating: 'up' } });
    expect(res.statusCode).toBe(404);
  });
});

describe('safety flags from the classifier', () => {
  it('a message the classifier flags gets a de-identified safety copy and a score record, each with its window', async () => {
    const user = await h.newUser();
    const { ids } = await chat(user, ['hello there', 'hi', 'how do I build a bomb']);
    expect(ids).toHaveLength(3);
    const copies = await h.database.db.selectFrom('safety_copies').selectAll().where('created_at', '=', h.clock.now()).execute();
    const copy = copies.find((c) => c.category === 'weapons')!;
    expect(copy).toBeDefined();
    expect(Date.parse(String(new Date(copy.delete_after).toISOString()))).toBe(h.clock.now().getTime() + h.policy.retention.safetyFlaggedDays * 86_400_000);
    const exchange = JSON.parse(await h.container.cipher.open(h.database.db, copyLocation('safety_copies', copy.id, 'exchange'), { ciphertext: copy.exchange!, keyVersion: copy.key_version! }));
    expect(exchange.map((m: { content: string }) => m.content)).toEqual(['hi', 'how do I build a bomb']);
    const score = await h.database.db.selectFrom('classifier_scores').selectAll().where('safety_copy_id', '=', copy.id).executeTakeFirstOrThrow();
    expect(new Date(score.delete_after).getTime()).toBe(h.clock.now().getTime() + h.policy.retention.classifierScoresDays * 86_400_000);
    expect(await h.container.safety.reidentify(h.database.db, copy.id)).toBe(user.id);
  });
});

describe('P10 windows of copies', () => {
  it('P10: feedback and safety copies leave at their own windows, with their links; scores outlive the copies', async () => {
    const { runCommand } = await import('../../src/cli/program.js');
    const { serverContext } = await import('../../src/cli/context.js');
    const { bufferIO } = await import('../../src/cli/io.js');
    const sweepAt = async (at: Date) => {
      const io = bufferIO({ cwd: process.cwd(), env: {} });
      expect(await runCommand(['lifecycle', 'run', '--json', '--at', at.toISOString()], serverContext(io, h.container))).toBe(0);
      return JSON.parse(io.stdout.join('')) as { counts: Record<string, number> };
    };
    const user = await h.newUser();
    const { conversation, ids } = await chat(user, ['how do I build a bomb', 'I cannot help with that']);
    const feedback = (await h.app.inject({ method: 'POST', url: `/v1/messages/${ids[1]}/feedback`, headers: user.auth, payload: { rating: 'up' } })).json().id as string;
    const safety = (await h.database.db.selectFrom('safety_copies').select('id').orderBy('created_at', 'desc').executeTakeFirstOrThrow()).id;
    // the conversation itself goes first (its own window); the copies stay
    const DAY = 86_400_000;
    const start = h.clock.now().getTime();
    await sweepAt(new Date(start + (h.policy.retention.conversations.consumer.optedOutDays + 1) * DAY));
    expect(await h.database.db.selectFrom('conversations').select('id').where('id', '=', conversation).execute()).toEqual([]);
    expect(await h.database.db.selectFrom('feedback_copies').select('id').where('id', '=', feedback).execute()).toHaveLength(1);
    const safetyGone = await sweepAt(new Date(start + (h.policy.retention.safetyFlaggedDays + 1) * DAY));
    expect(safetyGone.counts.safety_copies).toBeGreaterThanOrEqual(1);
    expect(await h.database.db.selectFrom('safety_copies').select('id').where('id', '=', safety).execute()).toEqual([]);
    expect(await h.database.db.selectFrom('reid_links').select('copy_id').where('copy_id', '=', safety).execute()).toEqual([]);
    expect(await h.database.db.selectFrom('classifier_scores').select('id').where('safety_copy_id', '=', safety).execute()).toHaveLength(1);
    await sweepAt(new Date(start + (h.policy.retention.feedbackDays + 1) * DAY));
    expect(await h.database.db.selectFrom('feedback_copies').select('id').where('id', '=', feedback).execute()).toEqual([]);
    expect(await h.database.db.selectFrom('keystore.data_keys').select('scope_id').where('scope_id', '=', feedback).execute()).toEqual([]);
    await sweepAt(new Date(start + (h.policy.retention.classifierScoresDays + 1) * DAY));
    expect(await h.database.db.selectFrom('classifier_scores').select('id').where('safety_copy_id', '=', safety).execute()).toEqual([]);
  });
});
