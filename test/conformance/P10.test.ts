import { afterAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import type { Policy } from '../../src/policy/index.js';
import {
  DAY,
  cli,
  conversationWith,
  deleteConversation,
  exportTraining,
  open,
  plus,
  policyFileWith,
  removeTempDirs,
  setTraining,
  storedRows,
  sweep,
} from './lifecycle-support.js';

/**
 * P10: retention windows by account and consent. Every window is read from the policy file:
 * the scenario runs once on the shipped file and once on a file with every window changed, and
 * in both the data lives exactly until the deadline the file gives (still there one millisecond
 * before, gone at the deadline). Feedback, safety copies, classifier scores and technical logs
 * join this list as their sweep targets are registered.
 */
const harnesses: Harness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
  removeTempDirs();
});

interface Item {
  label: string;
  deadline: Date;
  present(): Promise<boolean>;
}

async function organisation(h: Harness, flags: string[]) {
  const created = await cli(h, ['org', 'create', '--name', `P10 ${flags.join(' ')}`, ...flags]);
  expect(created.stderr).toBe('');
  return JSON.parse(created.stdout) as { id: string; inviteToken: string };
}

async function scenario(h: Harness) {
  const t0 = h.clock.now();
  const r = h.policy.retention;
  const c = r.conversations;
  const items: Item[] = [];

  const conversation = async (
    label: string,
    user: Awaited<ReturnType<Harness['newUser']>>,
    days: number,
    rule: string | RegExp,
    options: { incognito?: boolean } = {},
  ) => {
    const created = await conversationWith(h, user, `P10-${label}`, options);
    const deadline = plus(t0, days * DAY);
    const retention = (await open(h, user, created.id)).json().retention as { deleteAfter: string; rule: string };
    expect({ label, deleteAfter: retention.deleteAfter }).toEqual({ label, deleteAfter: deadline.toISOString() });
    expect(retention.rule).toMatch(rule);
    items.push({ label, deadline, present: async () => (await storedRows(h, created.id)) > 0 });
    return created;
  };

  const optedOut = await h.newUser();
  await conversation('consumer-opted-out', optedOut, c.consumer.optedOutDays, 'retention.conversations.consumer.optedOutDays');
  if (r.incognitoDays > 0) await conversation('incognito', optedOut, r.incognitoDays, 'retention.incognitoDays', { incognito: true });

  const optedIn = await h.newUser();
  await setTraining(h, optedIn, true);
  await conversation('consumer-opted-in', optedIn, c.consumer.optedInDays, 'retention.conversations.consumer.optedInDays');

  const team = await h.newUser({ inviteToken: (await organisation(h, ['--kind', 'team'])).inviteToken });
  await conversation('team-default', team, c.team.defaultDays, 'retention.conversations.team.defaultDays');

  // an organisation's own window, within the policy's bounds
  const ownDays = Math.min(c.team.maxDays, c.team.defaultDays + 5);
  const teamOwn = await h.newUser({ inviteToken: (await organisation(h, ['--kind', 'team', '--retention-days', String(ownDays)])).inviteToken });
  await conversation('team-own-window', teamOwn, ownDays, /^retention\.conversations\.team\./);

  const enterprise = await h.newUser({ inviteToken: (await organisation(h, ['--kind', 'enterprise'])).inviteToken });
  await conversation('enterprise-default', enterprise, c.enterprise.defaultDays, 'retention.conversations.enterprise.defaultDays');

  const api = await h.newUser({ inviteToken: (await organisation(h, ['--kind', 'api'])).inviteToken });
  await conversation('api', api, c.api.days, 'retention.conversations.api.days');

  // zero data retention: content is never written; the row of ids and times keeps the org window
  const zdr = await h.newUser({ inviteToken: (await organisation(h, ['--kind', 'team', '--zero-data-retention'])).inviteToken });
  const zdrConversation = await conversation('zero-data-retention', zdr, c.team.defaultDays, 'retention.zeroDataRetentionDays');
  const zdrMessages = await h.database.db.selectFrom('messages').select('content').where('conversation_id', '=', zdrConversation.id).execute();
  expect(zdrMessages.map((m) => m.content)).toEqual([null]);
  expect(r.zeroDataRetentionDays).toBe(0);

  // a deleted conversation: gone after the grace, never later than the maximum
  const deleted = await conversationWith(h, optedOut, 'P10-deleted');
  await deleteConversation(h, optedOut, deleted.id);
  const deletedDeadline = plus(t0, Math.min(r.deleted.graceDays, r.deleted.maxDays) * DAY);
  const row = await h.database.db.selectFrom('conversations').select('delete_after').where('id', '=', deleted.id).executeTakeFirstOrThrow();
  expect(new Date(row.delete_after!).toISOString()).toBe(deletedDeadline.toISOString());
  items.push({ label: 'deleted', deadline: deletedDeadline, present: async () => (await storedRows(h, deleted.id)) > 0 });

  // a frozen training batch keeps the training batch window from its export instant
  const batch = await exportTraining(h, t0);
  expect(batch.lines.length).toBeGreaterThan(0);
  items.push({
    label: 'training-batch',
    deadline: plus(t0, r.trainingBatchDays * DAY),
    present: async () => Boolean(await h.database.db.selectFrom('training_batches').select('id').where('id', '=', batch.batch.id).executeTakeFirst()),
  });

  // walk the deadlines in order: each item lives exactly until its own
  const deadlines = [...new Set(items.map((i) => i.deadline.getTime()))].sort((a, b) => a - b);
  for (const d of deadlines) {
    await sweep(h, new Date(d - 1));
    for (const item of items) {
      expect({ label: item.label, present: await item.present() }).toEqual({ label: item.label, present: item.deadline.getTime() > d - 1 });
    }
    await sweep(h, new Date(d));
    for (const item of items) {
      expect({ label: item.label, present: await item.present() }).toEqual({ label: item.label, present: item.deadline.getTime() > d });
    }
  }
}

describe('P10 retention windows', () => {
  it('P10 every window of the shipped policy file is enforced to the millisecond', async () => {
    const h = await createHarness();
    harnesses.push(h);
    await scenario(h);
  });

  it('P10 a policy file with other windows is followed, not the shipped numbers', async () => {
    const changed: Policy = policyFileWith((p) => {
      const c = p.retention.conversations;
      c.consumer.optedOutDays = 11;
      c.consumer.optedInDays = 400;
      c.team = { defaultDays: 12, minDays: 2, maxDays: 90 };
      c.enterprise = { defaultDays: 13, minDays: 2, maxDays: 90 };
      c.api.days = 14;
      p.retention.incognitoDays = 15;
      p.retention.deleted = { graceDays: 3, maxDays: 5 };
      p.retention.trainingBatchDays = 500;
    });
    const h = await createHarness({ policy: changed });
    harnesses.push(h);
    expect(h.policy.retention.conversations.consumer.optedOutDays).toBe(11);
    await scenario(h);
  });
});
