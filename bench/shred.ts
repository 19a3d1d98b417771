import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { buildConfig } from '../src/config/config.js';
import { openRuntime } from '../src/runtime.js';
import { LocalKeyProvider } from '../src/crypto/key-provider.js';
import { uuidv7 } from '../src/lib/ids.js';
import { messageLocation } from '../src/modules/conversations/conversations.service.js';
import type { Container } from '../src/container.js';
import { freshDatabase, printTable, recordResult } from './support.js';

/**
 * `npm run bench -- shred`: how long it takes to make an account unreadable (its key destroyed,
 * in one transaction) with 1,000 vs 100,000 messages. Target: both under 50 ms, and the large one
 * at most 2 × the small one: shredding is constant in data volume.
 */
const MESSAGES_PER_CONVERSATION = 100;

async function accountWith(c: Container, messages: number) {
  const account = await c.accounts.register({ email: `bench-${uuidv7()}@example.test`, password: 'bench password long', name: 'B' }, { ip: null, userAgent: null });
  const now = new Date();
  let written = 0;
  while (written < messages) {
    const conversation = await c.conversations.create(account.id, { incognito: false });
    const rows = [];
    for (let i = 0; i < MESSAGES_PER_CONVERSATION && written < messages; i++, written++) {
      const id = uuidv7();
      const sealed = await c.cipher.seal(c.db, messageLocation(account.id, conversation.id, id), `benchmark message number ${written} with some ordinary length of text`);
      rows.push({ account_id: account.id, conversation_id: conversation.id, id, seq: i + 1, role: 'user' as const, content: sealed.ciphertext, content_key_version: sealed.keyVersion, content_length: 60, created_at: now });
    }
    await c.db.insertInto('messages').values(rows).execute();
  }
  return account.id;
}

export async function run(args: string[]) {
  const repeats = Number(args[0] ?? 5);
  const database = await freshDatabase();
  const config = buildConfig({ dataDir: '/tmp/custos-bench-shred', logLevel: 'silent' }, { DATABASE_URL: database.url });
  const c = await openRuntime(config, { provider: LocalKeyProvider.generate() });
  try {
    const rows = [];
    const medians: Record<number, number> = {};
    for (const size of [1_000, 100_000]) {
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const accountId = await accountWith(c, size);
        await sql`vacuum analyze`.execute(c.db);
        const start = performance.now();
        await c.erasure.shredAccount(accountId);
        times.push(performance.now() - start);
        const left = await c.db.selectFrom('keystore.account_keys').selectAll().where('account_id', '=', accountId).execute();
        if (left.length !== 0) throw new Error('account key survived the shred');
      }
      times.sort((a, b) => a - b);
      medians[size] = times[Math.floor(times.length / 2)]!;
      rows.push({ messages: size, conversations: size / MESSAGES_PER_CONVERSATION, 'median ms': medians[size]!.toFixed(1), 'max ms': times[times.length - 1]!.toFixed(1), runs: repeats });
    }
    printTable(rows);
    const ratio = medians[100_000]! / medians[1_000]!;
    console.log(`ratio 100k/1k: ${ratio.toFixed(2)} (target <= 2); both under 50 ms: ${medians[1_000]! < 50 && medians[100_000]! < 50}`);
    recordResult('shred', { medianMs1k: medians[1_000], medianMs100k: medians[100_000], ratio, messagesPerConversation: MESSAGES_PER_CONVERSATION });
  } finally {
    await c.database.close();
    await database.drop();
  }
}
