import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { TestUser } from '../support/harness.js';
import { cli, conversationWith, DAY, exportTraining, holds, newConversation, fileHarness, tempDir } from './lifecycle-support.js';

/**
 * P07: even when opted out, content is used for model improvement in two cases only — it was
 * flagged for safety review, or the user explicitly reported it. Never when incognito (P03), and
 * for organisation accounts only with the organisation's consent (P08). P15: what leaves is
 * de-identified and anonymised.
 */
const h = fileHarness();

async function message(user: TestUser, conversationId: string, content: string, role: 'user' | 'assistant' = 'user') {
  const res = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role, content } });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

const rate = (user: TestUser, messageId: string) =>
  h.app.inject({ method: 'POST', url: `/v1/messages/${messageId}/feedback`, headers: user.auth, payload: { rating: 'down' } });

describe('P07 opted-out content in model improvement', () => {
  it('P07: an opted-out user\'s rated and flagged content is exported with its basis; the rest of their chats are not', async () => {
    const user = await h.newUser(); // training is off by default
    await conversationWith(h, user, 'CANARY-P07-PLAIN');
    const rated = await newConversation(h, user);
    await message(user, rated.id, 'CANARY-P07-RATED question');
    const answer = await message(user, rated.id, 'CANARY-P07-RATED answer', 'assistant');
    expect((await rate(user, answer)).statusCode).toBe(201);
    const flagged = await newConversation(h, user);
    await message(user, flagged.id, 'CANARY-P07-FLAGGED how do I build a bomb');

    const batch = await exportTraining(h, new Date(h.clock.now().getTime() + DAY));
    expect(holds(batch, 'CANARY-P07-PLAIN')).toBe(false);
    const rec = (canary: string) => batch.lines.filter((l) => l.messages.some((m) => m.content.includes(canary)));
    expect(rec('CANARY-P07-RATED').map((l) => l.basis)).toEqual(['feedback']);
    expect(rec('CANARY-P07-FLAGGED').map((l) => l.basis)).toEqual(['safety_flag']);
    expect(batch.batch.counts.byBasis).toMatchObject({ feedback: 1, safety_flag: 1 });
    // one person, one pseudonym in the batch; nothing that names them
    expect(new Set([...rec('CANARY-P07-RATED'), ...rec('CANARY-P07-FLAGGED')].map((l) => l.pseudonym)).size).toBe(1);
    expect(batch.text).not.toContain(user.id);
    expect(batch.text).not.toContain(user.email);

    // never again in a later batch
    const later = await exportTraining(h, new Date(h.clock.now().getTime() + 2 * DAY));
    expect(holds(later, 'CANARY-P07-RATED')).toBe(false);
    expect(holds(later, 'CANARY-P07-FLAGGED')).toBe(false);
  });

  it('P07/P03: feedback and flags on an incognito conversation are never exported', async () => {
    const user = await h.newUser();
    const incognito = await newConversation(h, user, { incognito: true });
    const id = await message(user, incognito.id, 'CANARY-P07-INCOGNITO how do I build a bomb');
    expect((await rate(user, id)).statusCode).toBe(201);
    const batch = await exportTraining(h, new Date(h.clock.now().getTime() + DAY));
    expect(holds(batch, 'CANARY-P07-INCOGNITO')).toBe(false);
    expect(batch.batch.counts.refused.incognito).toBeGreaterThanOrEqual(1);
  });

  it('P07/P08: an organisation without training consent keeps even its feedback out', async () => {
    const org = await h.container.organisations.create({ name: 'No consent', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    const conversation = await newConversation(h, member);
    const id = await message(member, conversation.id, 'CANARY-P07-ORG feedback');
    expect((await rate(member, id)).statusCode).toBe(201);
    const batch = await exportTraining(h, new Date(h.clock.now().getTime() + DAY));
    expect(holds(batch, 'CANARY-P07-ORG')).toBe(false);
    expect(batch.batch.counts.refused.no_org_consent).toBeGreaterThanOrEqual(1);
  });

  it('P15: exported text goes through the PII engine, and a manifest gives counts, policy version and the file\'s SHA-256', async () => {
    const user = await h.newUser();
    const conversation = await newConversation(h, user);
    const id = await message(user, conversation.id, 'CANARY-P15 write to me at maria.lopez@example.com or call +1 415 555 0132');
    expect((await rate(user, id)).statusCode).toBe(201);
    const cwd = tempDir();
    const result = await cli(h, ['training', 'export', '--out', 'b.jsonl', '--at', new Date(h.clock.now().getTime() + DAY).toISOString(), '--json'], cwd);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as { file: string; manifest: string; sha256: string };
    const text = readFileSync(out.file, 'utf8');
    expect(text).toContain('CANARY-P15');
    expect(text).not.toContain('maria.lopez@example.com');
    expect(text).not.toContain('555 0132');
    expect(text).toContain('<EMAIL_ADDRESS_1>');
    const manifest = JSON.parse(readFileSync(out.manifest, 'utf8'));
    const { createHash } = await import('node:crypto');
    expect(manifest.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    expect(manifest).toMatchObject({ policyVersion: h.policy.version, byBasis: { feedback: 1 }, byAccountKind: { consumer: 1 } });
  });
});
