import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCustos, startServer } from '../support/cli.js';
import { defaultPolicyPath } from '../../src/policy/index.js';
import { lockPath } from '../../src/db/data-dir-lock.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'custos-cli-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('custos policy show', () => {
  it('prints the effective table and, with --json, the whole policy', async () => {
    const table = await runCustos(['policy', 'show']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/retention\.conversations\.consumer\.optedOutDays\s+30/);
    const json = await runCustos(['policy', 'show', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).retention.incognitoDays).toBeTypeOf('number');
  });

  it('a bad policy file exits non-zero and names each bad field by its path', async () => {
    const dir = tempDir();
    const bad = readFileSync(defaultPolicyPath, 'utf8')
      .replace(/optedOutDays: 30/, 'optedOutDays: -1')
      .replace(/feedbackDays: 1825/, 'feedbackDays: "five years"');
    writeFileSync(join(dir, 'bad.yaml'), bad);
    const result = await runCustos(['policy', 'show', '--policy', join(dir, 'bad.yaml')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('retention.conversations.consumer.optedOutDays');
    expect(result.stderr).toContain('retention.feedbackDays');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('unknown commands and bad flags exit non-zero with a message', async () => {
    const unknown = await runCustos(['frobnicate']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/unknown command/);
    const kind = await runCustos(['org', 'create', '--name', 'X', '--kind', 'galaxy', '--data-dir', tempDir()]);
    expect(kind.code).toBe(1);
    expect(kind.stderr).toContain('--kind must be team, enterprise or api');
  });
});

describe.skipIf(Boolean(process.env.TEST_DATABASE_URL))('the embedded data directory', () => {
  it('is never opened twice: while serve holds it, commands go through its admin channel; data survives a restart', async () => {
    const dataDir = tempDir();
    const server = await startServer(['--data-dir', dataDir, '--no-sweeper']);
    try {
      const health = await fetch(`${server.url}/healthz`).then((r) => r.json());
      expect(health).toMatchObject({ status: 'ok', database: 'pglite' });
      const lock = JSON.parse(readFileSync(lockPath(dataDir), 'utf8'));
      expect(lock.adminSocket).toBe(join(dataDir, 'admin.sock'));

      const created = await runCustos(['org', 'create', '--name', 'Through the channel', '--kind', 'team', '--data-dir', dataDir]);
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const org = JSON.parse(created.stdout) as { id: string; inviteToken: string };
      expect(org.inviteToken).toMatch(/^inv_/);

      // the server sees it at once: an account can join with the invite
      const signup = await fetch(`${server.url}/v1/accounts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'member@example.test', password: 'a long enough password', name: 'M', inviteToken: org.inviteToken }),
      });
      expect(signup.status).toBe(201);
      expect(((await signup.json()) as { kind: string }).kind).toBe('team');

      const failing = await runCustos(['org', 'create', '--name', 'X', '--kind', 'team', '--retention-days', '100000', '--data-dir', dataDir]);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain('retention days');
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(existsSync(lockPath(dataDir))).toBe(false);

    // after a restart (here: a plain CLI process opening the files itself) the data is there
    const listed = await runCustos(['org', 'list', '--json', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).map((o: { name: string }) => o.name)).toEqual(['Through the channel']);
  });

  it('refuses with a clear message when another live process holds the directory without a channel', async () => {
    const dataDir = tempDir();
    // this test process plays the other owner: alive, and with no admin socket
    writeFileSync(lockPath(dataDir), JSON.stringify({ pid: process.pid, adminSocket: null, startedAt: new Date().toISOString() }));
    const result = await runCustos(['org', 'list', '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/in use by another Custos process \(pid \d+\)/);
    expect(existsSync(join(dataDir, 'pgdata'))).toBe(false);
    const serve = await runCustos(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toMatch(/in use by another Custos process/);
  });

  it('custos migrate brings a fresh directory up to date, then has nothing to do', async () => {
    const dataDir = tempDir();
    const first = await runCustos(['migrate', '--data-dir', dataDir]);
    expect(first.code).toBe(0);
    const second = await runCustos(['migrate', '--data-dir', dataDir]);
    expect(second.stdout).toContain('up to date');
  });
});
