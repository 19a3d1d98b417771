import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { loadPolicy, type Policy } from '../../src/policy/index.js';
import { TERMS_GATE_EXEMPT } from '../../src/http/gates.js';

/**
 * P23 A new version of the terms must be accepted by its deadline; after the deadline an account
 * that has not accepted it cannot use the service until it does, and nothing is deleted because
 * of that.
 */
const base = loadPolicy();
// The harness clock starts on 2026-06-01: v1 is in force, v2 is published for later.
const policy: Policy = {
  ...base,
  terms: [
    { version: 'v1', effectiveAt: '2026-01-01T00:00:00Z', acceptBy: '2026-02-01T00:00:00Z', url: '/terms/v1' },
    { version: 'v2', effectiveAt: '2026-06-15T00:00:00Z', acceptBy: '2026-07-01T00:00:00Z', url: '/terms/v2' },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policy });
});
afterAll(async () => h?.close());

async function chat(user: TestUser, text: string) {
  const id = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} })).json().id as string;
  await h.app.inject({ method: 'POST', url: `/v1/conversations/${id}/messages`, headers: user.auth, payload: { role: 'user', content: text } });
  return id;
}

const snapshot = async (accountId: string) =>
  JSON.stringify(
    await h.database.db
      .selectFrom('conversations')
      .leftJoin('messages', 'messages.conversation_id', 'conversations.id')
      .select(['conversations.id', 'conversations.delete_after', 'conversations.deleted_at', 'messages.id as message', 'messages.content'])
      .where('conversations.account_id', '=', accountId)
      .orderBy('messages.id')
      .execute(),
  );

describe('P23 terms acceptance', () => {
  it('P23: signing up accepts the terms in force; a new version may be accepted ahead and is required only from its deadline', async () => {
    h.clock.set('2026-06-01T12:00:00Z');
    const early = await h.newUser();
    const terms = (await h.app.inject({ method: 'GET', url: '/v1/terms', headers: early.auth })).json();
    expect(terms.current).toBe('v1');
    expect(terms.account).toMatchObject({ acceptedCurrent: true, blocked: false });
    expect(terms.versions.find((v: { version: string }) => v.version === 'v2').status).toBe('upcoming');
    const anonymous = (await h.app.inject({ method: 'GET', url: '/v1/terms' })).json();
    expect(anonymous.account).toBeNull();

    h.clock.set('2026-06-20T00:00:00Z');
    const pending = (await h.app.inject({ method: 'GET', url: '/v1/terms', headers: early.auth })).json();
    expect(pending.current).toBe('v2');
    expect(pending.account).toMatchObject({ acceptedCurrent: false, blocked: false, mustAcceptBy: '2026-07-01T00:00:00.000Z' });
    expect((await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: early.auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/v1/terms/accept', headers: early.auth, payload: { version: 'v9' } })).statusCode).toBe(400);
  });

  it('P23: after the deadline an account that has not accepted gets 403 terms_not_accepted, except to read and accept the terms, export its data and delete itself', async () => {
    h.clock.set('2026-06-02T00:00:00Z');
    const user = await h.newUser();
    const ahead = await h.newUser();
    const conversation = await chat(user, 'kept whatever the terms say');
    expect((await h.app.inject({ method: 'POST', url: '/v1/terms/accept', headers: ahead.auth, payload: { version: 'v2' } })).statusCode).toBe(200);

    h.clock.set('2026-07-01T00:00:00Z');
    for (const route of [
      { method: 'GET' as const, url: '/v1/conversations' },
      { method: 'GET' as const, url: `/v1/conversations/${conversation}` },
      { method: 'POST' as const, url: '/v1/conversations', payload: {} },
      { method: 'GET' as const, url: '/v1/me/privacy' },
      { method: 'GET' as const, url: '/v1/me' },
      { method: 'GET' as const, url: '/v1/me/technical-data' },
    ]) {
      const res = await h.app.inject({ ...route, headers: user.auth });
      expect(res.statusCode, route.url).toBe(403);
      expect(res.json().code).toBe('terms_not_accepted');
      // The account that accepted ahead of time is not held back (another's conversation is simply not found).
      expect((await h.app.inject({ ...route, headers: ahead.auth })).json().code, route.url).not.toBe('terms_not_accepted');
    }
    // Reading the terms works, and says why.
    const terms = await h.app.inject({ method: 'GET', url: '/v1/terms', headers: user.auth });
    expect(terms.statusCode).toBe(200);
    expect(terms.json().account).toMatchObject({ blocked: true, acceptedCurrent: false });
    // Export and deletion are never held back by the terms (whatever else they answer).
    expect([...TERMS_GATE_EXEMPT]).toEqual(expect.arrayContaining(['GET /v1/me/export', 'DELETE /v1/me', 'GET /v1/terms', 'POST /v1/terms/accept']));
    const exportRes = await h.app.inject({ method: 'GET', url: '/v1/me/export', headers: user.auth });
    expect(exportRes.json().code).not.toBe('terms_not_accepted');
    const wrongPassword = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: 'not it' } });
    expect(wrongPassword.json().code).not.toBe('terms_not_accepted');

    const accept = await h.app.inject({ method: 'POST', url: '/v1/terms/accept', headers: user.auth, payload: { version: 'v2' } });
    expect(accept.statusCode).toBe(200);
    expect(accept.json().account).toMatchObject({ acceptedCurrent: true, blocked: false });
    const back = await h.app.inject({ method: 'GET', url: `/v1/conversations/${conversation}`, headers: user.auth });
    expect(back.statusCode).toBe(200);
    expect(back.json().messages[0].content).toBe('kept whatever the terms say');
  });

  it('P23: nothing is deleted or shortened while an account is held back by the terms', async () => {
    h.clock.set('2026-06-03T00:00:00Z');
    const user = await h.newUser();
    expect((await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: true } })).statusCode).toBe(200);
    await chat(user, 'first');
    await chat(user, 'second');
    const before = await snapshot(user.id);
    const accountBefore = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();

    // Past the deadline, within the session's life.
    h.clock.set('2026-07-02T00:00:00Z');
    for (let i = 0; i < 3; i++) expect((await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth })).statusCode).toBe(403);
    expect(await snapshot(user.id)).toBe(before);
    const accountAfter = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(accountAfter).toEqual(accountBefore);

    await h.app.inject({ method: 'POST', url: '/v1/terms/accept', headers: user.auth, payload: { version: 'v2' } });
    expect(await snapshot(user.id)).toBe(before);
    const list = await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth });
    expect(list.json().conversations).toHaveLength(2);
  });
});
