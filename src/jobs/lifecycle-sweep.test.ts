import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createHarness, type Harness } from '../../test/support/harness.js';
import { countRows, seedAccount, seedConversations } from '../../test/lifecycle/seed.js';
import { runLifecycleSweep } from './lifecycle-sweep.js';
import { listReceipts } from './lifecycle-receipts.js';
import { digestOf, digestItem, combineDigests } from './set-digest.js';
import { conversationsTarget, type SweepTarget } from './sweep-targets.js';
import type { ContentCipher } from '../modules/content/content-cipher.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const DAY = 86_400_000;
const at = (iso: string) => new Date(iso);
const sweep = (now: Date, batchSize = 100, targets?: readonly SweepTarget[]) =>
  runLifecycleSweep({ ...h.container, ...(targets ? { targets } : {}) }, { now, batchSize });

async function exists(conversationId: string): Promise<boolean> {
  return Boolean(await h.database.db.selectFrom('conversations').select('id').where('id', '=', conversationId).executeTakeFirst());
}

async function dataKeyExists(scope: { kind: 'conversation' | 'copy'; id: string }): Promise<boolean> {
  const row = await h.database.db
    .selectFrom('keystore.data_keys')
    .select('scope_id')
    .where('scope_kind', '=', scope.kind)
    .where('scope_id', '=', scope.id)
    .executeTakeFirst();
  return Boolean(row);
}

