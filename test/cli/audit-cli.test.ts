import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { runCustos } from '../support/cli.js';
import { createPostgresDatabase, dropPostgresDatabase, testDatabaseUrl } from '../support/database.js';
import { buildConfig } from '../../src/config/config.js';
import { openRuntime } from '../../src/runtime.js';
import { openDatabase, type DatabaseTarget } from '../../src/db/database.js';
import { LocalKeyProvider } from '../../src/crypto/key-provider.js';
import { exportKey, generateCheckpointKeyPair } from '../../src/audit/checkpoint.js';
import { auditKeyFile } from '../../src/modules/audit/signing-key.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Setup {
  args: string[];
  env: NodeJS.ProcessEnv;
  target: DatabaseTarget;
}

/**
 * The commands of the audit, staff, hold and review features, run as the real executable, then
 * the audit log is edited behind the application's back and `custos audit verify` must say where.
 */
async function scenario(setup: Setup) {
  const run = async (args: string[]) => runCustos([...args, ...setup.args], { env: setup.env });
  const json = async (args: string[]) => {
    const r = await run([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  const staff = await json(['staff', 'create', '--email', 'counsel@operator.test', '--role', 'legal']);
  expect(staff).toMatchObject({ role: 'legal', email: 'counsel@operator.test' });
  expect(staff.totpSecret).toMatch(/^[A-Z2-7]+$/);
  expect(staff.otpauthUri).toContain('otpauth://totp/');
  const bad = await run(['staff', 'create', '--email', 'x@operator.test', '--role', 'janitor']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('--role must be one of');

  // Data to act on, written through the application itself.
  const config = buildConfig({ dataDir: setup.args[1] ?? '/nonexistent', logLevel: 'silent' }, setup.env);
  const c = await openRuntime(config, { provider: LocalKeyProvider.fromEnv(setup.env) ?? undefined });
  let accountId: string;
  try {
    const account = await c.accounts.register({ email: 'held@example.test', password: 'long enough password', name: 'Held' }, { ip: null, userAgent: null });
    accountId = account.id;
    const conversation = await c.conversations.create(account.id, { incognito: false });
    await c.conversations.appendMessage(account.id, conversation.id, { role: 'user', content: 'cli canary content' });
  } finally {
    await c.keystore?.close();
    await c.database.close();
  }

  const hold = await json(['hold', 'create', '--account', accountId, '--basis', 'Court order 12', '--until', '2030-01-01T00:00:00Z', '--by', 'counsel@operator.test']);
  expect(hold).toMatchObject({ accountId, basis: 'Court order 12', until: '2030-01-01T00:00:00.000Z', createdBy: staff.id });
  const notLegal = await json(['staff', 'create', '--email', 'helpdesk@operator.test', '--role', 'support']);
  const refused = await run(['hold', 'create', '--account', accountId, '--basis', 'x', '--by', notLegal.email]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('may not manage legal holds');

  const sample = await json(['review', 'sample', '--rate', '1', '--seed', 'cli-seed', '--at', '2099-01-01T00:00:00Z']);
  expect(sample).toMatchObject({ seed: 'cli-seed', rate: 1, at: '2099-01-01T00:00:00.000Z', candidates: 0, picked: 0 });
  const now = await json(['review', 'sample', '--rate', '1', '--seed', 'cli-seed-2']);
  expect(now).toMatchObject({ candidates: 1, picked: 1 });
  expect((await run(['review', 'sample', '--rate', '2'])).stderr).toContain('--rate must be a number between 0 and 1');

  expect(await json(['hold', 'release', hold.id])).toMatchObject({ id: hold.id });

  const checkpoint = await json(['audit', 'checkpoint']);
  expect(checkpoint.checkpoint.size).toBeGreaterThan(5);
  const intact = await json(['audit', 'verify']);
  expect(intact).toMatchObject({ ok: true, pending: 0, problems: [] });
  expect(intact.checkpointedSize).toBe(intact.size);

  // Someone with database access rewrites the hold's entry: verify exits 1 and names the entry.
  const db = await openDatabase(setup.target);
  let seq: number;
  try {
    const row = await db.db.selectFrom('audit_entries').select(['seq']).where('action', '=', 'hold.create').executeTakeFirstOrThrow();
    seq = Number(row.seq);
    await sql`alter table audit_entries disable trigger audit_entries_no_edit`.execute(db.db);
    await sql`update audit_entries set details = replace(details, '"notifySubject":true', '"notifySubject":false') where seq = ${seq}`.execute(db.db);
    await sql`alter table audit_entries enable trigger audit_entries_no_edit`.execute(db.db);
  } finally {
    await db.close();
  }
  const broken = await run(['audit', 'verify', '--json']);
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain('the audit log failed verification');
  const report = JSON.parse(broken.stdout);
  expect(report.ok).toBe(false);
  expect(report.problems[0]).toMatchObject({ kind: 'entry_changed', seq });
  const brokenText = await run(['audit', 'verify']);
  expect(brokenText.code).toBe(1);
  expect(brokenText.stdout).toContain(`entry_changed at entry ${seq}`);
}

describe('custos staff / hold / review / audit', () => {
  it.skipIf(Boolean(testDatabaseUrl))('on the embedded database, with the signing key generated into the data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-audit-cli-'));
    dirs.push(dataDir);
    await scenario({ args: ['--data-dir', dataDir], env: {}, target: { kind: 'pglite', dataDir } });
    expect(statSync(auditKeyFile(dataDir)).mode & 0o777).toBe(0o600);
  }, 240_000);

  it.skipIf(!testDatabaseUrl)('on PostgreSQL, with the keys from the environment', async () => {
    const url = await createPostgresDatabase();
    try {
      const env = {
        DATABASE_URL: url,
        CUSTOS_AUDIT_SIGNING_KEY: exportKey(generateCheckpointKeyPair().privateKey, 'base64'),
        CUSTOS_SEALING_KEY: randomBytes(32).toString('base64'),
        CUSTOS_ROOT_KEY: randomBytes(32).toString('base64'),
      };
      await scenario({ args: [], env, target: { kind: 'postgres', url } });
    } finally {
      await dropPostgresDatabase(url);
    }
  }, 240_000);
});
