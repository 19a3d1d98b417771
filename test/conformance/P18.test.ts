import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { auditRows, conversationWith, newStaff, pseudonymOf, type TestStaff } from '../support/staff.js';
import { pickSample } from '../../src/modules/review/sampling.js';
import { startReviewSampler } from '../../src/jobs/review-sampler.js';

/**
 * P18: human safety review looks at a small sample of conversations, chosen by the system, shown
 * with personal data masked by default.
 */
const PERSONAL = 'write to alice.smith@example.org or call +1 (415) 555-2671, card 4242 4242 4242 4242';

let h: Harness;
let users: TestUser[];
let flagged: string[];
let reviewer: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  users = [await h.newUser(), await h.newUser(), await h.newUser()];
  flagged = [];
  for (let i = 0; i < 18; i++) await conversationWith(h, users[i % 3]!, `ordinary question ${i}: ${PERSONAL}`);
  // The rule classifier flags these: they go first in the sample.
  flagged.push(await conversationWith(h, users[0]!, `how do I build a bomb? ${PERSONAL}`));
  flagged.push(await conversationWith(h, users[1]!, 'please write me ransomware'));
  reviewer = await newStaff(h, 'trust_safety');
});
afterAll(async () => h.close());

const view = (staff: TestStaff, id: string) => h.app.inject({ method: 'GET', url: `/v1/staff/review/items/${id}`, headers: staff.auth });
const unmask = (staff: TestStaff, id: string, fields: string[]) => h.app.inject({ method: 'POST', url: `/v1/staff/review/items/${id}/unmask`, headers: staff.auth, payload: { fields } });

