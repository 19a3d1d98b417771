import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open as openEnvelope, DecryptionError } from '../../crypto/aead.js';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { fieldAad, accountKeyAad, dataKeyAad } from './keystore-cipher.js';
import { messageLocation } from '../conversations/conversations.service.js';
import { uuidv7 } from '../../lib/ids.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function conversationWith(user: TestUser, contents: string[]) {
  const created = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: { title: 'TITLE-CANARY' } });
  const id = created.json().id as string;
  for (const content of contents) {
    const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${id}/messages`, headers: user.auth, payload: { role: 'user', content } });
    expect(res.statusCode).toBe(201);
  }
  return id;
}

/** Every key that is still in the system, unwrapped: what an attacker holding everything left could use. */
async function everyRemainingDataKey(): Promise<Buffer[]> {
  const keys: Buffer[] = [];
  const accountKeys = new Map<string, Buffer>();
  for (const a of await h.database.db.selectFrom('keystore.account_keys').selectAll().execute()) {
    accountKeys.set(`${a.account_id}:${a.version}`, await h.container.keyProvider.unwrap(a.root_version, a.wrapped, accountKeyAad(a.account_id, a.version)));
  }
  keys.push(...accountKeys.values());
  for (const d of await h.database.db.selectFrom('keystore.data_keys').selectAll().execute()) {
    const scope = { kind: d.scope_kind, id: d.scope_id };
    const accountKey = d.account_id === null ? null : accountKeys.get(`${d.account_id}:${d.account_key_version}`);
    if (d.account_id !== null && !accountKey) continue; // its account key is destroyed: this wrapped key opens nothing
    keys.push(
      d.account_id === null
        ? await h.container.keyProvider.unwrap(d.root_version!, d.wrapped, dataKeyAad(scope, d.version, null, null))
        : openEnvelope(accountKey!, d.wrapped, dataKeyAad(scope, d.version, d.account_id, d.account_key_version)),
    );
  }
  return keys;
}

async function rawMessages(conversationId: string) {
  return h.database.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).execute();
}

function opensWithAny(keys: Buffer[], accountId: string, conversationId: string, m: { id: string; content: Buffer | null; content_key_version: number | null }) {
  return keys.some((key) => {
    try {
      openEnvelope(key, m.content!, fieldAad(messageLocation(accountId, conversationId, m.id), m.content_key_version ?? 1));
      return true;
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      return false;
    }
  });
}

describe('encryption at rest', () => {
  it('P02: content and titles are stored only as ciphertext', async () => {
    const user = await h.newUser();
    const id = await conversationWith(user, ['PLAINTEXT-CANARY-one', 'PLAINTEXT-CANARY-two']);
    const rows = await rawMessages(id);
    for (const row of rows) {
      expect(row.content!.toString('latin1')).not.toContain('PLAINTEXT-CANARY');
      expect(row.content![0]).toBe(1); // envelope format
    }
    const conversation = await h.database.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(conversation.title!.toString('latin1')).not.toContain('TITLE-CANARY');
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: user.auth });
    expect(got.json().title).toBe('TITLE-CANARY');
    expect(got.json().messages.map((m: { content: string }) => m.content)).toEqual(['PLAINTEXT-CANARY-one', 'PLAINTEXT-CANARY-two']);
  });

  it('a ciphertext copied into another row does not decrypt', async () => {
    const user = await h.newUser();
    const id = await conversationWith(user, ['first message', 'second message']);
    const [a, b] = await rawMessages(id);
    const sealedA = { ciphertext: a!.content!, keyVersion: a!.content_key_version! };
    await expect(h.container.cipher.open(h.database.db, messageLocation(user.id, id, b!.id), sealedA)).rejects.toBeInstanceOf(DecryptionError);
    // and through the API: the moved row no longer opens, and no content leaks in the error
    await h.database.db.updateTable('messages').set({ content: a!.content }).where('account_id', '=', user.id).where('id', '=', b!.id).execute();
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: user.auth });
    expect(got.statusCode).toBe(500);
    expect(got.body).not.toContain('first message');
  });

  it('P12: deleting a conversation destroys its key at once: nothing left in the system opens its rows', async () => {
    const user = await h.newUser();
    const id = await conversationWith(user, ['SHRED-ME-1', 'SHRED-ME-2']);
    const before = await rawMessages(id);
    expect(opensWithAny(await everyRemainingDataKey(), user.id, id, before[0]!)).toBe(true);
    const del = await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${id}`, headers: user.auth });
    expect(del.statusCode).toBe(204);
    const rows = await rawMessages(id); // still on disk until the sweep
    expect(rows).toHaveLength(2);
    const keys = await everyRemainingDataKey();
    for (const row of rows) expect(opensWithAny(keys, user.id, id, row)).toBe(false);
    await expect(
      h.container.cipher.open(h.database.db, messageLocation(user.id, id, rows[0]!.id), { ciphertext: rows[0]!.content!, keyVersion: 1 }),
    ).rejects.toThrow();
  });

  it('P12: deleting the account destroys its key: it cannot log in and none of its content opens', async () => {
    const user = await h.newUser();
    const first = await conversationWith(user, ['ACCOUNT-SHRED-1']);
    const second = await conversationWith(user, ['ACCOUNT-SHRED-2']);
    const wrong = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: 'not it' } });
    expect(wrong.statusCode).toBe(401);
    const del = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } });
    expect(del.statusCode).toBe(204);
    const login = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } });
    expect(login.statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: user.auth })).statusCode).toBe(401);
    expect(await h.database.db.selectFrom('keystore.account_keys').selectAll().where('account_id', '=', user.id).execute()).toEqual([]);
    const keys = await everyRemainingDataKey();
    for (const id of [first, second]) for (const row of await rawMessages(id)) expect(opensWithAny(keys, user.id, id, row)).toBe(false);
    const account = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(account.email).not.toContain(user.email);
    expect(account.name).toBe('');
    const conversations = await h.database.db.selectFrom('conversations').selectAll().where('account_id', '=', user.id).execute();
    for (const c of conversations) expect(new Date(c.delete_after!).getTime()).toBeLessThanOrEqual(h.clock.now().getTime());
  });

  it('a batch destruction removes exactly the named keys, of every kind in the batch', async () => {
    const user = await h.newUser();
    const conversations = [await conversationWith(user, ['one']), await conversationWith(user, ['two']), await conversationWith(user, ['three'])];
    const copies = [uuidv7(), uuidv7()];
    for (const id of copies) await h.container.cipher.prepareScope(h.database.db, null, { kind: 'copy', id });
    const scopesLeft = async () =>
      (await h.database.db.selectFrom('keystore.data_keys').select(['scope_kind', 'scope_id']).where('scope_id', 'in', [...conversations, ...copies]).execute())
        .map((k) => `${k.scope_kind}:${k.scope_id}`)
        .sort();
    expect(await scopesLeft()).toHaveLength(5);
    const notes = async () => (await h.database.db.selectFrom('keystore.pending_compaction').select('what').execute()).map((r) => r.what);
    await h.database.db.deleteFrom('keystore.pending_compaction').execute();
    await h.container.cipher.destroyScopeKeys!(h.database.db, [
      { accountId: user.id, scope: { kind: 'conversation', id: conversations[0]! } },
      { accountId: null, scope: { kind: 'copy', id: copies[1]! } },
    ]);
    expect(await scopesLeft()).toEqual([`conversation:${conversations[1]}`, `conversation:${conversations[2]}`, `copy:${copies[0]}`].sort());
    // Each destroyed kind leaves a note that the keystore needs compacting; destroying nothing leaves none.
    expect((await notes()).sort()).toEqual(['1 data keys', '1 data keys']);
    await h.database.db.deleteFrom('keystore.pending_compaction').execute();
    await h.container.cipher.destroyScopeKeys!(h.database.db, [{ accountId: user.id, scope: { kind: 'conversation', id: conversations[0]! } }]);
    expect(await notes()).toEqual([]);
  });

  it('rotating an account key keeps its content readable and removes the old version', async () => {
    const user = await h.newUser();
    const id = await conversationWith(user, ['ROTATE-ME']);
    const result = await h.container.keys.rotateAccount(user.id);
    expect(result.version).toBe(2);
    const versions = await h.database.db.selectFrom('keystore.account_keys').select('version').where('account_id', '=', user.id).execute();
    expect(versions.map((v) => v.version)).toEqual([2]);
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: user.auth });
    expect(got.json().messages[0].content).toBe('ROTATE-ME');
  });

  it('rotating the root rewraps every account key; a retired root version opens nothing', async () => {
    const user = await h.newUser();
    const id = await conversationWith(user, ['ROOT-ROTATION']);
    const before = await h.database.db.selectFrom('keystore.account_keys').selectAll().where('account_id', '=', user.id).executeTakeFirstOrThrow();
    const result = await h.container.keys.rotateRoot({ newVersion: true });
    expect(result.retired.length).toBeGreaterThan(0);
    const after = await h.database.db.selectFrom('keystore.account_keys').selectAll().where('account_id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.root_version).toBe(result.currentVersion);
    await expect(h.container.keyProvider.unwrap(before.root_version, before.wrapped, accountKeyAad(user.id, before.version))).rejects.toThrow(/retired/);
    const got = await h.app.inject({ method: 'GET', url: `/v1/conversations/${id}`, headers: user.auth });
    expect(got.json().messages[0].content).toBe('ROOT-ROTATION');
  });
});
