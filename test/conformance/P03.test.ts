import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  DAY,
  conversationWith,
  exportTraining,
  historyIds,
  holds,
  open,
  plus,
  policyFileWith,
  fileHarness, setTraining,
  storedRows,
  sweep,
} from './lifecycle-support.js';

/**
 * P03: incognito conversations are hidden from history, never eligible for training whatever the
 * user's setting, and kept only for the policy's incognito window — or not persisted at all
 * where the policy says 0.
 */
const h = fileHarness();

describe('P03 incognito conversations', () => {
  it('P03 hidden from history, never exported even with training on, gone after the incognito window', async () => {
    const t0 = h.clock.now();
    const user = await h.newUser();
    await setTraining(h, user, true);
    const incognito = await conversationWith(h, user, 'P03-INCOGNITO-7c1e', { incognito: true });
    const ordinary = await conversationWith(h, user, 'P03-ORDINARY-52ab');

    expect(await historyIds(h, user)).toEqual([ordinary.id]);
    expect((await open(h, user, incognito.id)).statusCode).toBe(200);

    const deadline = plus(t0, h.policy.retention.incognitoDays * DAY);
    expect(incognito.retention).toEqual({ deleteAfter: deadline.toISOString(), rule: 'retention.incognitoDays' });

    const first = await exportTraining(h, t0);
    expect(holds(first, 'P03-ORDINARY-52ab')).toBe(true);
    expect(holds(first, 'P03-INCOGNITO-7c1e')).toBe(false);
    expect(first.batch.counts.refused.incognito).toBe(1);
    // and in every later export, right up to the end of its window
    const later = await exportTraining(h, plus(deadline, -DAY));
    expect(holds(later, 'P03-INCOGNITO-7c1e')).toBe(false);
    expect(later.batch.counts.refused.incognito).toBe(1);

    await sweep(h, plus(deadline, -1));
    expect(await storedRows(h, incognito.id)).toBe(2);
    const swept = await sweep(h, deadline);
    expect(swept.counts.conversations).toBeGreaterThanOrEqual(1);
    expect(await storedRows(h, incognito.id)).toBe(0);
    expect((await open(h, user, incognito.id)).statusCode).toBe(404);
  });
});

describe('P03 incognito under a policy that keeps nothing', () => {
  let zero: Harness;
  beforeAll(async () => {
    zero = await createHarness({ policy: policyFileWith((p) => (p.retention.incognitoDays = 0)) });
  });
  afterAll(async () => zero?.close());

  it('P03 with incognitoDays 0 the content is never written, so there is nothing to export', async () => {
    expect(zero.policy.retention.incognitoDays).toBe(0);
    const user = await zero.newUser();
    await setTraining(zero, user, true);
    const incognito = await conversationWith(zero, user, 'P03-NEVER-STORED-0d9f', { incognito: true });
    const stored = await zero.database.db.selectFrom('messages').select(['content', 'content_length']).where('conversation_id', '=', incognito.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.content).toBeNull();
    expect(stored[0]!.content_length).toBeGreaterThan(0);
    const got = (await open(zero, user, incognito.id)).json();
    expect(got.messages[0].content).toBeNull();
    const batch = await exportTraining(zero, zero.clock.now());
    expect(batch.text).not.toContain('P03-NEVER-STORED-0d9f');
    expect(batch.batch.counts.refused.incognito).toBe(1);
  });
});
