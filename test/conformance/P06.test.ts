import { describe, expect, it } from 'vitest';
import {
  DAY,
  cli,
  conversationWith,
  exportTraining,
  holds,
  open,
  plus,
  fileHarness, rewriteBatch,
  setTraining,
  storedRows,
  sweep,
} from './lifecycle-support.js';

/**
 * P06: opting out stops future training use and shortens retention to the opted-out window; data
 * already queued into a frozen training batch before the change stays in that batch.
 */
const h = fileHarness();

describe('P06 opting out', () => {
  it('P06 opt-out shortens retention of not-yet-queued conversations to the opted-out window; queued copies stay in their batch', async () => {
    const t0 = h.clock.now();
    const windows = h.policy.retention.conversations.consumer;
    const user = await h.newUser();
    await setTraining(h, user, true);
    const queued = await conversationWith(h, user, 'P06-QUEUED-91fe');
    const batch = await exportTraining(h, t0);
    expect(holds(batch, 'P06-QUEUED-91fe')).toBe(true);

    const notQueued = await conversationWith(h, user, 'P06-NOT-QUEUED-2c3d');
    expect((await open(h, user, notQueued.id)).json().retention).toEqual({
      deleteAfter: plus(t0, windows.optedInDays * DAY).toISOString(),
      rule: 'retention.conversations.consumer.optedInDays',
    });

    await setTraining(h, user, false);
    const optedOutDeadline = plus(t0, windows.optedOutDays * DAY);
    for (const id of [queued.id, notQueued.id]) {
      expect((await open(h, user, id)).json().retention).toEqual({
        deleteAfter: optedOutDeadline.toISOString(),
        rule: 'retention.conversations.consumer.optedOutDays',
      });
    }

    // future use stops
    const after = await exportTraining(h, plus(t0, DAY));
    expect(holds(after, 'P06-NOT-QUEUED-2c3d')).toBe(false);
    expect(after.batch.counts.refused.opted_out).toBeGreaterThanOrEqual(1);

    // the opted-out window ends: the product copies go, the frozen copy does not
    await sweep(h, plus(optedOutDeadline, -1));
    expect(await storedRows(h, notQueued.id)).toBe(2);
    await sweep(h, optedOutDeadline);
    expect(await storedRows(h, notQueued.id)).toBe(0);
    expect(await storedRows(h, queued.id)).toBe(0);
    const stillThere = await rewriteBatch(h, batch.batch.id);
    expect(holds(stillThere, 'P06-QUEUED-91fe')).toBe(true);

    // the batch keeps its own window (the policy's training batch window), then goes too
    const batchDeadline = plus(batch.batch.exportAt, h.policy.retention.trainingBatchDays * DAY);
    expect(batch.batch.deleteAfter).toBe(batchDeadline.toISOString());
    await sweep(h, plus(batchDeadline, -1));
    expect((await rewriteBatch(h, batch.batch.id)).lines.length).toBe(batch.lines.length);
    await sweep(h, batchDeadline);
    const listed = await cli(h, ['training', 'batches', '--json']);
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((b) => b.id)).not.toContain(batch.batch.id);
  });
});
