import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { uuidv7 } from '../../lib/ids.js';
import { insertMessagesIfFactsUnchanged, type BatchedMessage } from './conversations.repository.js';
import { createMessageAppender } from './message-appender.js';

/**
 * Unflagged messages that arrive together share one statement and one commit
 * (message-appender.ts). Each must still get exactly the answer it would have got alone.
 */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

interface Writer {
  user: TestUser;
  conversationId: string;
  sessionId: string;
}

async function writer(): Promise<Writer> {
  const user = await h.newUser();
  const res = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} });
  expect(res.statusCode).toBe(201);
  const conversationId = res.json().id as string;
  const said = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role: 'user', content: 'first' } });
  expect(said.statusCode).toBe(201);
  const session = await h.database.db.selectFrom('sessions').select('id').where('account_id', '=', user.id).executeTakeFirstOrThrow();
  return { user, conversationId, sessionId: session.id };
}

const factsVersion = async (conversationId: string) =>
  Number((await h.database.db.selectFrom('conversations').select('facts_version').where('id', '=', conversationId).executeTakeFirstOrThrow()).facts_version);

function batched(w: Writer, version: number, content: Buffer | null, session: boolean): BatchedMessage {
  const now = h.clock.now();
  return {
    message: {
      accountId: w.user.id,
      conversationId: w.conversationId,
      id: uuidv7(now.getTime()),
      role: 'assistant',
      content,
      keyVersion: content ? 1 : null,
      contentLength: content?.length ?? 7,
      createdAt: now,
      deleteAfter: new Date(now.getTime() + 86_400_000),
      rule: `batch-rule-${w.user.id.slice(0, 4)}`,
    },
    factsVersion: version,
    session: session ? { sessionId: w.sessionId, now } : undefined,
  };
}

const stored = (conversationId: string) =>
  h.database.db
    .selectFrom('messages')
    .select(['id', 'seq', 'role', 'content', 'content_key_version', 'content_length'])
    .select(sql<string>`xmin::text`.as('xmin'))
    .where('conversation_id', '=', conversationId)
    .orderBy('seq')
    .execute();

describe('many messages in one statement', () => {
  it('writes each message whose conditions hold, byte for byte, and answers null for each whose do not', async () => {
    const [live, inProcess, stale, deleted, revoked, second] = await Promise.all(Array.from({ length: 6 }, () => writer()));
    const contentA = randomBytes(97);
    const contentB = randomBytes(13);
    await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${deleted!.conversationId}`, headers: deleted!.user.auth });
    await sql`update sessions set revoked_at = now() where id = ${revoked!.sessionId}`.execute(h.database.db);

    const batch = [
      batched(live!, await factsVersion(live!.conversationId), contentA, true),
      batched(inProcess!, await factsVersion(inProcess!.conversationId), null, false),
      batched(stale!, (await factsVersion(stale!.conversationId)) - 1, randomBytes(5), true),
      batched(deleted!, await factsVersion(deleted!.conversationId), randomBytes(5), false),
      batched(revoked!, await factsVersion(revoked!.conversationId), randomBytes(5), true),
      batched(second!, await factsVersion(second!.conversationId), contentB, true),
    ];
    expect(await insertMessagesIfFactsUnchanged(h.database.db, batch)).toEqual([2, 2, null, null, null, 2]);

    const [liveRows, inProcessRows, secondRows] = await Promise.all([stored(live!.conversationId), stored(inProcess!.conversationId), stored(second!.conversationId)]);
    expect(Buffer.from(liveRows[1]!.content!).equals(contentA)).toBe(true);
    expect(inProcessRows[1]!.content).toBeNull();
    expect(Buffer.from(secondRows[1]!.content!).equals(contentB)).toBe(true);
    expect([liveRows[1]!.id, inProcessRows[1]!.id, secondRows[1]!.id]).toEqual([batch[0]!.message.id, batch[1]!.message.id, batch[5]!.message.id]);
    expect(liveRows[1]).toMatchObject({ seq: 2, role: 'assistant', content_key_version: 1, content_length: 97 });
    expect(inProcessRows[1]).toMatchObject({ content_key_version: null, content_length: 7 });
    // One statement, one transaction: the three rows carry the same transaction id.
    expect(new Set([liveRows[1]!.xmin, inProcessRows[1]!.xmin, secondRows[1]!.xmin]).size).toBe(1);

    for (const w of [stale!, deleted!, revoked!]) expect((await stored(w.conversationId)).map((m) => m.seq)).toEqual([1]);
    const conversation = (id: string) =>
      h.database.db.selectFrom('conversations').select(['message_count', 'retention_rule', 'delete_after']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(await conversation(live!.conversationId)).toMatchObject({ message_count: 2, retention_rule: batch[0]!.message.rule });
    expect(new Date((await conversation(live!.conversationId)).delete_after!).getTime()).toBe(batch[0]!.message.deleteAfter!.getTime());
    expect((await conversation(stale!.conversationId)).message_count).toBe(1);
  });
});

describe('the message appender', () => {
  it('lets messages that arrive while a write is in flight share the next commit, one account at a time', async () => {
    const writers = await Promise.all(Array.from({ length: 10 }, () => writer()));
    const appender = createMessageAppender(h.database.db, { maxInFlight: 1 });
    const items = writers.map(async (w) => batched(w, await factsVersion(w.conversationId), randomBytes(20), true));
    const resolved = await Promise.all(items);
    // Two messages of one account go in two commits, in the order they were handed over.
    const again = batched(writers[3]!, resolved[3]!.factsVersion, randomBytes(20), true);
    const seqs = await Promise.all([...resolved, again].map((item) => appender.submit(item)));
    expect(seqs).toEqual([...writers.map(() => 2), 3]);

    const rows = (await Promise.all(writers.map((w) => stored(w.conversationId)))).map((r) => r.slice(1));
    const commits = new Set(rows.flat().map((r) => r.xmin));
    // The first went alone; the nine that arrived meanwhile shared one commit; the second message of one account its own.
    expect(commits.size).toBe(3);
    expect(rows[3]!.map((r) => r.id)).toEqual([resolved[3]!.message.id, again.message.id]);
    await appender.close();
  });

  it('keeps every concurrent message over HTTP, numbered without gaps, and readable by its owner', async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, () => writer()));
    const perConversation = 6;
    const responses = await Promise.all(
      writers.flatMap((w) =>
        Array.from({ length: perConversation }, (_, i) =>
          h.app.inject({ method: 'POST', url: `/v1/conversations/${w.conversationId}/messages`, headers: w.user.auth, payload: { role: 'user', content: `message ${i} of ${w.user.id}` } }),
        ),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(responses.map(() => 201));
    for (const w of writers) {
      const rows = await stored(w.conversationId);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: perConversation + 1 }, (_, i) => i + 1));
      const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${w.conversationId}`, headers: w.user.auth });
      const contents = (got.json().messages as { content: string }[]).map((m) => m.content).slice(1).sort();
      expect(contents).toEqual(Array.from({ length: perConversation }, (_, i) => `message ${i} of ${w.user.id}`).sort());
    }
  });
});
