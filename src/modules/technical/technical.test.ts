import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createHarness, type Harness } from '../../../test/support/harness.js';
import { normalizeIp, truncateIp } from './ip.js';
import { parseUserAgent } from './user-agent.js';
import { purgeExpiredTechnicalRecords, truncateOldIps } from './technical.repository.js';
import { runLifecycleSweep } from '../../jobs/lifecycle-sweep.js';

const DAY = 86_400_000;

describe('user agents', () => {
  it('reduces a user agent to browser, OS and device class', () => {
    expect(parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1')).toEqual({
      browser: 'Mobile Safari 17',
      os: 'iOS 17',
      deviceClass: 'mobile',
    });
    expect(parseUserAgent('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36')).toEqual({
      browser: 'Chrome 120',
      os: 'Linux',
      deviceClass: 'desktop',
    });
    expect(parseUserAgent('Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1').deviceClass).toBe('tablet');
    expect(parseUserAgent('curl/8.5.0').deviceClass).toBe('bot');
    expect(parseUserAgent(null)).toEqual({ browser: null, os: null, deviceClass: 'unknown' });
  });
});

describe('IP addresses', () => {
  it('normalizes mapped IPv4 and refuses what is not an address', () => {
    expect(normalizeIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(normalizeIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeIp('not an ip')).toBeNull();
    expect(truncateIp('203.0.113.9')).toBe('203.0.113.0');
    expect(truncateIp('2001:db8:abcd:1234::1')).toBe('2001:db8:abcd::');
  });
});

describe('technical records', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => h?.close());

  it('truncation in JavaScript and in SQL agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.ipV4(), fc.ipV6()), async (ip) => {
        const normalized = normalizeIp(ip);
        if (!normalized) return;
        const row = await sql<{ t: string }>`select case when family(${normalized}::inet) = 4 then host(network(set_masklen(${normalized}::inet, 24)))
            else host(network(set_masklen(${normalized}::inet, 48))) end as t`.execute(h.database.db);
        expect(truncateIp(normalized)).toBe(row.rows[0]!.t);
      }),
      { numRuns: 200 },
    );
  });

  it('records each request with its route template, parsed agent and own window, and shows the caller only its own', async () => {
    const user = await h.newUser();
    const other = await h.newUser();
    await h.app.inject({
      method: 'GET',
      url: '/v1/conversations?limit=3',
      headers: { ...user.auth, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' },
      remoteAddress: '203.0.113.77',
    });
    await h.app.inject({ method: 'GET', url: '/v1/me', headers: other.auth });
    const res = await h.app.inject({ method: 'GET', url: '/v1/me/technical-data', headers: user.auth });
    expect(res.statusCode).toBe(200);
    const records = res.json().records as Record<string, unknown>[];
    const conversations = records.find((r) => r.route === '/v1/conversations');
    expect(conversations).toMatchObject({ method: 'GET', status: 200, ip: '203.0.113.77', ipTruncated: false, browser: 'Chrome 120', os: 'Linux', deviceClass: 'desktop' });
    expect(Date.parse(conversations!.deleteAfter as string) - Date.parse(conversations!.at as string)).toBe(h.policy.retention.technical.days * DAY);
    expect(records.some((r) => r.route === '/v1/me')).toBe(false);
    const row = await h.database.db.selectFrom('technical_requests').selectAll().where('account_id', '=', user.id).where('route', '=', '/v1/conversations').executeTakeFirstOrThrow();
    expect(row.retention_rule).toBe('retention.technical.days');
    expect(new Date(row.ip_truncate_after!).getTime() - new Date(row.at).getTime()).toBe(h.policy.retention.technical.truncateIpAfterDays * DAY);
  });

  it('records failures with their problem code, and unmatched URLs without their path', async () => {
    await h.app.inject({ method: 'GET', url: '/v1/no/such/secret-path-SEGMENT' });
    await h.container.technical.flush();
    const rows = await h.database.db.selectFrom('technical_requests').selectAll().where('status', '=', 404).execute();
    expect(rows.some((r) => r.route === '(unmatched)' && r.error_code === 'route_not_found')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('secret-path-SEGMENT');
  });

  it('cuts IPs after the policy days and deletes records after the window, except under an account-wide legal hold', async () => {
    const held = await h.newUser();
    const free = await h.newUser();
    for (const user of [held, free]) await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth, remoteAddress: '198.51.100.200' });
    await h.container.technical.flush();
    await h.database.db
      .insertInto('legal_holds')
      .values({ id: '00000000-0000-7000-8000-000000000001', account_id: held.id, conversation_id: null, basis: 'court order 1', until: null, notify_subject: false, created_at: h.clock.now(), created_by: 'legal' })
      .execute();
    const start = h.clock.now();

    const beforeCut = new Date(start.getTime() + h.policy.retention.technical.truncateIpAfterDays * DAY - 1);
    await truncateOldIps(h.database.db, beforeCut, 1000);
    const untouched = await h.database.db.selectFrom('technical_requests').select('ip').where('account_id', '=', free.id).execute();
    expect(untouched.every((r) => r.ip === '198.51.100.200')).toBe(true);

    const cut = new Date(start.getTime() + h.policy.retention.technical.truncateIpAfterDays * DAY);
    expect((await truncateOldIps(h.database.db, cut, 1000)).length).toBeGreaterThan(0);
    const after = await h.database.db.selectFrom('technical_requests').select(['ip', 'ip_truncated', 'ip_truncate_after']).where('account_id', '=', free.id).execute();
    expect(after.length).toBeGreaterThan(0);
    for (const r of after) expect(r).toMatchObject({ ip: '198.51.100.0', ip_truncated: true, ip_truncate_after: null });
    expect(await truncateOldIps(h.database.db, cut, 1000)).toEqual([]);

    const due = new Date(start.getTime() + h.policy.retention.technical.days * DAY);
    let purged = 0;
    for (;;) {
      const ids = await purgeExpiredTechnicalRecords(h.database.db, due, 2);
      purged += ids.length;
      if (ids.length === 0) break;
    }
    expect(purged).toBeGreaterThan(0);
    expect(await h.database.db.selectFrom('technical_requests').select('id').where('account_id', '=', free.id).execute()).toEqual([]);
    expect((await h.database.db.selectFrom('technical_requests').select('id').where('account_id', '=', held.id).execute()).length).toBeGreaterThan(0);
  });

  it('the lifecycle sweep cuts due IPs and deletes expired records, and says so in its receipt', async () => {
    const user = await h.newUser();
    await h.app.inject({ method: 'GET', url: '/v1/me', headers: user.auth, remoteAddress: '192.0.2.150' });
    await h.container.technical.flush();
    const start = h.clock.now();
    const cut = await runLifecycleSweep(h.container, { now: new Date(start.getTime() + h.policy.retention.technical.truncateIpAfterDays * DAY), batchSize: 50 });
    expect(cut.counts.technical_ips_truncated).toBeGreaterThan(0);
    const row = await h.database.db.selectFrom('technical_requests').selectAll().where('account_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.ip).toBe('192.0.2.0');
    const swept = await runLifecycleSweep(h.container, { now: new Date(start.getTime() + h.policy.retention.technical.days * DAY), batchSize: 50 });
    expect(swept.counts.technical_requests).toBeGreaterThan(0);
    expect(await h.database.db.selectFrom('technical_requests').select('id').where('account_id', '=', user.id).execute()).toEqual([]);
  });
});
