import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from './support/harness.js';
import { newStaff, type TestStaff } from './support/staff.js';
import { sha256 } from '../src/lib/ids.js';
import { totpCodeAt } from '../src/modules/mfa/totp.js';
import type { StaffRole } from '../src/policy/index.js';

/**
 * The authentication matrix: every route of the API, called by every kind of caller, with the
 * status each must get. A route missing from the table fails the coverage test, so a new route
 * cannot ship without deciding who may call it.
 *
 * Callers are columns: nobody, an expired user session, the session of a deleted account, another
 * user, a staff member (staff tokens are a separate kind: they open staff routes only), and the
 * user the resources belong to. A new kind of caller is a new column: list it in `actors`, build its
 * credential in `credentialsFor`, and give every row its status.
 */
const actors = ['anonymous', 'expired', 'deletedAccount', 'otherUser', 'staff', 'user'] as const;
type Actor = (typeof actors)[number];

interface Fixtures {
  owner: TestUser;
  other: TestUser;
  expiredToken: string;
  deletedToken: string;
  conversationId: string;
  messageId: string;
  /** A second session of the owner (not the one its requests use). */
  ownerSessionId: string;
  totpSecret: string | null;
  staff: TestStaff;
  /** Filled by a row's setup when it needs them. */
  ids: Record<string, string>;
}

interface Row {
  /** `METHOD /template`, as in the OpenAPI document. */
  route: string;
  /** Builds the request (URL with real ids, body); called once per caller. */
  request(fx: Fixtures): { url: string; payload?: unknown; contentType?: string };
  expect: Record<Actor, number>;
  setup?: (fx: Fixtures) => Promise<void>;
  /** The role of the staff column's caller (default trust_safety). */
  staffRole?: StaffRole;
}

/** User routes: no credential, an expired session, a deleted account's session or a staff token are all 401. */
const signedIn = (user: number, otherUser: number = user): Record<Actor, number> => ({ anonymous: 401, expired: 401, deletedAccount: 401, otherUser, staff: 401, user });
/** Staff routes: every user credential is 401, whatever it is. */
const staffOnly = (staff: number): Record<Actor, number> => ({ anonymous: 401, expired: 401, deletedAccount: 401, otherUser: 401, staff, user: 401 });
const everyone = (status: number): Record<Actor, number> => ({ anonymous: status, expired: status, deletedAccount: status, otherUser: status, staff: status, user: status });
const NO_SUCH_ID = '00000000-0000-7000-8000-000000000000';

let h: Harness;
let emails = 0;

