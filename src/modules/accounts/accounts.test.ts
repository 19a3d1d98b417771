import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

describe('accounts and sessions', () => {
  it('creates a consumer account whose training setting starts off, and logs in with an opaque token', async () => {
    const user = await h.newUser();
    expect(user.token).toMatch(/^cst_[A-Za-z0-9_-]{40,}$/);
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.kind).toBe('consumer');
    expect(row.training_opt_in).toBe(false);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.pseudonym).toMatch(/^USER\d{12}$/);
    // the token itself is never stored, only its hash
    const sessions = await h.database.db.selectFrom('sessions').selectAll().where('account_id', '=', user.id).execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash.toString('utf8')).not.toContain(user.token);
    expect(sessions[0]!.token_hash).toHaveLength(32);
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const user = await h.newUser();
    const again = await h.app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email: user.email.toUpperCase(), password: 'another long password', name: 'X' },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('email_taken');
  });

  it('answers unknown email and wrong password identically', async () => {
    const user = await h.newUser();
    const wrong = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: 'not the password' } });
    const unknown = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: 'nobody@example.test', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
  });

  it('an organisation invite makes the account a member of that kind', async () => {
    const org = await h.container.organisations.create({ name: 'Acme', kind: 'enterprise', zeroDataRetention: false, retentionDays: 90, trainingConsent: false });
    const member = await h.newUser({ inviteToken: org.inviteToken });
    const row = await h.database.db.selectFrom('accounts').selectAll().where('id', '=', member.id).executeTakeFirstOrThrow();
    expect(row.kind).toBe('enterprise');
    expect(row.org_id).toBe(org.id);
    const bad = await h.app.inject({ method: 'POST', url: '/v1/accounts', payload: { email: 'x@example.test', password: 'long enough password', name: 'X', inviteToken: 'inv_nonsense' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('invalid_invite');
  });

  it('organisation windows must lie within the policy bounds', async () => {
    const max = h.policy.retention.conversations.team.maxDays;
    await expect(
      h.container.organisations.create({ name: 'Too long', kind: 'team', zeroDataRetention: false, retentionDays: max + 1, trainingConsent: false }),
    ).rejects.toMatchObject({ code: 'retention_out_of_bounds' });
  });

  it('a session expires after the policy window', async () => {
    const user = await h.newUser();
    const ok = await h.app.inject({ method: 'GET', url: '/v1/me/privacy', headers: user.auth });
    expect(ok.statusCode).toBe(200);
    h.clock.advanceDays(h.policy.retention.sessionsDays + 1);
    const expired = await h.app.inject({ method: 'GET', url: '/v1/me/privacy', headers: user.auth });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('invalid_token');
  });

  it('requests without a token or with a malformed one are 401', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/v1/conversations' })).statusCode).toBe(401);
    const bad = await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: { authorization: 'Bearer cst_doesnotexist' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('invalid_token');
  });
});
