import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { conversationWith, newStaff, type TestStaff } from '../support/staff.js';

/**
 * P20: users can see the log of staff access to their own data. Each line comes with an RFC 6962
 * inclusion proof against the latest signed checkpoint, which the user checks with nothing but
 * SHA-256 and Ed25519: the computation below is written out here on purpose, independent of the
 * project's own Merkle code.
 */
let h: Harness;
let user: TestUser;
let bystander: TestUser;
let conv: string;
let ts: TestStaff;
let legal: TestStaff;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  bystander = await h.newUser();
  conv = await conversationWith(h, user, 'P20 content');
  await conversationWith(h, bystander, 'P20 bystander');
  ts = await newStaff(h, 'trust_safety');
  legal = await newStaff(h, 'legal');
});
afterAll(async () => h.close());

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 9162 §2.1.3.2, as a user would write it. */
function rootFromProof(index: number, size: number, leaf: Buffer, proof: Buffer[]): Buffer {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('proof too short');
  return r;
}

describe('P20 the user sees staff access to their data', () => {
  it('P20 every access is listed with when, role, purpose, case and what was opened, each provably in the signed log', async () => {
    await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: ts.auth, payload: { subject: { accountId: user.id }, purpose: 'policy_violation', caseRef: 'V-100', ttlMinutes: 60 } });
    await h.app.inject({ method: 'GET', url: `/v1/staff/accounts/${user.id}/conversations`, headers: ts.auth });
    await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}`, headers: ts.auth });
    h.clock.set(new Date(h.clock.now().getTime() + 60_000));
    await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: legal.auth, payload: { subject: { conversationId: conv }, purpose: 'legal_obligation', caseRef: 'COURT-7', ttlMinutes: 60 } });
    await h.app.inject({ method: 'GET', url: `/v1/staff/conversations/${conv}`, headers: legal.auth });
    // Someone else's data: not in this user's log.
    await h.app.inject({ method: 'POST', url: '/v1/staff/grants', headers: ts.auth, payload: { subject: { accountId: bystander.id }, purpose: 'policy_violation', caseRef: 'V-200', ttlMinutes: 60 } });
    await h.app.inject({ method: 'GET', url: `/v1/staff/accounts/${bystander.id}/conversations`, headers: ts.auth });

    const res = await h.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: user.auth });
    expect(res.statusCode).toBe(200);
    const log = res.json();
    expect(log.entries.map((e: Record<string, unknown>) => [e.staffRole, e.purpose, e.caseRef, e.opened, e.conversationId])).toEqual([
      ['legal', 'legal_obligation', 'COURT-7', 'conversation', conv],
      ['trust_safety', 'policy_violation', 'V-100', 'conversation', conv],
      ['trust_safety', 'policy_violation', 'V-100', 'conversation_list', null],
    ]);
    expect(Date.parse(log.entries[0].at)).toBe(h.clock.now().getTime());
    expect(res.body).not.toContain('V-200');

    // The user fetches the checkpoint and its key from the public route and checks everything.
    const published = (await h.app.inject({ method: 'GET', url: '/v1/audit/checkpoint' })).json();
    expect(published.checkpoint.size).toBeGreaterThanOrEqual(log.checkpoint.size);
    const key = createPublicKey({ key: published.key.publicKeyPem, format: 'pem' });
    const cp = log.checkpoint;
    const body = Buffer.from(`${cp.origin}\n${cp.size}\n${cp.rootHash}\n`, 'utf8');
    expect(verify(null, body, key, Buffer.from(cp.signature, 'base64'))).toBe(true);
    const root = Buffer.from(cp.rootHash, 'base64');
    for (const e of log.entries) {
      const leaf = sha256(Buffer.from([0]), Buffer.from(e.entry, 'utf8'));
      expect(leaf.toString('base64')).toBe(e.leafHash);
      expect(rootFromProof(e.leafIndex, cp.size, leaf, e.proof.map((p: string) => Buffer.from(p, 'base64'))).equals(root)).toBe(true);
      // The entry names the user only by pseudonym.
      expect(e.entry).not.toContain(user.email);
    }
    // A forged line does not verify.
    const forged = sha256(Buffer.from([0]), Buffer.from(log.entries[0].entry.replace('COURT-7', 'COURT-8'), 'utf8'));
    expect(rootFromProof(log.entries[0].leafIndex, cp.size, forged, log.entries[0].proof.map((p: string) => Buffer.from(p, 'base64'))).equals(root)).toBe(false);
  });

  it('P20 a masked review of the user\'s conversation is listed too', async () => {
    const sample = (await h.container.review.sample({ rate: 1, seed: 'p20', source: 'command' }))!;
    const item = await h.container.db.selectFrom('review_items').select(['id']).where('sample_id', '=', sample.sampleId).where('conversation_id', '=', conv).executeTakeFirstOrThrow();
    expect((await h.app.inject({ method: 'GET', url: `/v1/staff/review/items/${item.id}`, headers: ts.auth })).statusCode).toBe(200);
    const log = (await h.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: user.auth })).json();
    expect(log.entries[0]).toMatchObject({ action: 'review.view', staffRole: 'trust_safety', opened: 'masked_conversation', conversationId: conv });
  });

  it('P20 the log and the checkpoint need no staff credentials; the log needs the user\'s own', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/access-log' })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/access-log', headers: ts.auth })).statusCode).toBe(401);
    const cp = await h.app.inject({ method: 'GET', url: '/v1/audit/checkpoint' });
    expect(cp.statusCode).toBe(200);
    expect(cp.json().checkpoint.note).toContain('\n\n\u2014 ');
  });
});