const rows: Row[] = [
  // Public routes: credentials are neither needed nor looked at.
  { route: 'GET /healthz', request: () => ({ url: '/healthz' }), expect: everyone(200) },
  { route: 'POST /v1/accounts', request: () => ({ url: '/v1/accounts', payload: { email: `matrix-${++emails}@example.test`, password: 'a long enough password', name: 'M' } }), expect: everyone(201) },
  { route: 'POST /v1/sessions', request: (fx) => ({ url: '/v1/sessions', payload: { email: fx.owner.email, password: fx.owner.password } }), expect: everyone(201) },
  { route: 'POST /v1/email-verifications', request: () => ({ url: '/v1/email-verifications', payload: { token: 'evt_not_a_real_token' } }), expect: everyone(400) },
  { route: 'GET /v1/terms', request: () => ({ url: '/v1/terms' }), expect: everyone(200) },
  { route: 'GET /v1/cookie-consent', request: () => ({ url: '/v1/cookie-consent' }), expect: everyone(200) },
  { route: 'PUT /v1/cookie-consent', request: () => ({ url: '/v1/cookie-consent', payload: { categories: { analytics: false } } }), expect: everyone(200) },

  // The caller's own account: every signed-in caller reaches its own.
  { route: 'GET /v1/me', request: () => ({ url: '/v1/me' }), expect: signedIn(200) },
  { route: 'PATCH /v1/me', request: () => ({ url: '/v1/me', payload: { name: 'Renamed' } }), expect: signedIn(200) },
  { route: 'DELETE /v1/me', request: (fx) => ({ url: '/v1/me', payload: { password: fx.owner.password } }), expect: signedIn(204) },
  { route: 'POST /v1/me/email-verification', request: () => ({ url: '/v1/me/email-verification' }), expect: signedIn(202) },
  { route: 'GET /v1/me/sessions', request: () => ({ url: '/v1/me/sessions' }), expect: signedIn(200) },
  { route: 'DELETE /v1/me/sessions/{id}', request: (fx) => ({ url: `/v1/me/sessions/${fx.ownerSessionId}` }), expect: signedIn(204, 404) },
  { route: 'PUT /v1/me/password', request: (fx) => ({ url: '/v1/me/password', payload: { currentPassword: fx.owner.password, newPassword: 'another long password' } }), expect: signedIn(200) },
  { route: 'GET /v1/me/mfa', request: () => ({ url: '/v1/me/mfa' }), expect: signedIn(200) },
  { route: 'POST /v1/me/mfa/totp', request: () => ({ url: '/v1/me/mfa/totp' }), expect: signedIn(201) },
  {
    route: 'POST /v1/me/mfa/totp/verify',
    setup: startEnrolment,
    request: (fx) => ({ url: '/v1/me/mfa/totp/verify', payload: { code: totpCodeAt(fx.totpSecret!, h.clock.now()) } }),
    // The other account never started an enrolment of its own.
    expect: signedIn(200, 409),
  },
  {
    route: 'DELETE /v1/me/mfa/totp',
    setup: async (fx) => {
      await startEnrolment(fx);
      await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp/verify', headers: fx.owner.auth, payload: { code: totpCodeAt(fx.totpSecret!, h.clock.now()) } });
      h.clock.set(new Date(h.clock.now().getTime() + 30_000));
    },
    request: (fx) => ({ url: '/v1/me/mfa/totp', payload: { password: fx.owner.password, code: totpCodeAt(fx.totpSecret!, h.clock.now()) } }),
    expect: signedIn(204, 409),
  },
  { route: 'GET /v1/me/payment-method', setup: addPaymentMethod, request: () => ({ url: '/v1/me/payment-method' }), expect: signedIn(200, 404) },
  { route: 'PUT /v1/me/payment-method', request: () => ({ url: '/v1/me/payment-method', payload: { processorToken: 'pm_matrix', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 } }), expect: signedIn(200) },
  { route: 'DELETE /v1/me/payment-method', setup: addPaymentMethod, request: () => ({ url: '/v1/me/payment-method' }), expect: signedIn(204, 404) },
  { route: 'GET /v1/me/technical-data', request: () => ({ url: '/v1/me/technical-data' }), expect: signedIn(200) },
  { route: 'GET /v1/me/cookie-consent', request: () => ({ url: '/v1/me/cookie-consent' }), expect: signedIn(200) },
  { route: 'PUT /v1/me/cookie-consent', request: () => ({ url: '/v1/me/cookie-consent', payload: { categories: { analytics: true } } }), expect: signedIn(200) },
  { route: 'POST /v1/terms/accept', request: () => ({ url: '/v1/terms/accept', payload: { version: h.policy.terms[0]!.version } }), expect: signedIn(200) },
  { route: 'GET /v1/me/privacy', request: () => ({ url: '/v1/me/privacy' }), expect: signedIn(200) },
  { route: 'PUT /v1/me/privacy', request: () => ({ url: '/v1/me/privacy', payload: { trainingOptIn: true } }), expect: signedIn(200) },
  { route: 'GET /v1/me/privacy/consent-history', request: () => ({ url: '/v1/me/privacy/consent-history' }), expect: signedIn(200) },

  // Content: another account's conversation is not found, never forbidden.
  { route: 'POST /v1/conversations', request: () => ({ url: '/v1/conversations', payload: {} }), expect: signedIn(201) },
  { route: 'GET /v1/conversations', request: () => ({ url: '/v1/conversations' }), expect: signedIn(200) },
  { route: 'GET /v1/conversations/{id}', request: (fx) => ({ url: `/v1/conversations/${fx.conversationId}` }), expect: signedIn(200, 404) },
  { route: 'DELETE /v1/conversations/{id}', request: (fx) => ({ url: `/v1/conversations/${fx.conversationId}` }), expect: signedIn(204, 404) },
  {
    route: 'POST /v1/conversations/{id}/messages',
    request: (fx) => ({ url: `/v1/conversations/${fx.conversationId}/messages`, payload: { role: 'user', content: 'hello' } }),
    expect: signedIn(201, 404),
  },
  {
    route: 'POST /v1/conversations/{id}/voice',
    request: (fx) => ({ url: `/v1/conversations/${fx.conversationId}/voice`, payload: Buffer.from('RIFF matrix recording'), contentType: 'audio/wav' }),
    expect: signedIn(201, 404),
  },
  { route: 'POST /v1/messages/{id}/feedback', request: (fx) => ({ url: `/v1/messages/${fx.messageId}/feedback`, payload: { rating: 'up' } }), expect: signedIn(201, 404) },

  // The user's view of staff activity and legal holds, and support requests.
  { route: 'GET /v1/me/access-log', request: () => ({ url: '/v1/me/access-log' }), expect: signedIn(200) },
  { route: 'GET /v1/me/legal-holds', request: () => ({ url: '/v1/me/legal-holds' }), expect: signedIn(200) },
  { route: 'GET /v1/me/export', request: () => ({ url: '/v1/me/export' }), expect: signedIn(200) },
  { route: 'GET /v1/me/export.html', request: () => ({ url: '/v1/me/export.html' }), expect: signedIn(200) },
  { route: 'GET /v1/me/disclosures', request: () => ({ url: '/v1/me/disclosures' }), expect: signedIn(200) },
  { route: 'GET /v1/policy/recipients', request: () => ({ url: '/v1/policy/recipients' }), expect: everyone(200) },
  { route: 'GET /v1/me/connections', request: () => ({ url: '/v1/me/connections' }), expect: signedIn(200) },
  { route: 'POST /v1/me/connections', request: () => ({ url: '/v1/me/connections', payload: { service: 'matrix', scopes: ['read'], credential: 'token' } }), expect: signedIn(201) },
  {
    route: 'DELETE /v1/me/connections/{id}',
    setup: async (fx) => {
      const res = await h.app.inject({ method: 'POST', url: '/v1/me/connections', headers: fx.owner.auth, payload: { service: 'matrix', scopes: ['read'], credential: 'token' } });
      fx.ids.connection = res.json().id;
    },
    request: (fx) => ({ url: `/v1/me/connections/${fx.ids.connection}` }),
    expect: signedIn(204, 404),
  },
  { route: 'POST /v1/support-requests', request: () => ({ url: '/v1/support-requests', payload: {} }), expect: signedIn(201) },
  { route: 'GET /v1/support-requests', request: () => ({ url: '/v1/support-requests' }), expect: signedIn(200) },
  {
    route: 'POST /v1/support-requests/{id}/close',
    setup: async (fx) => {
      fx.ids.support = (await h.app.inject({ method: 'POST', url: '/v1/support-requests', headers: fx.owner.auth, payload: {} })).json().id;
    },
    request: (fx) => ({ url: `/v1/support-requests/${fx.ids.support}/close` }),
    expect: signedIn(204, 404),
  },

  // Privacy tools (P31): the caller's own text, keyed to the caller's account.
  { route: 'POST /v1/anonymize', request: () => ({ url: '/v1/anonymize', payload: { text: 'Call Ada on +14155552671', operator: 'replace' } }), expect: signedIn(200) },
  { route: 'POST /v1/deanonymize', request: () => ({ url: '/v1/deanonymize', payload: { text: 'nothing to restore here' } }), expect: signedIn(200) },

  // Organisation administrators answer staff access requests to their members (P19). The owner is
  // made the administrator of an enterprise organisation; the other user is outside it.
  { route: 'GET /v1/orgs/{id}/access-requests', setup: orgWithPendingRequest, request: (fx) => ({ url: `/v1/orgs/${fx.ids.org}/access-requests` }), expect: signedIn(200, 404) },
  {
    route: 'POST /v1/orgs/{id}/access-requests/{grantId}/approve',
    setup: orgWithPendingRequest,
    request: (fx) => ({ url: `/v1/orgs/${fx.ids.org}/access-requests/${fx.ids.grant}/approve` }),
    expect: signedIn(200, 404),
  },
  {
    route: 'POST /v1/orgs/{id}/access-requests/{grantId}/deny',
    setup: orgWithPendingRequest,
    request: (fx) => ({ url: `/v1/orgs/${fx.ids.org}/access-requests/${fx.ids.grant}/deny` }),
    expect: signedIn(200, 404),
  },

  // ... and read and change its settings.
  { route: 'GET /v1/orgs/{id}/settings', setup: orgWithPendingRequest, request: (fx) => ({ url: `/v1/orgs/${fx.ids.org}/settings` }), expect: signedIn(200, 404) },
  {
    route: 'PATCH /v1/orgs/{id}/settings',
    setup: orgWithPendingRequest,
    request: (fx) => ({ url: `/v1/orgs/${fx.ids.org}/settings`, payload: { trainingConsent: true } }),
    expect: signedIn(200, 404),
  },

  // The public audit log.
  { route: 'GET /v1/audit/checkpoint', request: () => ({ url: '/v1/audit/checkpoint' }), expect: everyone(200) },
  { route: 'GET /v1/audit/consistency', request: () => ({ url: '/v1/audit/consistency?from=1' }), expect: everyone(200) },

  // Staff: a user's token never opens a staff route.
  {
    route: 'POST /v1/staff/sessions',
    // Each sign-in needs a fresh TOTP step (a code is accepted once).
    request: (fx) => {
      h.clock.set(new Date(h.clock.now().getTime() + 30_000));
      return { url: '/v1/staff/sessions', payload: { email: fx.staff.email, password: fx.staff.password, totp: totpCodeAt(fx.staff.totpSecret, h.clock.now()) } };
    },
    expect: everyone(201),
  },
  { route: 'DELETE /v1/staff/sessions/current', request: () => ({ url: '/v1/staff/sessions/current' }), expect: staffOnly(204) },
  { route: 'GET /v1/staff/me', request: () => ({ url: '/v1/staff/me' }), expect: staffOnly(200) },
  {
    route: 'POST /v1/staff/grants',
    request: (fx) => ({ url: '/v1/staff/grants', payload: { subject: { accountId: fx.owner.id }, purpose: 'policy_violation', caseRef: 'CASE-MATRIX', ttlMinutes: 30 } }),
    expect: staffOnly(201),
  },
  { route: 'GET /v1/staff/grants', request: () => ({ url: '/v1/staff/grants' }), expect: staffOnly(200) },
  // No such message or copy: staff reach the route (404), nobody else does (401).
  { route: 'POST /v1/staff/flags', staffRole: 'trust_safety', request: () => ({ url: '/v1/staff/flags', payload: { messageId: '00000000-0000-4000-8000-000000000000', category: 'spam' } }), expect: staffOnly(404) },
  {
    route: 'POST /v1/staff/safety-copies/{id}/reidentify',
    staffRole: 'trust_safety',
    request: () => ({ url: '/v1/staff/safety-copies/00000000-0000-4000-8000-000000000000/reidentify', payload: { caseRef: 'CASE-MATRIX', justification: 'matrix: route reachable' } }),
    expect: staffOnly(404),
  },
  { route: 'POST /v1/staff/grants/{id}/revoke', setup: staffGrant, request: (fx) => ({ url: `/v1/staff/grants/${fx.ids.grant}/revoke` }), expect: staffOnly(204) },
  {
    route: 'GET /v1/staff/accounts/{id}/conversations',
    setup: staffGrant,
    request: (fx) => ({ url: `/v1/staff/accounts/${fx.owner.id}/conversations?grantId=${fx.ids.grant}` }),
    expect: staffOnly(200),
  },
  {
    route: 'GET /v1/staff/conversations/{id}',
    setup: staffGrant,
    request: (fx) => ({ url: `/v1/staff/conversations/${fx.conversationId}?grantId=${fx.ids.grant}` }),
    expect: staffOnly(200),
  },
  {
    route: 'POST /v1/staff/holds',
    staffRole: 'legal',
    request: (fx) => ({ url: '/v1/staff/holds', payload: { accountId: fx.owner.id, basis: 'matrix: preservation order' } }),
    expect: staffOnly(201),
  },
  { route: 'GET /v1/staff/holds', staffRole: 'legal', request: () => ({ url: '/v1/staff/holds' }), expect: staffOnly(200) },
  { route: 'GET /v1/staff/analytics/usage', request: () => ({ url: '/v1/staff/analytics/usage?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z' }), expect: staffOnly(200) },
  { route: 'GET /v1/policy', request: () => ({ url: '/v1/policy' }), expect: everyone(200) },
  { route: 'GET /policy', request: () => ({ url: '/policy' }), expect: everyone(200) },
  {
    route: 'POST /v1/staff/disclosures',
    staffRole: 'legal',
    request: (fx) => ({ url: '/v1/staff/disclosures', payload: { accountId: fx.owner.id, recipientId: 'cloud-hosting', purpose: 'matrix: hosting', scope: ['account'] } }),
    expect: staffOnly(201),
  },
  {
    route: 'POST /v1/staff/holds/{id}/release',
    staffRole: 'legal',
    setup: async (fx) => {
      const hold = await h.app.inject({ method: 'POST', url: '/v1/staff/holds', headers: fx.staff.auth, payload: { accountId: fx.owner.id, basis: 'matrix: to release' } });
      fx.ids.hold = hold.json().id;
    },
    request: (fx) => ({ url: `/v1/staff/holds/${fx.ids.hold}/release` }),
    expect: staffOnly(200),
  },
  { route: 'GET /v1/staff/review/items', request: () => ({ url: '/v1/staff/review/items' }), expect: staffOnly(200) },
  // No item is sampled here: the staff caller gets past authentication and finds nothing.
  { route: 'GET /v1/staff/review/items/{id}', request: () => ({ url: `/v1/staff/review/items/${NO_SUCH_ID}` }), expect: staffOnly(404) },
  { route: 'POST /v1/staff/review/items/{id}/unmask', request: () => ({ url: `/v1/staff/review/items/${NO_SUCH_ID}/unmask`, payload: { fields: ['0.1'] } }), expect: staffOnly(404) },
  { route: 'POST /v1/staff/review/items/{id}/complete', request: () => ({ url: `/v1/staff/review/items/${NO_SUCH_ID}/complete`, payload: { outcome: 'no_action' } }), expect: staffOnly(404) },
];

