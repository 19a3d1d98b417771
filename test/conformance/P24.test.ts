import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { loadPolicy, type Policy } from '../../src/policy/index.js';
import { purgeExpiredTechnicalRecords, truncateOldIps } from '../../src/modules/technical/technical.repository.js';

/**
 * P24 Technical information (IP address, browser and device type, usage and error logs) is
 * collected for security and troubleshooting, never contains conversation content, and has its
 * own retention window.
 */
const base = loadPolicy();
// Windows unlike the shipped ones: the test must follow the file, not remembered numbers.
const policy: Policy = { ...base, retention: { ...base.retention, technical: { days: 11, truncateIpAfterDays: 3 } } };
const DAY = 86_400_000;
const FIREFOX_ANDROID = 'Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policy });
});
afterAll(async () => h?.close());

const technicalRows = () => h.database.db.selectFrom('technical_requests').selectAll().execute();

describe('P24 technical information', () => {
  it('P24: each request leaves time, IP, browser, OS, device class, route template, status and latency, readable by its own account', async () => {
    const user = await h.newUser();
    const at = h.clock.now();
    const res = await h.app.inject({ method: 'GET', url: '/v1/me/privacy', headers: { ...user.auth, 'user-agent': FIREFOX_ANDROID }, remoteAddress: '203.0.113.45' });
    expect(res.statusCode).toBe(200);
    const failed = await h.app.inject({ method: 'GET', url: '/v1/conversations/00000000-0000-7000-8000-000000000000', headers: { ...user.auth, 'user-agent': FIREFOX_ANDROID }, remoteAddress: '203.0.113.45' });
    expect(failed.statusCode).toBe(404);
    const mine = (await h.app.inject({ method: 'GET', url: '/v1/me/technical-data', headers: user.auth })).json().records as Record<string, unknown>[];
    const privacy = mine.find((r) => r.route === '/v1/me/privacy')!;
    expect(privacy).toMatchObject({ at: at.toISOString(), ip: '203.0.113.45', browser: 'Firefox 125', os: 'Android 14', deviceClass: 'mobile', method: 'GET', status: 200 });
    expect(typeof privacy.latencyMs).toBe('number');
    expect(mine.find((r) => r.route === '/v1/conversations/:id')).toMatchObject({ status: 404, errorCode: 'not_found' });
    // No raw user agent, no URL, no body is kept: only the columns above.
    const row = (await technicalRows()).find((r) => r.account_id === user.id && r.route === '/v1/me/privacy')!;
    expect(Object.keys(row).sort()).toEqual(
      ['account_id', 'at', 'browser', 'delete_after', 'device_class', 'error_code', 'id', 'ip', 'ip_truncate_after', 'ip_truncated', 'latency_ms', 'method', 'os', 'retention_rule', 'route', 'status'].sort(),
    );
    const stranger = await h.newUser();
    const theirs = (await h.app.inject({ method: 'GET', url: '/v1/me/technical-data', headers: stranger.auth })).json().records as Record<string, unknown>[];
    expect(theirs.some((r) => r.ip === '203.0.113.45')).toBe(false);
  });

  it('P24: never any conversation content, body or query string: a canary in a message and in a query reaches neither the technical table nor the logs', async () => {
    const user = await h.newUser();
    const canary = `CANARY${randomBytes(8).toString('hex')}`;
    const conversation = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} })).json().id as string;
    const posted = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation}/messages?note=${canary}`, headers: user.auth, payload: { role: 'user', content: `my secret is ${canary}` } });
    expect(posted.statusCode).toBeLessThan(500);
    await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversation}/messages`, headers: user.auth, payload: { role: 'user', content: `again ${canary}` } });
    await h.app.inject({ method: 'GET', url: `/v1/conversations?limit=5&q=${canary}`, headers: user.auth });
    await h.app.inject({ method: 'GET', url: `/v1/${canary}?x=${canary}` });
    await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: `${canary}@example.test`, password: canary } });
    await h.app.inject({ method: 'GET', url: '/v1/me', headers: { ...user.auth, 'user-agent': `Mozilla/5.0 ${canary}` } });
    await h.container.technical.flush();
    const technical = JSON.stringify(await technicalRows());
    expect(technical).not.toContain(canary);
    expect(technical.toLowerCase()).not.toContain(Buffer.from(canary).toString('hex'));
    expect(h.logs.join('\n')).not.toContain(canary);
    // The technical records of those requests exist: the canary was left out, not the record.
    expect((await technicalRows()).filter((r) => r.route === '/v1/conversations/:id/messages').length).toBeGreaterThanOrEqual(2);
  });

  it('P24: technical records keep their own window from the policy file; IPs are cut to their network after the policy days', async () => {
    const user = await h.newUser();
    const start = h.clock.now();
    await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth, remoteAddress: '2001:db8:abcd:12::7' });
    await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth, remoteAddress: '192.0.2.99' });
    await h.container.technical.flush();
    const mine = async () => (await technicalRows()).filter((r) => r.account_id === user.id);
    for (const r of await mine()) {
      expect(new Date(r.delete_after).getTime() - new Date(r.at).getTime()).toBe(policy.retention.technical.days * DAY);
      expect(r.retention_rule).toBe('retention.technical.days');
    }
    // Not before the day...
    await truncateOldIps(h.database.db, new Date(start.getTime() + policy.retention.technical.truncateIpAfterDays * DAY - 1), 100);
    expect((await mine()).map((r) => r.ip).sort()).toEqual(['192.0.2.99', '2001:db8:abcd:12::7']);
    // ...and on it.
    await truncateOldIps(h.database.db, new Date(start.getTime() + policy.retention.technical.truncateIpAfterDays * DAY), 100);
    expect((await mine()).map((r) => r.ip).sort()).toEqual(['192.0.2.0', '2001:db8:abcd::']);

    expect(await purgeExpiredTechnicalRecords(h.database.db, new Date(start.getTime() + policy.retention.technical.days * DAY - 1), 1000)).not.toContain((await mine())[0]!.id);
    expect((await mine()).length).toBe(2);
    await purgeExpiredTechnicalRecords(h.database.db, new Date(start.getTime() + policy.retention.technical.days * DAY), 1000);
    expect(await mine()).toEqual([]);
    // The account and its content are not touched by the technical window.
    expect((await h.database.db.selectFrom('accounts').select('id').where('id', '=', user.id).execute()).length).toBe(1);
  });
});