describe('lifecycle sweep', () => {
  it('deletes what is due at or before the instant with its messages and key, keeps the rest, and is idempotent', async () => {
    const accountId = await seedAccount(h.database.db);
    const dueAt = at('2027-03-01T00:00:00Z');
    const due = await seedConversations(h.database.db, { accountId, count: 3, messages: 4, deleteAfter: dueAt });
    const later = await seedConversations(h.database.db, { accountId, count: 2, messages: 4, deleteAfter: new Date(dueAt.getTime() + 1) });
    for (const id of [...due, ...later]) await h.container.cipher.prepareScope(h.database.db, accountId, { kind: 'conversation', id });

    const before = await sweep(new Date(dueAt.getTime() - 1));
    expect(before.counts).toMatchObject({ conversations: 0, messages: 0 });

    const receipt = await sweep(dueAt);
    expect(receipt.counts).toMatchObject({ conversations: 3, messages: 12, training_records: 0, training_batches: 0 });
    expect(receipt.total).toBe(15);
    expect(receipt.digest).toBe(digestOf(due.map((id) => digestItem('conversations', id))));
    for (const id of due) {
      expect(await exists(id)).toBe(false);
      expect(await dataKeyExists({ kind: 'conversation', id })).toBe(false);
    }
    for (const id of later) {
      expect(await exists(id)).toBe(true);
      expect(await dataKeyExists({ kind: 'conversation', id })).toBe(true);
    }
    const left = await h.database.db.selectFrom('messages').select('conversation_id').where('account_id', '=', accountId).execute();
    expect(new Set(left.map((m) => m.conversation_id))).toEqual(new Set(later));

    const again = await sweep(dueAt);
    expect(again.total).toBe(0);
    expect(again.digest).toBe(digestOf([]));

    const stored = (await listReceipts(h.database.db, { limit: 100 })).find((r) => r.id === receipt.id);
    expect(stored).toMatchObject({ counts: receipt.counts, total: 15, digest: receipt.digest, policyVersion: h.policy.version });
    expect(stored!.sweptAt.toISOString()).toBe(dueAt.toISOString());
  });

  it('never deletes what a legal hold in force protects, account-wide or for one conversation', async () => {
    const dueAt = at('2027-04-01T00:00:00Z');
    const sweepAt = new Date(dueAt.getTime() + 10 * DAY);
    const heldAccount = await seedAccount(h.database.db);
    const heldWhole = await seedConversations(h.database.db, { accountId: heldAccount, count: 2, messages: 1, deleteAfter: dueAt });
    const partly = await seedAccount(h.database.db);
    const [heldOne, freeOne] = await seedConversations(h.database.db, { accountId: partly, count: 2, messages: 1, deleteAfter: dueAt });
    const lapsed = await seedAccount(h.database.db);
    const lapsedConversations = await seedConversations(h.database.db, { accountId: lapsed, count: 1, messages: 1, deleteAfter: dueAt });
    const released = await seedAccount(h.database.db);
    const releasedConversations = await seedConversations(h.database.db, { accountId: released, count: 1, messages: 1, deleteAfter: dueAt });
    const hold = (accountId: string, conversationId: string | null, until: Date | null, releasedAt: Date | null = null) => ({
      id: randomUUID(),
      account_id: accountId,
      conversation_id: conversationId,
      basis: 'test obligation',
      until,
      notify_subject: false,
      created_at: dueAt,
      created_by: 'legal',
      released_at: releasedAt,
    });
    await h.database.db
      .insertInto('legal_holds')
      .values([
        hold(heldAccount, null, null),
        hold(partly, heldOne!, new Date(sweepAt.getTime() + DAY)),
        hold(lapsed, null, new Date(sweepAt.getTime() - 1)),
        hold(released, null, null, dueAt),
      ])
      .execute();

    await sweep(sweepAt);
    for (const id of [...heldWhole, heldOne!]) expect(await exists(id)).toBe(true);
    for (const id of [freeOne!, ...lapsedConversations, ...releasedConversations]) expect(await exists(id)).toBe(false);

    // once the hold's own end has passed, the next sweep deletes
    await sweep(new Date(sweepAt.getTime() + DAY));
    expect(await exists(heldOne!)).toBe(false);
    for (const id of heldWhole) expect(await exists(id)).toBe(true);
  });

  it('destroys swept keys so that no copy of the ciphertext opens again, whether the cipher shreds in bulk or one by one', async () => {
    const accountId = await seedAccount(h.database.db);
    await h.container.privacy.setTrainingOptIn(accountId, false, { ip: null, userAgent: null });
    const bulk = await h.container.conversations.create(accountId, { incognito: false });
    await h.container.conversations.appendMessage(accountId, bulk.id, { role: 'user', content: 'a backup would keep this' });
    const [message] = await h.database.db.selectFrom('messages').select(['id', 'content', 'content_key_version']).where('conversation_id', '=', bulk.id).execute();
    const location = { accountId, keyScope: { kind: 'conversation' as const, id: bulk.id }, table: 'messages', rowId: message!.id, column: 'content' };
    const sealed = { ciphertext: message!.content!, keyVersion: message!.content_key_version! };
    // opened once, so the unwrapped key sits in the cipher's memory too
    expect(await h.container.cipher.open(h.database.db, location, sealed)).toBe('a backup would keep this');
    const due = new Date(bulk.retention.deleteAfter!);
    await sweep(due);
    expect(await exists(bulk.id)).toBe(false);
    await expect(h.container.cipher.open(h.database.db, location, sealed)).rejects.toThrow();

    // a cipher without the bulk operation is called scope by scope
    const other = await seedConversations(h.database.db, { accountId, count: 2, messages: 1, deleteAfter: new Date(due.getTime() + DAY) });
    const destroyed: string[] = [];
    const cipher = h.container.cipher;
    const oneByOne: ContentCipher = {
      seal: cipher.seal.bind(cipher),
      open: cipher.open.bind(cipher),
      prepareScope: cipher.prepareScope.bind(cipher),
      destroyAccountKey: cipher.destroyAccountKey.bind(cipher),
      destroyScopeKey: async (_exec, _accountId, scope) => void destroyed.push(scope.id),
    };
    await runLifecycleSweep({ ...h.container, cipher: oneByOne }, { now: new Date(due.getTime() + DAY), batchSize: 100 });
    expect(destroyed.sort()).toEqual([...other].sort());
  });

  it('a message on a conversation under a legal hold keeps the hold in its deadline', async () => {
    const accountId = await seedAccount(h.database.db);
    const conversation = await h.container.conversations.create(accountId, { incognito: false });
    await h.database.db
      .insertInto('legal_holds')
      .values({ id: randomUUID(), account_id: accountId, conversation_id: conversation.id, basis: 'test', until: null, notify_subject: false, created_at: h.clock.now(), created_by: 'legal', released_at: null })
      .execute();
    await h.container.conversations.appendMessage(accountId, conversation.id, { role: 'user', content: 'held' });
    const row = await h.database.db.selectFrom('conversations').select(['delete_after', 'retention_rule']).where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ delete_after: null, retention_rule: 'legal_hold' });
    await sweep(new Date('2999-01-01T00:00:00Z'));
    expect(await exists(conversation.id)).toBe(true);
  });

  it('works in batches of one transaction each and reports how many', async () => {
    const accountId = await seedAccount(h.database.db);
    const dueAt = at('2027-05-01T00:00:00Z');
    const ids = await seedConversations(h.database.db, { accountId, count: 5, messages: 2, deleteAfter: dueAt });
    const receipt = await sweep(dueAt, 2);
    expect(receipt.batches).toBe(3);
    expect(receipt.batchSize).toBe(2);
    expect(receipt.counts.conversations).toBe(5);
    for (const id of ids) expect(await exists(id)).toBe(false);
  });

  it('with several batches in flight at once, deletes each due row exactly once and counts every one', async () => {
    const accountId = await seedAccount(h.database.db);
    const dueAt = at('2027-05-15T00:00:00Z');
    const ids = await seedConversations(h.database.db, { accountId, count: 20, messages: 2, deleteAfter: dueAt });
    const kept = await seedConversations(h.database.db, { accountId, count: 3, messages: 2, deleteAfter: at('2999-01-01T00:00:00Z') });
    const receipt = await runLifecycleSweep(h.container, { now: dueAt, batchSize: 3, parallel: 4 });
    expect(receipt.counts).toMatchObject({ conversations: 20, messages: 40 });
    expect(receipt.digest).toBe(digestOf(ids.map((id) => digestItem('conversations', id))));
    expect(receipt.batches).toBeGreaterThanOrEqual(7);
    for (const id of ids) expect(await exists(id)).toBe(false);
    for (const id of kept) expect(await exists(id)).toBe(true);
  });

  it('a batch that fails stops the batches in flight beside it', async () => {
    let calls = 0;
    // Always "found a full batch": only the failure can end this target.
    const endless: SweepTarget = {
      dataClass: 'endless',
      alsoDeletes: [],
      sweepBatch: async (_trx, { limit }) => {
        if (++calls === 5) throw new Error('failed on the fifth batch');
        return { ids: [randomUUID()], counts: { endless: 1 }, picked: limit };
      },
    };
    await expect(runLifecycleSweep({ ...h.container, targets: [endless] }, { now: at('2027-05-20T00:00:00Z'), batchSize: 10, parallel: 3 })).rejects.toThrow('failed on the fifth batch');
    expect(calls).toBeLessThanOrEqual(7);
  });

  it('a sweep that fails half-way still records what it deleted, then reports the failure', async () => {
    const accountId = await seedAccount(h.database.db);
    const dueAt = at('2027-06-01T00:00:00Z');
    const ids = await seedConversations(h.database.db, { accountId, count: 2, messages: 1, deleteAfter: dueAt });
    const broken: SweepTarget = {
      dataClass: 'broken',
      alsoDeletes: [],
      sweepBatch: async () => {
        throw new Error('disk on fire');
      },
    };
    const receiptsBefore = await countRows(h.database.db, 'lifecycle_receipts');
    await expect(sweep(dueAt, 100, [conversationsTarget, broken])).rejects.toThrow('disk on fire');
    const [latest] = await listReceipts(h.database.db, { limit: 1 });
    expect(await countRows(h.database.db, 'lifecycle_receipts')).toBe(receiptsBefore + 1);
    expect(latest!.counts).toEqual({ conversations: 2, messages: 2, broken: 0 });
    expect(latest!.digest).toBe(digestOf(ids.map((id) => digestItem('conversations', id))));
  });

  it('removes training records and their batch at the batch deadline, with the batch key', async () => {
    const accountId = await seedAccount(h.database.db);
    await h.container.privacy.setTrainingOptIn(accountId, true, { ip: null, userAgent: null });
    const conversation = await h.container.conversations.create(accountId, { incognito: false });
    await h.container.conversations.appendMessage(accountId, conversation.id, { role: 'user', content: 'teach me' });
    const batch = await h.container.training.freeze({ at: h.clock.now() });
    expect(batch.records).toBeGreaterThanOrEqual(1);
    expect(await dataKeyExists({ kind: 'copy', id: batch.id })).toBe(true);
    const deadline = new Date(batch.deleteAfter);
    expect(deadline.getTime()).toBe(new Date(batch.exportAt).getTime() + h.policy.retention.trainingBatchDays * DAY);

    // Conversations expire long before the batch; only the batch is under test here.
    const copyTargets = (await import('./sweep-targets.js')).defaultSweepTargets.filter((t) => t.dataClass.startsWith('training_'));
    const early = await sweep(new Date(deadline.getTime() - 1), 100, copyTargets);
    expect(early.counts).toEqual({ training_records: 0, training_batches: 0 });
    const due = await sweep(deadline, 100, copyTargets);
    expect(due.counts.training_records).toBe(batch.records);
    expect(due.counts.training_batches).toBe(1);
    expect(await h.database.db.selectFrom('training_batches').select('id').where('id', '=', batch.id).executeTakeFirst()).toBeUndefined();
    expect(await dataKeyExists({ kind: 'copy', id: batch.id })).toBe(false);
  });
});

describe('set digest', () => {
  it('does not depend on order and adds up over disjoint sets', () => {
    const a = ['x:1', 'x:2', 'x:3'];
    const b = ['y:1', 'y:2'];
    expect(digestOf(a)).toBe(digestOf([...a].reverse()));
    expect(combineDigests([digestOf(a), digestOf(b)])).toBe(digestOf([...a, ...b]));
    expect(digestOf(a)).not.toBe(digestOf(a.slice(1)));
    expect(digestOf([])).toBe('0'.repeat(64));
  });
});
