import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConfig } from '../src/config/config.js';
import { openRuntime } from '../src/runtime.js';
import { LocalKeyProvider } from '../src/crypto/key-provider.js';
import { createPostgresDatabase, dropPostgresDatabase, testDatabaseUrl } from './support/database.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe.skipIf(!testDatabaseUrl)('KEYSTORE_URL: keys in their own database', () => {
  it('keeps every key out of the content database, and shredding still works', async () => {
    const contentUrl = await createPostgresDatabase();
    const keystoreUrl = await createPostgresDatabase();
    const dataDir = mkdtempSync(join(tmpdir(), 'custos-ks-'));
    dirs.push(dataDir);
    try {
      const config = buildConfig({ dataDir, logLevel: 'silent' }, { DATABASE_URL: contentUrl, KEYSTORE_URL: keystoreUrl });
      const c = await openRuntime(config, { provider: LocalKeyProvider.generate() });
      try {
        const account = await c.accounts.register({ email: 'ks@example.test', password: 'long enough password', name: 'K' }, { ip: null, userAgent: null });
        const conversation = await c.conversations.create(account.id, { incognito: false });
        await c.conversations.appendMessage(account.id, conversation.id, { role: 'user', content: 'kept apart' });
        expect((await c.conversations.get(account.id, conversation.id)).messages[0]!.content).toBe('kept apart');
        expect(await c.db.selectFrom('keystore.account_keys').selectAll().execute()).toEqual([]);
        expect(await c.db.selectFrom('keystore.data_keys').selectAll().execute()).toEqual([]);
        expect(await c.keystore!.db.selectFrom('keystore.data_keys').selectAll().where('scope_id', '=', conversation.id).execute()).toHaveLength(1);
        await c.erasure.deleteAccount(account.id, 'long enough password');
        await c.keys.compact();
        expect(await c.keystore!.db.selectFrom('keystore.account_keys').selectAll().where('account_id', '=', account.id).execute()).toEqual([]);
        expect(await c.keystore!.db.selectFrom('keystore.data_keys').selectAll().where('account_id', '=', account.id).execute()).toEqual([]);
      } finally {
        await c.keystore?.close();
        await c.database.close();
      }
    } finally {
      await dropPostgresDatabase(contentUrl);
      await dropPostgresDatabase(keystoreUrl);
    }
  });
});
