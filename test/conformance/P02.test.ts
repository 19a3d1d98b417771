import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer } from '../support/cli.js';
import { createPostgresDatabase, dropPostgresDatabase, testDatabaseUrl } from '../support/database.js';
import { encodingsOf, findIn, scanDirectory } from '../support/scan.js';

/**
 * P02: inputs and outputs are stored encrypted at rest. Unique canaries go in through the real
 * server; afterwards neither the raw database (the embedded data directory, or a pg_dump of
 * PostgreSQL) nor the server's logs contain them, in any encoding the test can think of.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function plantCanaries(url: string) {
  const canaries = Array.from({ length: 4 }, (_, i) => `CANARY${i}-${randomBytes(8).toString('hex')}`);
  const json = (body: unknown, token?: string) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const email = `p02-${randomBytes(4).toString('hex')}@example.test`;
  expect((await fetch(`${url}/v1/accounts`, json({ email, password: 'long enough password', name: 'P02' }))).status).toBe(201);
  const { token } = (await (await fetch(`${url}/v1/sessions`, json({ email, password: 'long enough password' }))).json()) as { token: string };
  const { id } = (await (await fetch(`${url}/v1/conversations`, json({ title: canaries[0] }, token))).json()) as { id: string };
  for (const [i, content] of [canaries[1], canaries[2], `${canaries[3]} with ünïcödé ✓`].entries()) {
    const res = await fetch(`${url}/v1/conversations/${id}/messages`, json({ role: i % 2 ? 'assistant' : 'user', content }, token));
    expect(res.status).toBe(201);
  }
  // the server gives it back to its owner: the canaries really went in
  const got = await (await fetch(`${url}/v1/conversations/${id}`, { headers: { authorization: `Bearer ${token}` } })).text();
  for (const c of canaries) expect(got).toContain(c);
  return canaries;
}

describe('P02 encryption at rest', () => {
  it.skipIf(Boolean(testDatabaseUrl))('P02 embedded: the data directory and the logs hold no canary in any encoding', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-p02-'));
    dirs.push(dataDir);
    const server = await startServer(['--data-dir', dataDir, '--no-sweeper'], { env: { LOG_LEVEL: 'debug' } });
    const canaries = await plantCanaries(server.url);
    await server.stop();
    const needles = canaries.flatMap((c) => encodingsOf(c).map((e) => e.bytes));
    expect(scanDirectory(dataDir, needles)).toEqual([]);
    expect(findIn(Buffer.from(server.output()), canaries)).toEqual([]);
    expect(server.output()).toContain('request completed'); // the log was really captured
  });

  it.skipIf(!testDatabaseUrl)('P02 PostgreSQL: a pg_dump and the logs hold no canary in any encoding', async () => {
    const url = await createPostgresDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-p02-'));
    dirs.push(dataDir);
    try {
      const server = await startServer(['--data-dir', dataDir, '--no-sweeper'], { env: { DATABASE_URL: url, LOG_LEVEL: 'debug' } });
      const canaries = await plantCanaries(server.url);
      await server.stop();
      const dump = execFileSync('pg_dump', ['--no-owner', url], { maxBuffer: 256 * 1024 * 1024 });
      expect(dump.length).toBeGreaterThan(1000);
      expect(dump.toString()).toContain('COPY public.messages');
      expect(findIn(dump, canaries)).toEqual([]);
      expect(findIn(Buffer.from(server.output()), canaries)).toEqual([]);
    } finally {
      await dropPostgresDatabase(url);
    }
  });
});
