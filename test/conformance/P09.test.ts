import { describe, expect, it } from 'vitest';
import {
  DAY,
  conversationWith,
  deleteConversation,
  exportTraining,
  holds,
  plus,
  fileHarness, rewriteBatch,
  setTraining,
  sweep,
} from './lifecycle-support.js';

/** P09: deleted conversations are excluded from every training export made after the deletion. */
const h = fileHarness();

describe('P09 deletion excludes from training', () => {
  it('P09 a conversation deleted before an export is in none, swept or not; one deleted after its batch froze is in that batch only', async () => {
    const t0 = h.clock.now();
    const user = await h.newUser();
    await setTraining(h, user, true);
    const deleted = await conversationWith(h, user, 'P09-DELETED-FIRST-a1b2');
    await conversationWith(h, user, 'P09-KEPT-c3d4');
    const laterDeleted = await conversationWith(h, user, 'P09-DELETED-AFTER-BATCH-e5f6');
    await deleteConversation(h, user, deleted.id);

    // the deleted conversation is still in the table (no sweep yet): the export refuses it
    const first = await exportTraining(h, t0);
    expect(holds(first, 'P09-DELETED-FIRST-a1b2')).toBe(false);
    expect(holds(first, 'P09-KEPT-c3d4')).toBe(true);
    expect(holds(first, 'P09-DELETED-AFTER-BATCH-e5f6')).toBe(true);
    expect(first.batch.counts.refused.deleted).toBe(1);

    await deleteConversation(h, user, laterDeleted.id);
    const second = await exportTraining(h, plus(t0, DAY));
    expect(holds(second, 'P09-DELETED-FIRST-a1b2')).toBe(false);
    expect(holds(second, 'P09-DELETED-AFTER-BATCH-e5f6')).toBe(false);
    // (the one already queued is not even considered again: a conversation is frozen once)
    expect(second.batch.counts.refused.deleted).toBe(1);

    await sweep(h, plus(t0, DAY));
    const third = await exportTraining(h, plus(t0, 2 * DAY));
    expect(third.text).not.toContain('P09-');
    // the batch frozen before the second deletion keeps its copy (P11's exception)
    expect(holds(await rewriteBatch(h, first.batch.id), 'P09-DELETED-AFTER-BATCH-e5f6')).toBe(true);
  });

  it('P09 deleting the account excludes all of its conversations from later exports', async () => {
    const user = await h.newUser();
    await setTraining(h, user, true);
    await conversationWith(h, user, 'P09-ACCOUNT-GONE-7a8b');
    const erased = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } });
    expect(erased.statusCode).toBe(204);
    const batch = await exportTraining(h, h.clock.now());
    expect(holds(batch, 'P09-ACCOUNT-GONE-7a8b')).toBe(false);
    expect(batch.batch.counts.refused.deleted).toBeGreaterThanOrEqual(1);
  });
});
