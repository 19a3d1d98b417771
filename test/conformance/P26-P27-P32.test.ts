import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDisclosuresModule } from '../../src/modules/disclosures/disclosures.service.js';
import { policySchema, type Policy } from '../../src/policy/index.js';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { newStaff, type TestStaff } from '../support/staff.js';

/**
 * P26 Personal data is never sold or shared for advertising; every disclosure to a third party goes
 * through a registered recipient with a purpose and is recorded; the subprocessor list is published.
 * P27 Disclosures required by law are recorded with their legal basis and scope, and the user is
 * notified unless the law forbids it.
 * P32 Data stays in the region the account belongs to; moving it out is refused unless a recorded
 * transfer rule allows it.
 *
 * The policy here is the shipped file with two more recipients (an authority in the region, a
 * subprocessor outside it) and a transfer rule that a second server adds, so the tests follow the
 * file rather than hard-coded names.
 */
let h: Harness;
let user: TestUser;
let legal: TestStaff;
let support: TestStaff;
let policy: Policy;
const BASIS = 'Production order 2026/417, Court of Example';

beforeAll(async () => {
  const shipped = (await import('../../src/policy/index.js')).loadPolicy();
  const home = shipped.regions.default;
  const abroad = shipped.regions.available.find((r) => r !== home)!;
  policy = {
    ...shipped,
    recipients: [
      ...shipped.recipients,
      { id: 'court-of-example', kind: 'authority', name: 'Court of Example', purpose: 'court orders', regions: [home] },
      { id: 'analytics-abroad', kind: 'subprocessor', name: 'Offshore Processor', purpose: 'crash analysis', regions: [abroad] },
    ],
    regions: { ...shipped.regions, transfers: [] },
  };
  h = await createHarness({ policy });
  user = await h.newUser();
  legal = await newStaff(h, 'legal');
  support = await newStaff(h, 'support');
});
afterAll(async () => h.close());

const record = (staff: TestStaff, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/staff/disclosures', headers: staff.auth, payload: { accountId: user.id, ...payload } });
const mine = async () => (await h.app.inject({ method: 'GET', url: '/v1/me/disclosures', headers: user.auth })).json().disclosures as { recipient: { id: string }; legalBasis: string | null; scope: string[]; transfer: unknown }[];

describe('P26 registered recipients only, recorded, published', () => {
  it('P26 the recipient list and the region are published, straight from the policy file', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/policy/recipients' });
    expect(res.statusCode).toBe(200);
    expect(res.json().region).toBe(policy.regions.default);
    expect(res.json().recipients.map((r: { id: string }) => r.id)).toEqual(policy.recipients.map((r) => r.id));
  });

  it('P26 a disclosure to anyone not registered is refused and leaves no record', async () => {
    const res = await record(legal, { recipientId: 'ad-network', purpose: 'targeting', scope: ['conversations'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('unregistered_recipient');
    expect(await h.container.db.selectFrom('disclosures').select('id').execute()).toEqual([]);
  });

  it('P26 the policy file has no kind of recipient to sell to or advertise with', () => {
    const withAdvertiser = { ...policy, recipients: [...policy.recipients, { id: 'ads', kind: 'advertiser', name: 'Ads', purpose: 'advertising', regions: [policy.regions.default] }] };
    expect(policySchema.safeParse(withAdvertiser).success).toBe(false);
    expect(policySchema.safeParse(policy).success).toBe(true);
  });

  it('P26 only roles that act on legal obligations record disclosures', async () => {
    const res = await record(support, { recipientId: policy.recipients[0]!.id, purpose: 'hosting', scope: ['account'] });
    expect(res.statusCode).toBe(403);
  });
});

describe('P27 disclosures required by law', () => {
  it('P27 a disclosure to an authority needs its legal basis; recorded with basis and scope, audited, and the user told', async () => {
    const without = await record(legal, { recipientId: 'court-of-example', purpose: 'court order', scope: ['conversations'] });
    expect(without.json().code).toBe('legal_basis_required');
    const sentBefore = h.outbox.sent.length;
    const res = await record(legal, { recipientId: 'court-of-example', purpose: 'court order', legalBasis: BASIS, scope: ['conversations', 'account'] });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ recipient: { id: 'court-of-example', kind: 'authority' }, legalBasis: BASIS, scope: ['account', 'conversations'], transfer: null, notifySubject: true });
    expect(await mine()).toMatchObject([{ recipient: { id: 'court-of-example' }, legalBasis: BASIS, scope: ['account', 'conversations'] }]);
    expect(h.outbox.sent.slice(sentBefore)).toMatchObject([{ to: user.email }]);
    expect(h.outbox.sent.at(-1)!.text).toContain('Court of Example');
    // The audit entry holds references and a digest of the basis, never its text.
    const entry = await h.container.db.selectFrom('audit_entries').select(['details']).where('action', '=', 'disclosure.record').executeTakeFirstOrThrow();
    expect(entry.details).toContain('"recipient":"court-of-example"');
    expect(entry.details).not.toContain('Production order');
  });

  it('P27 a disclosure the law forbids telling about is kept from the user, and needs that legal basis', async () => {
    const noBasis = await record(legal, { recipientId: policy.recipients[0]!.id, purpose: 'hosting', scope: ['account'], notifySubject: false });
    expect(noBasis.json().code).toBe('silence_needs_legal_basis');
    const sentBefore = h.outbox.sent.length;
    const gagged = await record(legal, { recipientId: 'court-of-example', purpose: 'sealed order', legalBasis: 'Sealed order 9, non-disclosure', scope: ['account'], notifySubject: false });
    expect(gagged.statusCode).toBe(201);
    expect(h.outbox.sent.length).toBe(sentBefore);
    expect((await mine()).map((d) => d.legalBasis)).toEqual([BASIS]);
    expect(await h.container.db.selectFrom('disclosures').select('id').execute()).toHaveLength(2);
  });

  it('P27 the records cannot be edited or deleted', async () => {
    await expect(h.container.db.deleteFrom('disclosures').execute()).rejects.toThrow(/append-only/);
  });
});

describe('P32 data stays in its region', () => {
  it('P32 a disclosure to a recipient outside the region is refused without a transfer rule, and recorded with the rule when one allows it', async () => {
    const refused = await record(legal, { recipientId: 'analytics-abroad', purpose: 'crash analysis', scope: ['technical'] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('transfer_not_allowed');

    // The operator adds a transfer rule to the policy file: a server on that file allows it.
    const abroad = policy.recipients.find((r) => r.id === 'analytics-abroad')!.regions[0]!;
    const withRule: Policy = { ...policy, regions: { ...policy.regions, transfers: [{ from: policy.regions.default, to: abroad, basis: 'Standard contractual clauses 2021/914' }] } };
    const ruled = await createHarness({ policy: withRule });
    try {
      const owner = await ruled.newUser();
      const officer = await newStaff(ruled, 'privacy_officer');
      const res = await ruled.app.inject({ method: 'POST', url: '/v1/staff/disclosures', headers: officer.auth, payload: { accountId: owner.id, recipientId: 'analytics-abroad', purpose: 'crash analysis', scope: ['technical'] } });
      expect(res.statusCode).toBe(201);
      expect(res.json().transfer).toEqual({ to: abroad, basis: 'Standard contractual clauses 2021/914' });
    } finally {
      await ruled.close();
    }
  });

  it('P32 a deployment refuses to start for a region the policy does not name', () => {
    expect(() => createDisclosuresModule({ db: h.container.db, clock: h.clock, policy, region: 'atlantis' })).toThrow(/region atlantis is not one of the policy's regions/);
  });
});