async function staffGrant(fx: Fixtures) {
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/staff/grants',
    headers: fx.staff.auth,
    payload: { subject: { accountId: fx.owner.id }, purpose: 'policy_violation', caseRef: 'CASE-MATRIX', ttlMinutes: 30 },
  });
  expect(res.statusCode).toBe(201);
  fx.ids.grant = res.json().id;
}

async function orgWithPendingRequest(fx: Fixtures) {
  const org = await h.container.organisations.create({ name: 'Matrix Org', kind: 'enterprise', zeroDataRetention: false, retentionDays: null, trainingConsent: false, accessApprovalRequired: true });
  const admin = await h.newUser({ inviteToken: org.inviteToken });
  const member = await h.newUser({ inviteToken: org.inviteToken });
  await h.container.grants.setOrgAdmin(org.id, admin.id, true);
  const res = await h.app.inject({
    method: 'POST',
    url: '/v1/staff/grants',
    headers: fx.staff.auth,
    payload: { subject: { accountId: member.id }, purpose: 'policy_violation', caseRef: 'CASE-ORG', ttlMinutes: 30 },
  });
  expect(res.statusCode).toBe(201);
  fx.owner = admin;
  fx.ids.org = org.id;
  fx.ids.grant = res.json().id;
}

async function startEnrolment(fx: Fixtures) {
  fx.totpSecret = (await h.app.inject({ method: 'POST', url: '/v1/me/mfa/totp', headers: fx.owner.auth })).json().secret;
}

