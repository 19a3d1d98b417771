import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createContainer } from '../../src/container.js';
import type { App } from '../../src/http/types.js';
import { policyChangeView } from '../../src/modules/privacy/policy-change.js';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';

/**
 * P30 Settings can be reviewed and changed at any time, and a change of policy version is shown
 * to the user. The new version is a second server on the same database whose policy file names a
 * later version: what an operator's deployment of an edited policy is.
 */
let h: Harness;
let user: TestUser;
let updated: App;
const nextVersion = '2099-01-01';

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  const policy = { ...h.policy, version: nextVersion, publishedAt: '2099-01-01T00:00:00Z' };
  updated = await buildApp(createContainer({ ...h.container, policy }));
  await updated.ready();
});
afterAll(async () => {
  await updated.close();
  await h.close();
});

const privacy = async (app: App) => (await app.inject({ method: 'GET', url: '/v1/me/privacy', headers: user.auth })).json();

describe('P30 settings and policy changes', () => {
  it('P30 every setting can be read and changed at any time, and the change holds at once', async () => {
    expect(await privacy(h.app)).toMatchObject({ trainingOptIn: false, policyVersion: h.policy.version });
    for (const trainingOptIn of [true, false, true]) {
      const put = await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn } });
      expect(put.statusCode).toBe(200);
      expect(put.json().trainingOptIn).toBe(trainingOptIn);
      expect((await privacy(h.app)).trainingOptIn).toBe(trainingOptIn);
    }
    const cookies = await h.app.inject({ method: 'PUT', url: '/v1/me/cookie-consent', headers: user.auth, payload: { categories: { analytics: true } } });
    expect(cookies.statusCode).toBe(200);
    const cookieView = (await h.app.inject({ method: 'GET', url: '/v1/me/cookie-consent', headers: user.auth })).json();
    expect(cookieView.categories.find((c: { name: string }) => c.name === 'analytics')).toMatchObject({ allowed: true });
  });

  it('P30 under the same policy nothing is flagged; under a new version the user is shown that it changed since their choice', async () => {
    expect((await privacy(h.app)).policy).toEqual({ version: h.policy.version, publishedAt: h.policy.publishedAt, yourChoiceRecordedUnder: h.policy.version, changedSinceYourChoice: false });
    const after = await privacy(updated);
    expect(after.policyVersion).toBe(nextVersion);
    expect(after.policy).toEqual({ version: nextVersion, publishedAt: '2099-01-01T00:00:00Z', yourChoiceRecordedUnder: h.policy.version, changedSinceYourChoice: true });
    // The setting itself is untouched by the new version: nothing changes without the user.
    expect(after.trainingOptIn).toBe(true);
  });

  it('P30 confirming the choice under the new version records it under that version and clears the notice', async () => {
    const put = await updated.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: true } });
    expect(put.statusCode).toBe(200);
    expect(put.json().policy).toMatchObject({ yourChoiceRecordedUnder: nextVersion, changedSinceYourChoice: false });
    const history = (await updated.inject({ method: 'GET', url: '/v1/me/privacy/consent-history', headers: user.auth })).json().changes;
    expect(history.at(-1)).toMatchObject({ trainingOptIn: true, policyVersion: nextVersion });
  });

  it('P30 the notice rule: flagged exactly when a choice exists under another version', () => {
    const policy = { version: 'B', publishedAt: '2026-01-01T00:00:00Z' };
    expect(policyChangeView(policy, 'A').changedSinceYourChoice).toBe(true);
    expect(policyChangeView(policy, 'B').changedSinceYourChoice).toBe(false);
    expect(policyChangeView(policy, null)).toMatchObject({ yourChoiceRecordedUnder: null, changedSinceYourChoice: false });
  });
});
