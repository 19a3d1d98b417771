import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { containsAnyEncoding, dumpDatabase } from '../../../test/support/dump.js';
import { aesGcmSealer, loadOrCreateSealingKey } from './secret-sealer.js';
import { checkTotp, newRecoveryCode, newTotpSecret, RECOVERY_CODE, recoveryCodeHash, totpCodeAt, totpParameters } from './totp.js';
import { createMfaModule } from './mfa.service.js';

describe('secret sealer', () => {
  const sealer = aesGcmSealer(randomBytes(32));

  it('opens what it sealed for the same context only', () => {
    const sealed = sealer.seal(Buffer.from('JBSWY3DPEHPK3PXP'), 'mfa_totp:a');
    expect(sealer.open(sealed, 'mfa_totp:a').toString()).toBe('JBSWY3DPEHPK3PXP');
    expect(() => sealer.open(sealed, 'mfa_totp:b')).toThrow();
    expect(() => aesGcmSealer(randomBytes(32)).open(sealed, 'mfa_totp:a')).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[20] = tampered[20]! ^ 1;
    expect(() => sealer.open(tampered, 'mfa_totp:a')).toThrow();
    // Random IVs: the same secret never seals to the same bytes.
    expect(sealer.seal(Buffer.from('x'), 'c').equals(sealer.seal(Buffer.from('x'), 'c'))).toBe(false);
  });

  it('keeps the embedded key in an owner-only file and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'custos-seal-'));
    try {
      const first = loadOrCreateSealingKey(dir);
      expect(first).toHaveLength(32);
      expect(statSync(join(dir, 'sealing.key')).mode & 0o777).toBe(0o600);
      expect(loadOrCreateSealingKey(dir).equals(first)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('TOTP and recovery codes', () => {
  const at = new Date('2026-06-01T12:00:00Z');

  it('accepts the current code and one step either side, nothing further, never the same step twice', () => {
    const secret = newTotpSecret();
    const step = totpParameters.periodSeconds * 1000;
    const now = checkTotp(secret, totpCodeAt(secret, at), at, null);
    expect(now.valid).toBe(true);
    expect(checkTotp(secret, totpCodeAt(secret, new Date(at.getTime() - step)), at, null).valid).toBe(true);
    expect(checkTotp(secret, totpCodeAt(secret, new Date(at.getTime() + step)), at, null).valid).toBe(true);
    expect(checkTotp(secret, totpCodeAt(secret, new Date(at.getTime() - 3 * step)), at, null).valid).toBe(false);
    if (now.valid) expect(checkTotp(secret, totpCodeAt(secret, at), at, now.timeStep).valid).toBe(false);
    expect(checkTotp(secret, 'abcdef', at, null).valid).toBe(false);
  });

  it('recovery codes carry 80 bits, have one shape, and hash the same with or without dashes', () => {
    const codes = new Set(Array.from({ length: 200 }, newRecoveryCode));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/);
      expect(RECOVERY_CODE.test(code)).toBe(true);
      expect(recoveryCodeHash(code.replace(/-/g, '').toUpperCase()).equals(recoveryCodeHash(code))).toBe(true);
    }
  });
});

describe('MFA over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  async function enrol(user: TestUser) {
    const start = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth });
    expect(start.statusCode).toBe(201);
    const { secret, otpauthUri } = start.json() as { secret: string; otpauthUri: string };
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(otpauthUri).searchParams.get('secret')).toBe(secret);
    const verify = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: user.auth, payload: { code: totpCodeAt(secret, h.clock.now()) } });
    expect(verify.statusCode).toBe(200);
    return { secret, recoveryCodes: verify.json().recoveryCodes as string[] };
  }

  const nextStep = () => h.clock.set(new Date(h.clock.now().getTime() + totpParameters.periodSeconds * 1000));

  it('a wrong code does not turn MFA on; a restarted enrolment replaces the unconfirmed secret', async () => {
    const user = await h.newUser();
    const first = (await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth })).json().secret as string;
    const bad = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: user.auth, payload: { code: '000000' } });
    expect(bad.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/mfa', headers: user.auth })).json().totp.enabled).toBe(false);
    const second = (await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth })).json().secret as string;
    expect(second).not.toBe(first);
    const stale = await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: user.auth, payload: { code: totpCodeAt(first, h.clock.now()) } });
    expect(stale.statusCode).toBe(400);
  });

  it('stores the secret sealed and the recovery codes hashed: a database dump reveals neither', async () => {
    const user = await h.newUser();
    const { secret, recoveryCodes } = await enrol(user);
    expect(recoveryCodes).toHaveLength(10);
    const dump = await dumpDatabase(h.database.db);
    expect(containsAnyEncoding(dump, secret)).toBe(false);
    for (const code of recoveryCodes) {
      expect(containsAnyEncoding(dump, code)).toBe(false);
      expect(containsAnyEncoding(dump, code.replace(/-/g, ''))).toBe(false);
    }
    const status = (await h.app.inject({ method: 'GET', url: '/v1/me/mfa', headers: user.auth })).json();
    expect(status).toMatchObject({ totp: { enabled: true }, recoveryCodesRemaining: 10, webauthn: { available: false } });
    expect((await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: user.auth })).statusCode).toBe(409);
  });

  it('a code is accepted once: replaying it in the same step is refused', async () => {
    const user = await h.newUser();
    const { secret } = await enrol(user);
    nextStep();
    const code = totpCodeAt(secret, h.clock.now());
    const first = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, totp: code } });
    expect(first.statusCode).toBe(201);
    const replay = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, totp: code } });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().code).toBe('invalid_mfa_code');
  });

  it('a recovery code signs in once', async () => {
    const user = await h.newUser();
    const { recoveryCodes } = await enrol(user);
    const code = recoveryCodes[3]!;
    expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, recoveryCode: code } })).statusCode).toBe(201);
    const again = await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password, recoveryCode: code } });
    expect(again.statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/me/mfa', headers: user.auth })).json().recoveryCodesRemaining).toBe(9);
  });

  it('disabling needs the password and a code; then sign-in needs the password only', async () => {
    const user = await h.newUser();
    const { secret, recoveryCodes } = await enrol(user);
    nextStep();
    const noPassword = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: 'wrong', code: totpCodeAt(secret, h.clock.now()) } });
    expect(noPassword.statusCode).toBe(400);
    const noCode = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: user.password, code: '123456' } });
    expect(noCode.statusCode).toBe(400);
    const missing = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: user.password } });
    expect(missing.statusCode).toBe(400);
    const ok = await h.app.inject({ method: 'DELETE', url: '/v1/me/mfa/totp', headers: user.auth, payload: { password: user.password, code: recoveryCodes[0]! } });
    expect(ok.statusCode).toBe(204);
    expect((await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: user.email, password: user.password } })).statusCode).toBe(201);
    expect(await h.database.db.selectFrom('mfa_recovery_codes').selectAll().where('account_id', '=', user.id).execute()).toEqual([]);
  });

  it('without a sealing key MFA refuses to start rather than store a secret in clear', async () => {
    const user = await h.newUser();
    const mfa = createMfaModule({ db: h.database.db, clock: h.clock, policy: h.policy, sealer: null });
    await expect(mfa.startTotpEnrolment(user.id, user.email)).rejects.toMatchObject({ code: 'mfa_unavailable', status: 503 });
  });
});