async function addPaymentMethod(fx: Fixtures) {
  const res = await h.app.inject({ method: 'PUT', url: '/v1/me/payment-method', headers: fx.owner.auth, payload: { processorToken: 'pm_matrix', brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 } });
  expect(res.statusCode).toBe(200);
}

async function fixtures(staffRole: StaffRole): Promise<Fixtures> {
  const owner = await h.newUser();
  const other = await h.newUser();
  const doomed = await h.newUser();
  const conversationId = (await h.app.inject({ method: 'POST', url: '/v1/conversations', headers: owner.auth, payload: {} })).json().id as string;
  await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: owner.auth, payload: { role: 'user', content: 'question' } });
  const messageId = (await h.app.inject({ method: 'POST', url: `/v1/conversations/${conversationId}/messages`, headers: owner.auth, payload: { role: 'assistant', content: 'answer' } })).json().id as string;
  const second = (await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: owner.email, password: owner.password } })).json().token as string;
  const ownerSessionId = (await h.database.db.selectFrom('sessions').select('id').where('token_hash', '=', sha256(second)).executeTakeFirstOrThrow()).id;
  const expiredToken = (await h.app.inject({ method: 'POST', url: '/v1/sessions', payload: { email: owner.email, password: owner.password } })).json().token as string;
  await h.database.db.updateTable('sessions').set({ expires_at: new Date(h.clock.now().getTime() - 1000) }).where('token_hash', '=', sha256(expiredToken)).execute();
  // A deleted account whose session row was left behind: the account state alone must shut it out.
  await h.database.db.updateTable('accounts').set({ deleted_at: h.clock.now() }).where('id', '=', doomed.id).execute();
  const staff = await newStaff(h, staffRole);
  return { owner, other, expiredToken, deletedToken: doomed.token, conversationId, messageId, ownerSessionId, totpSecret: null, staff, ids: {} };
}

