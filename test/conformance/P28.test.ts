import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialLocation } from '../../src/modules/connections/connections.service.js';
import { createHarness, type Harness, type TestUser } from '../support/harness.js';

/**
 * P28 Connected services (integrations): the user can list them, see what each can reach, and
 * remove one; removal destroys its stored credentials at once.
 */
let h: Harness;
let user: TestUser;
let other: TestUser;
const DRIVE_TOKEN = 'ya29.P28-canary-drive-4e1f9a';
const CALENDAR_TOKEN = 'P28-canary-calendar-b77c';

beforeAll(async () => {
  h = await createHarness();
  user = await h.newUser();
  other = await h.newUser();
});
afterAll(async () => h.close());

const connect = (u: TestUser, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: '/v1/me/connections', headers: u.auth, payload });
const list = async (u: TestUser) => (await h.app.inject({ method: 'GET', url: '/v1/me/connections', headers: u.auth })).json().connections as { id: string; service: string; scopes: string[] }[];
const dataKeys = (id: string) => h.container.db.selectFrom('keystore.data_keys').select('wrapped').where('scope_kind', '=', 'copy').where('scope_id', '=', id).execute();

describe('P28 connected services', () => {
  let drive: string;
  let calendar: string;

  it('P28 the user lists their connections and sees what each can reach; the credential is stored encrypted and never shown', async () => {
    const a = await connect(user, { service: 'google-drive', scopes: ['files.read', 'files.read', 'files.metadata'], credential: DRIVE_TOKEN });
    h.clock.set(new Date(h.clock.now().getTime() + 1000));
    const b = await connect(user, { service: 'calendar', scopes: ['events.read'], credential: CALENDAR_TOKEN });
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    drive = a.json().id;
    calendar = b.json().id;
    expect(a.json()).toMatchObject({ service: 'google-drive', scopes: ['files.metadata', 'files.read'] });
    const mine = await list(user);
    expect(mine.map((c) => [c.service, c.scopes])).toEqual([
      ['google-drive', ['files.metadata', 'files.read']],
      ['calendar', ['events.read']],
    ]);
    for (const body of [a.body, b.body, JSON.stringify(mine)]) {
      expect(body).not.toContain(DRIVE_TOKEN);
      expect(body).not.toContain(CALENDAR_TOKEN);
    }
    // Sealed at rest, readable only for the integration acting for the user.
    const raw = await h.container.db.selectFrom('connections').select('credential').where('id', '=', drive).executeTakeFirstOrThrow();
    expect(raw.credential.toString('latin1')).not.toContain('P28-canary');
    expect(await h.container.connections.credential(user.id, drive)).toBe(DRIVE_TOKEN);
    expect(await list(other)).toEqual([]);
  });

  it('P28 another user can neither see nor remove them; bad input is refused with a problem', async () => {
    const foreign = await h.app.inject({ method: 'DELETE', url: `/v1/me/connections/${drive}`, headers: other.auth });
    expect(foreign.statusCode).toBe(404);
    await expect(h.container.connections.credential(other.id, drive)).rejects.toThrow(/not found/);
    const bad = await connect(user, { service: 'Drive <script>', scopes: ['files.read'], credential: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await connect(user, { service: 'drive', scopes: [], credential: 'x' })).statusCode).toBe(400);
    expect((await list(user)).length).toBe(2);
  });

  it('P28 removal destroys the credential at once: the row and its key are gone, and a copy of the ciphertext opens with nothing left', async () => {
    const raw = await h.container.db.selectFrom('connections').select(['credential', 'credential_key_version']).where('id', '=', drive).executeTakeFirstOrThrow();
    expect(await dataKeys(drive)).toHaveLength(1);
    const removed = await h.app.inject({ method: 'DELETE', url: `/v1/me/connections/${drive}`, headers: user.auth });
    expect(removed.statusCode).toBe(204);
    expect((await list(user)).map((c) => c.id)).toEqual([calendar]);
    expect(await dataKeys(drive)).toEqual([]);
    await expect(h.container.connections.credential(user.id, drive)).rejects.toThrow(/not found/);
    await expect(h.container.cipher.open(h.container.db, credentialLocation(user.id, drive), { ciphertext: raw.credential, keyVersion: raw.credential_key_version })).rejects.toThrow();
    // The other connection is untouched; removing again is a 404.
    expect(await h.container.connections.credential(user.id, calendar)).toBe(CALENDAR_TOKEN);
    expect((await h.app.inject({ method: 'DELETE', url: `/v1/me/connections/${drive}`, headers: user.auth })).statusCode).toBe(404);
  });

  it('P28 the data export lists the connections without their credentials', async () => {
    const exported = await h.app.inject({ method: 'GET', url: '/v1/me/export', headers: user.auth });
    expect(exported.json().connections).toMatchObject([{ id: calendar, service: 'calendar', scopes: ['events.read'] }]);
    expect(exported.body).not.toContain(CALENDAR_TOKEN);
  });

  it('P28 deleting the account removes every connection and its key in the same instant', async () => {
    const deleted = await h.app.inject({ method: 'DELETE', url: '/v1/me', headers: user.auth, payload: { password: user.password } });
    expect(deleted.statusCode).toBe(204);
    expect(await h.container.db.selectFrom('connections').select('id').where('account_id', '=', user.id).execute()).toEqual([]);
    expect(await dataKeys(calendar)).toEqual([]);
  });

  it('P28 credentials never reach the logs', () => {
    const logs = h.logs.join('\n');
    expect(logs).not.toContain('P28-canary');
  });
});