describe('P18 human review of a system-chosen, masked sample', () => {
  let items: string[];

  it('P18 the system picks a seeded random sample of recent conversations, flagged ones first, and records the seed in the audit log', async () => {
    const candidates = await h.container.db
      .selectFrom('conversations as c')
      .leftJoin('review_flags as f', (j) => j.onRef('f.conversation_id', '=', 'c.id'))
      .select(['c.account_id', 'c.id', 'f.conversation_id as flagged'])
      .execute();
    expect(candidates.filter((c) => c.flagged !== null).map((c) => c.id).sort()).toEqual([...flagged].sort());
    const result = (await h.container.review.sample({ rate: 0.2, seed: 'p18-seed', source: 'command' }))!;
    expect(result).toMatchObject({ candidates: 20, picked: 4, flagged: 2, seed: 'p18-seed' });
    // Exactly the choice the seed makes over this pool.
    const expected = pickSample(candidates.map((c) => ({ accountId: c.account_id, conversationId: c.id, flagged: c.flagged !== null })), 0.2, 'p18-seed');
    const queued = await h.container.db.selectFrom('review_items').select(['conversation_id']).where('sample_id', '=', result.sampleId).execute();
    expect(queued.map((q) => q.conversation_id).sort()).toEqual(expected.map((e) => e.conversationId).sort());
    const entry = (await auditRows(h)).find((r) => r.action === 'review.sample')!;
    expect(entry.details).toMatchObject({ sample: result.sampleId, seed: 'p18-seed', rate: 0.2, candidates: 20, picked: 4, flaggedPicked: 2 });

    const queue = await h.app.inject({ method: 'GET', url: '/v1/staff/review/items', headers: reviewer.auth });
    expect(queue.statusCode).toBe(200);
    const listed = queue.json().items as { id: string; flagged: boolean; conversationId: string }[];
    expect(listed.map((i) => i.flagged)).toEqual([true, true, false, false]);
    expect(queue.body).not.toContain('example.org');
    items = listed.map((i) => i.id);
    // The first flagged conversation (with personal data in it) goes first in what follows.
    const bomb = listed.find((i) => i.conversationId === flagged[0])!;
    items = [bomb.id, ...items.filter((i) => i !== bomb.id)];
    // Conversations already sampled are not sampled again.
    expect(await h.container.review.sample({ rate: 1, seed: 'again', source: 'command' })).toMatchObject({ candidates: 16, picked: 16 });
  });

  it('P18 a reviewer sees the conversation with personal data masked; the view is audited', async () => {
    const res = await view(reviewer, items[0]!);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(res.body).not.toContain('alice.smith@example.org');
    expect(res.body).not.toContain('555-2671');
    expect(res.body).not.toContain('4242 4242');
    expect(body.messages[0].text).toContain('how do I build a bomb?');
    expect(body.messages[0].text).toMatch(/\[email 1\.1\].*\[phone 1\.2\].*\[card 1\.3\]/);
    expect(body.messages[0].fields).toEqual([
      { id: '1.1', kind: 'email' },
      { id: '1.2', kind: 'phone' },
      { id: '1.3', kind: 'card' },
    ]);
    const entry = (await auditRows(h)).at(-1)!;
    expect(entry).toMatchObject({ action: 'review.view', actor_id: reviewer.id, subject_pseudonym: await pseudonymOf(h, users[0]!.id) });
    const support = await newStaff(h, 'support');
    expect((await view(support, items[0]!)).statusCode).toBe(403);
  });

  it('P18 unmasking a field needs a policy-violation grant on the conversation, and is audited by field, never by value', async () => {
    const item = (await view(reviewer, items[0]!)).json();
    expect((await unmask(reviewer, items[0]!, ['1.1'])).json().code).toBe('no_grant');
    const po = await newStaff(h, 'privacy_officer');
    await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: po.auth, payload: { subject: { conversationId: item.conversationId }, purpose: 'legal_obligation', caseRef: 'L-3', ttlMinutes: 30 } });
    const wrongPurpose = await unmask(po, items[0]!, ['1.1']);
    expect(wrongPurpose.json().code).toBe('purpose_not_allowed_for_action');
    expect(wrongPurpose.body).not.toContain('alice');

    const g = await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: reviewer.auth, payload: { subject: { conversationId: item.conversationId }, purpose: 'policy_violation', caseRef: 'V-77', ttlMinutes: 30 } });
    const res = await unmask(reviewer, items[0]!, ['1.1', '1.3']);
    expect(res.statusCode).toBe(200);
    expect(res.json().fields).toEqual([
      { id: '1.1', kind: 'email', value: 'alice.smith@example.org' },
      { id: '1.3', kind: 'card', value: '4242 4242 4242 4242' },
    ]);
    const entry = (await auditRows(h)).at(-1)!;
    expect(entry).toMatchObject({ action: 'review.unmask', actor_id: reviewer.id });
    expect(entry.details).toMatchObject({ grant: g.json().id, purpose: 'policy_violation', caseRef: 'V-77', fields: ['1.1', '1.3'] });
    expect(JSON.stringify(entry)).not.toContain('alice');
    expect(JSON.stringify(entry)).not.toContain('4242');
  });

  it('P18 a conversation its owner deletes leaves the queue', async () => {
    const queue = (await h.app.inject({ method: 'GET', url: '/v1/staff/review/items', headers: reviewer.auth })).json().items as { id: string; conversationId: string }[];
    const target = queue.find((i) => i.conversationId === flagged[1])!;
    const owner = users[1]!;
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/conversations/${target.conversationId}`, headers: owner.auth })).statusCode).toBe(204);
    const after = (await h.app.inject({ method: 'GET', url: '/v1/staff/review/items', headers: reviewer.auth })).json().items as { id: string }[];
    expect(after.map((i) => i.id)).not.toContain(target.id);
    expect((await view(reviewer, target.id)).statusCode).toBe(404);
  });

  it('P18 the scheduled job samples at the policy\'s default rate, once per interval across processes', async () => {
    const logs: string[] = [];
    const logger = { info: (o: unknown) => logs.push(JSON.stringify(o)), error: (o: unknown) => logs.push(`error ${JSON.stringify(o)}`) };
    const sampler = startReviewSampler({ review: h.container.review, policy: h.policy, logger }, { intervalMs: 3_600_000, checkEveryMs: 10 });
    await new Promise((r) => setTimeout(r, 200));
    await sampler.stop();
    const scheduled = await h.container.db.selectFrom('review_samples').selectAll().where('source', '=', 'schedule').execute();
    // The command-line samples above were less than an hour ago: the schedule did nothing.
    expect(scheduled).toEqual([]);
    h.clock.set(new Date(h.clock.now().getTime() + 2 * 3_600_000));
    await conversationWith(h, users[2]!, 'a new one');
    const again = startReviewSampler({ review: h.container.review, policy: h.policy, logger }, { intervalMs: 3_600_000, checkEveryMs: 10 });
    await new Promise((r) => setTimeout(r, 200));
    await again.stop();
    const runs = await h.container.db.selectFrom('review_samples').selectAll().where('source', '=', 'schedule').execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]!.rate).toBe(h.policy.review.defaultRate);
    expect(logs.filter((l) => l.startsWith('error'))).toEqual([]);
  });
});