function credentialsFor(actor: Actor, fx: Fixtures): Record<string, string> {
  switch (actor) {
    case 'anonymous':
      return {};
    case 'expired':
      return { authorization: `Bearer ${fx.expiredToken}` };
    case 'deletedAccount':
      return { authorization: `Bearer ${fx.deletedToken}` };
    case 'otherUser':
      return fx.other.auth;
    case 'staff':
      return fx.staff.auth;
    case 'user':
      return fx.owner.auth;
  }
}

beforeAll(async () => {
  // Voice input needs a transcriber; this one hears the same words in every recording.
  h = await createHarness({ transcriber: { transcribe: async () => ({ text: 'matrix voice' }) } });
});
afterAll(async () => h?.close());

describe('authentication matrix', () => {
  it('covers every route of the API', async () => {
    const spec = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    );
    const inMatrix = new Set(rows.map((r) => r.route));
    expect(documented.filter((r) => !inMatrix.has(r)), 'routes with no row in the matrix').toEqual([]);
    expect([...inMatrix].filter((r) => !documented.includes(r)), 'rows for routes that do not exist').toEqual([]);
  });

  for (const row of rows) {
    it(`${row.route}: ${actors.map((a) => `${a} ${row.expect[a]}`).join(', ')}`, async () => {
      const fx = await fixtures(row.staffRole ?? 'trust_safety');
      await row.setup?.(fx);
      const [method] = row.route.split(' ') as [string];
      const got: Partial<Record<Actor, number>> = {};
      // The owner goes last: its call may consume the fixture (delete, revoke).
      for (const actor of actors) {
        const { url, payload, contentType } = row.request(fx);
        const res = await h.app.inject({
          method: method as 'GET',
          url,
          headers: { ...credentialsFor(actor, fx), ...(contentType ? { 'content-type': contentType } : {}) },
          ...(payload !== undefined ? { payload: payload as object } : {}),
        });
        got[actor] = res.statusCode;
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
      expect(got).toEqual(row.expect);
    });
  }
});
