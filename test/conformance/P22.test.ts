import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';
import { totpCodeAt, totpParameters } from '../../src/modules/mfa/totp.js';

/** P22 Accounts support multi-factor authentication; organisations can require it. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => h?.close());

const nextStep = () => h.clock.set(new Date(h.clock.now().getTime() + totpParameters.periodSeconds * 1000));

async function enrol(user: TestUser) {
  const start = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth });
  expect(start.statusCode).toBe(201);
  const { secret, otpauthUri } = start.json() as { secret: string; otpauthUri: string };
  expect(otpauthUri).toContain(`secret=${secret}`);
  const verify = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: user.auth, payload: { code: totpCodeAt(secret, h.clock.now()) } });
  expect(verify.statusCode).toBe(200);
  return { secret, recoveryCodes: verify.json().recoveryCodes as string[] };
}

describe('P22 multi-factor authentication', () => {
  it('P22: with TOTP on, signing in without a code answers 401 mfa_required, a right code succeeds, a wrong one fails', async () => {
    const user = await h.newUser();
    const { secret, recoveryCodes } = await enrol(user);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const bare = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } });
    expect(bare.statusCode).toBe(401);
    expect(bare.json().code).toBe('mfa_required');
    expect(bare.json().token).toBeUndefined();

    nextStep();
    const wrong = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, totp: totpCodeAt(secret, new Date(0)) } });
    expect(wrong.statusCode).toBe(401);
    const right = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, totp: totpCodeAt(secret, h.clock.now()) } });
    expect(right.statusCode).toBe(201);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${right.json().token}` } })).statusCode).toBe(200);

    // A right code never rescues a wrong password.
    nextStep();
    const badPassword = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: 'not the password', totp: totpCodeAt(secret, h.clock.now()) } });
    expect(badPassword.statusCode).toBe(401);
    expect(badPassword.json().code).toBe('invalid_credentials');
  });

  it('P22: each of the ten recovery codes signs in exactly once', async () => {
    const user = await h.newUser();
    const { recoveryCodes } = await enrol(user);
    for (const code of recoveryCodes.slice(0, 3)) {
      expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, recoveryCode: code } })).statusCode).toBe(201);
      expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, recoveryCode: code } })).statusCode).toBe(401);
    }
  });

  it('P22: turning MFA off needs the password and a code', async () => {
    const user = await h.newUser();
    const { secret } = await enrol(user);
    nextStep();
    const withoutPassword = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: 'guess', code: totpCodeAt(secret, h.clock.now()) } });
    expect(withoutPassword.statusCode).toBe(400);
    const withoutCode = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: user.password, code: '000000' } });
    expect(withoutCode.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } })).json().code).toBe('mfa_required');
    nextStep();
    const off = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: user.password, code: totpCodeAt(secret, h.clock.now()) } });
    expect(off.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } })).statusCode).toBe(201);
  });

  it('P22: an organisation that requires MFA keeps members without it away from content until they enrol', async () => {
    const strict = await h.container.organisations.create({ name: 'Strict', kind: 'enterprise', zeroDataRetention: false, retentionDays: null, trainingConsent: false, requireMfa: true });
    const relaxed = await h.container.organisations.create({ name: 'Relaxed', kind: 'team', zeroDataRetention: false, retentionDays: null, trainingConsent: false, requireMfa: false });
    const member = await h.newUser({ inviteToken: strict.inviteToken });
    const other = await h.newUser({ inviteToken: relaxed.inviteToken });

    for (const route of [
      { method: 'GET' as const, url: '/v1/conversations' },
      { method: 'POST' as const, url: '/v1/conversations', payload: {} },
      { method: 'GET' as const, url: '/v1/me/privacy' },
    ]) {
      const res = await h.app.inject({ ...route, headers: member.auth });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('mfa_enrollment_required');
      expect((await h.app.inject({ ...route, headers: other.auth })).statusCode).toBeLessThan(300);
    }
    const status = await h.app.inject({ method: 'GET', url: '/v1/me/mfa', headers: member.auth });
    expect(status.json()).toMatchObject({ requiredByOrganisation: true, totp: { enabled: false } });

    await enrol(member);
    expect((await h.app.inject({ method: 'GET', url: '/v1/conversations', headers: member.auth })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: member.auth, payload: {} })).statusCode).toBe(201);
  });
});
