import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createHarness, type Harness, type TestUser } from './support/harness.js';

/**
 * Request schemas under fire: arbitrary JSON and raw bytes at every write route. Nothing may
 * answer 5xx, every refusal is problem+json, and a refused request writes nothing.
 */
let h: Harness;
let user: TestUser;
let conversationId: string;

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  const created = await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: user.auth, payload: {} });
  conversationId = created.json().id;
});
afterAll(async () => h?.close());

async function rowCounts(): Promise<string> {
  const result = await sql<{ counts: string }>`
    select concat_ws(',', (select count(*) from accounts), (select count(*) from sessions), (select count(*) from conversations),
      (select count(*) from messages), (select count(*) from consent_ledger), (select count(*) from organisations)) as counts
  `.execute(h.database.db);
  return result.rows[0]!.counts;
}

const routes = () => [
  { method: 'POST' as const, url: '/v1/accounts', auth: false },
  { method: 'POST' as const, url: '/v1/sessions', auth: false },
  { method: 'POST' as const, url: '/v1/conversations', auth: true },
  { method: 'POST' as const, url: `/v1/conversations/${conversationId}/messages`, auth: true },
  { method: 'PUT' as const, url: '/v1/me/privacy', auth: true },
];

/** Bodies that look almost right: the real field names with values of every type, plus noise. */
const nearMiss = fc.record(
  {
    email: fc.oneof(fc.string(), fc.emailAddress(), fc.integer(), fc.constant(null)),
    password: fc.oneof(fc.string(), fc.integer(), fc.boolean()),
    name: fc.oneof(fc.string(), fc.constant(''), fc.array(fc.string())),
    role: fc.oneof(fc.constantFrom('user', 'assistant', 'system'), fc.string(), fc.integer()),
    content: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object()),
    incognito: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
    trainingOptIn: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    inviteToken: fc.oneof(fc.string(), fc.integer()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('request schemas under fuzzing', () => {
  it('never answer 5xx and never write on refusal (JSON bodies)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.oneof(fc.jsonValue(), nearMiss), async (routeIndex, body) => {
        const route = routes()[routeIndex]!;
        const before = await rowCounts();
        const res = await h.app.inject({
          method: route.method,
          url: route.url,
          headers: { 'content-type': 'application/json', ...(route.auth ? user.auth : {}) },
          payload: JSON.stringify(body),
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) {
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json().code).toMatch(/^[a-z_]+$/);
          expect(await rowCounts()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never answer 5xx to raw, malformed bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.string({ maxLength: 200 }), async (routeIndex, raw) => {
        const route = routes()[routeIndex]!;
        const before = await rowCounts();
        const res = await h.app.inject({
          method: route.method,
          url: route.url,
          headers: { 'content-type': 'application/json', ...(route.auth ? user.auth : {}) },
          payload: raw,
        });
        expect(res.statusCode).toBeLessThan(500);
        if (res.statusCode >= 400) expect(await rowCounts()).toBe(before);
      }),
      { numRuns: 200 },
    );
  });

  it('malformed JSON, unknown fields and wrong types have stable codes', async () => {
    const malformed = await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: { ...user.auth, 'content-type': 'application/json' }, payload: '{"trainingOptIn":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_json');
    const unknown = await h.app.inject({ method: 'PUT', url: '/v1/me/privacy', headers: user.auth, payload: { trainingOptIn: true, sneaky: 1 } });
    expect(unknown.json().code).toBe('validation_failed');
    const wrongType = await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: user.auth, payload: { role: 'user', content: 42 } });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0].path).toBe('body.content');
    const badId = await h.app.inject({ method: 'GET', url: '/v1/conversations/not-a-uuid', headers: user.auth });
    expect(badId.statusCode).toBe(400);
  });
});
