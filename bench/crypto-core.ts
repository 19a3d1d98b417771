import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { randomBytes } from 'node:crypto';
import { newKey, open, seal } from '../src/crypto/aead.js';
import { encodeFieldAad, type FieldAad } from '../src/crypto/aad.js';
import { LocalKeyProvider } from '../src/crypto/key-provider.js';
import {
  KeyCache,
  newAccountKey,
  newDataKey,
  openField,
  sealField,
  unwrapAccountKey,
  unwrapDataKey,
  wrapAccountKey,
  wrapDataKey,
  type AccountDataKeyAad,
} from '../src/crypto/key-hierarchy.js';

/**
 * `npm run bench -- crypto-core [--seconds 1]`: the cost of the crypto core on one core, with no
 * I/O, so the keystore and the content path can budget for it (one field seal per stored message
 * part, one data-key unwrap per cache miss, one root unwrap per account-key cache miss).
 */
interface Result {
  name: string;
  opsPerSecond: number;
  microsPerOp: number;
}

const where: FieldAad = {
  accountId: '0190f5a0-1c2d-7000-8000-00000000a001',
  conversationId: '0190f5a0-1c2d-7000-8000-00000000c001',
  table: 'messages',
  rowId: '0190f5a0-1c2d-7000-8000-00000000e001',
  column: 'content',
  keyVersion: 1,
};

async function measure(name: string, seconds: number, op: () => unknown): Promise<Result> {
  for (let i = 0; i < 2000; i++) await op(); // warm-up: JIT and OpenSSL contexts
  let ops = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 500; i++) await op();
    ops += 500;
    now = performance.now();
  }
  const elapsed = (now - start) / 1000;
  return { name, opsPerSecond: Math.round(ops / elapsed), microsPerOp: Number(((elapsed / ops) * 1e6).toFixed(2)) };
}

const isPromise = (value: unknown) => typeof (value as Promise<unknown> | null)?.then === 'function';

export async function run(args: string[]): Promise<void> {
  const at = args.indexOf('--seconds');
  const seconds = at >= 0 ? Number(args[at + 1]) : 1;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error('--seconds must be a positive number');

  const message = randomBytes(1024);
  const text = 'x'.repeat(1024);
  const aad = encodeFieldAad(where);
  const dataKey = newDataKey();
  const envelope = seal(dataKey, message, aad);
  const sealedField = sealField(dataKey, text, where);

  const accountKey = newAccountKey();
  const dataAt: AccountDataKeyAad = { accountId: where.accountId!, accountKeyVersion: 1, scope: { kind: 'conversation', id: where.conversationId! }, keyVersion: 1 };
  const wrappedData = wrapDataKey(accountKey, dataKey, dataAt);
  const root = LocalKeyProvider.generate();
  const wrappedAccount = await wrapAccountKey(root, accountKey, { accountId: where.accountId!, keyVersion: 1 });
  const cache = new KeyCache(10_000);
  for (let i = 0; i < 10_000; i++) cache.set(`k${i}`, dataKey);
  let hit = 0;

  // Synchronous operations are timed without an await per call; only the root unwrap is async.
  const sync = (fn: () => unknown) => () => {
    const value = fn();
    if (isPromise(value)) throw new Error('unexpected promise');
  };
  const results: Result[] = [];
  results.push(await measure('seal 1 KiB (aead.seal)', seconds, sync(() => seal(dataKey, message, aad))));
  results.push(await measure('open 1 KiB (aead.open)', seconds, sync(() => open(dataKey, envelope, aad))));
  results.push(await measure('sealField 1 KiB text (+ AAD encoding)', seconds, sync(() => sealField(dataKey, text, where))));
  results.push(await measure('openField 1 KiB text (+ AAD encoding)', seconds, sync(() => openField(dataKey, sealedField, where))));
  results.push(await measure('unwrap data key (under account key)', seconds, sync(() => unwrapDataKey(accountKey, wrappedData, dataAt))));
  results.push(
    await measure('unwrap account key (LocalKeyProvider root)', seconds, () =>
      unwrapAccountKey(root, wrappedAccount, { accountId: where.accountId!, keyVersion: 1 }),
    ),
  );
  results.push(await measure('new data key (32 random bytes)', seconds, sync(() => newKey())));
  results.push(await measure('KeyCache hit (10k entries)', seconds, sync(() => cache.get(`k${hit++ % 10_000}`))));

  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`${'operation'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${'µs/op'.padStart(8)}`);
  for (const r of results) console.log(`${r.name.padEnd(width)}  ${r.opsPerSecond.toLocaleString('en-US').padStart(12)}  ${r.microsPerOp.toFixed(2).padStart(8)}`);

  const report = { bench: 'crypto-core', node: process.version, cpu: cpus()[0]?.model ?? 'unknown', secondsPerCase: seconds, results };
  console.log(JSON.stringify(report));
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'crypto-core.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
}
