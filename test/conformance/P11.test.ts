import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  DAY,
  conversationWith,
  deleteConversation,
  exportTraining,
  historyIds,
  holds,
  open,
  plus,
  policyFileWith,
  removeTempDirs,
  rewriteBatch,
  setTraining,
  storedRows,
  sweep,
} from './lifecycle-support.js';

/**
 * P11: a conversation the user deletes disappears from the product at once and is removed from
 * the backend within the policy's bound (30 days in the shipped file), unless it was already
 * queued for training before the deletion — then that frozen copy stays in its batch.
 */
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
  removeTempDirs();
});

async function dataKeys(h: Harness, conversationId: string) {
  return h.database.db.selectFrom('keystore.data_keys').select('scope_id').where('scope_kind', '=', 'conversation').where('scope_id', '=', conversationId).execute();
}

describe('P11 deleting a conversation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    harnesses.push(h);
  });

  it('P11 gone for its owner at once, removed by the first sweep after the deletion, a queued copy stays in its batch', async () => {
    const t0 = h.clock.now();
    const d = h.policy.retention.deleted;
    const user = await h.newUser();
    await setTraining(h, user, true);
    const queued = await conversationWith(h, user, 'P11-QUEUED-THEN-DELETED-4e4e');
    const batch = await exportTraining(h, t0);
    expect(holds(batch, 'P11-QUEUED-THEN-DELETED-4e4e')).toBe(true);
    const plain = await conversationWith(h, user, 'P11-DELETED-5f5f');

    for (const c of [queued, plain]) await deleteConversation(h, user, c.id);
    // at once: not in history, not readable, and its key is destroyed
    expect(await historyIds(h, user)).toEqual([]);
    for (const c of [queued, plain]) {
      expect((await open(h, user, c.id)).statusCode).toBe(404);
      expect(await dataKeys(h, c.id)).toEqual([]);
      const row = await h.database.db.selectFrom('conversations').select('delete_after').where('id', '=', c.id).executeTakeFirstOrThrow();
      const deadline = new Date(row.delete_after!).getTime();
      expect(deadline).toBe(plus(t0, Math.min(d.graceDays, d.maxDays) * DAY).getTime());
      expect(deadline).toBeLessThanOrEqual(plus(t0, d.maxDays * DAY).getTime());
    }

    // the first sweep after the deletion (grace in the shipped file: 0 days) removes the rows
    expect(await storedRows(h, plain.id)).toBe(2);
    await sweep(h, plus(t0, d.graceDays * DAY));
    expect(await storedRows(h, plain.id)).toBe(0);
    expect(await storedRows(h, queued.id)).toBe(0);

    // the copy frozen before the deletion stays, and nothing is exported again
    expect(holds(await rewriteBatch(h, batch.batch.id), 'P11-QUEUED-THEN-DELETED-4e4e')).toBe(true);
    const later = await exportTraining(h, plus(t0, DAY));
    expect(later.text).not.toContain('P11-');
  });
});

describe('P11 with a grace period in the policy file', () => {
  it('P11 content stays unreadable during the grace and goes at the first sweep after it, within the maximum', async () => {
    const h = await createHarness({ policy: policyFileWith((p) => (p.retention.deleted = { graceDays: 4, maxDays: 6 })) });
    harnesses.push(h);
    const t0 = h.clock.now();
    const user = await h.newUser();
    const conversation = await conversationWith(h, user, 'P11-GRACE-6a6a');
    await deleteConversation(h, user, conversation.id);
    expect((await open(h, user, conversation.id)).statusCode).toBe(404);

    const graceEnd = plus(t0, h.policy.retention.deleted.graceDays * DAY);
    await sweep(h, plus(graceEnd, -1));
    expect(await storedRows(h, conversation.id)).toBe(2);
    await sweep(h, graceEnd);
    expect(await storedRows(h, conversation.id)).toBe(0);
    expect(graceEnd.getTime()).toBeLessThanOrEqual(plus(t0, h.policy.retention.deleted.maxDays * DAY).getTime());
  });
});
