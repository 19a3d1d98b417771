import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { auditRows, pseudonymOf } from '../../../test/support/staff.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

async function orgWithAdmin() {
  const org = await h.container.organisations.create({ name: 'Settings Org', kind: 'enterprise', zeroDataRetention: false, retentionDays: null, trainingConsent: false });
  const admin = await h.newUser({ inviteToken: org.inviteToken });
  const member = await h.newUser({ inviteToken: org.inviteToken });
  await h.container.grants.setOrgAdmin(org.id, admin.id, true);
  return { org, admin, member };
}

describe("an organisation's settings over HTTP", () => {
  it('its administrator reads them with the policy bounds, and changes them; the entry names the administrator', async () => {
    const { org, admin } = await orgWithAdmin();
    const read = await h.app.inject({ method: 'GET', url: `/v1/orgs/${org.id}/settings`, headers: admin.auth });
    expect(read.statusCode).toBe(200);
    const bounds = h.policy.retention.conversations.enterprise;
    expect(read.json()).toMatchObject({ kind: 'enterprise', retentionDays: null, trainingConsent: false, retentionBounds: { minDays: bounds.minDays, maxDays: bounds.maxDays } });

    const changed = await h.app.inject({ method: 'PATCH', url: `/v1/orgs/${org.id}/settings`, headers: admin.auth, payload: { retentionDays: bounds.minDays, trainingConsent: true } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ retentionDays: bounds.minDays, trainingConsent: true, changed: ['retentionDays', 'trainingConsent'] });
    const entry = (await auditRows(h)).filter((r) => r.action === 'org.settings').at(-1)!;
    expect(entry).toMatchObject({ actor_kind: 'user', actor_id: await pseudonymOf(h, admin.id) });
    expect(entry.details).toMatchObject({ org: org.id, actorRole: 'org_admin', changed: ['retentionDays', 'trainingConsent'] });
  });

  it('a member who is not an administrator is refused; bad changes are refused with a problem and change nothing', async () => {
    const { org, admin, member } = await orgWithAdmin();
    const asMember = await h.app.inject({ method: 'PATCH', url: `/v1/orgs/${org.id}/settings`, headers: member.auth, payload: { trainingConsent: true } });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json()).toMatchObject({ code: 'not_org_admin' });
    expect((await h.app.inject({ method: 'GET', url: `/v1/orgs/${org.id}/settings`, headers: member.auth })).statusCode).toBe(403);

    const refusals = [
      { retentionDays: 100_000 },
      {},
      { zeroDataRetention: true },
      { kind: 'team' },
      { trainingConsent: 'yes' },
    ];
    for (const payload of refusals) {
      const res = await h.app.inject({ method: 'PATCH', url: `/v1/orgs/${org.id}/settings`, headers: admin.auth, payload });
      expect({ payload, status: res.statusCode }).toEqual({ payload, status: 400 });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    const after = (await h.app.inject({ method: 'GET', url: `/v1/orgs/${org.id}/settings`, headers: admin.auth })).json();
    expect(after).toMatchObject({ retentionDays: null, trainingConsent: false, zeroDataRetention: false, kind: 'enterprise' });
  });
});
