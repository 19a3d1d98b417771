import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createHarness, type Harness, type TestUser } from '../../../test/support/harness.js';
import { testDatabaseUrl } from '../../../test/support/database.js';
import {
  cli,
  conversationWith,
  exportTraining,
  holds,
  removeTempDirs,
  setTraining,
  tempDir,
} from '../../../test/conformance/lifecycle-support.js';
import { createTrainingModule, type TrainingDeps } from './training.service.js';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h?.close();
  removeTempDirs();
});

const DAY = 86_400_000;
let clockDay = 0;
/** Each test exports at its own later instant, so batches never share an export instant. */
const nextInstant = () => new Date(h.clock.now().getTime() + ++clockDay * DAY);

function moduleWith(overrides: Partial<TrainingDeps>) {
  const c = h.container;
  return createTrainingModule({ db: c.db, databaseKind: c.database.kind, clock: c.clock, policy: c.policy, cipher: c.cipher, ...overrides });
}

async function optedInUser(): Promise<TestUser> {
  const user = await h.newUser();
  await setTraining(h, user, true);
  return user;
}

describe('training export', () => {
  it('writes no account id, email, name or account pseudonym; one pseudonym per account per batch, new in every batch', async () => {
    const alice = await optedInUser();
    const bob = await optedInUser();
    const a1 = await conversationWith(h, alice, 'TRAIN-ALICE-1');
    const a2 = await conversationWith(h, alice, 'TRAIN-ALICE-2');
    const b1 = await conversationWith(h, bob, 'TRAIN-BOB-1');
    const first = await exportTraining(h, nextInstant());

    const accounts = await h.database.db.selectFrom('accounts').select(['id', 'email', 'name', 'pseudonym']).where('id', 'in', [alice.id, bob.id]).execute();
    for (const a of accounts) {
      for (const secret of [a.id, a.email, a.pseudonym]) expect(first.text).not.toContain(secret);
    }
    expect(first.text).not.toContain('"name"');
    expect(first.text).not.toContain(accounts[0]!.name);
    for (const c of [a1, a2, b1]) expect(first.text).not.toContain(c.id);

    const pseudonymOf = (canary: string) => first.lines.find((l) => l.messages.some((m) => m.content.includes(canary)))!.pseudonym;
    expect(pseudonymOf('TRAIN-ALICE-1')).toBe(pseudonymOf('TRAIN-ALICE-2'));
    expect(pseudonymOf('TRAIN-ALICE-1')).not.toBe(pseudonymOf('TRAIN-BOB-1'));
    for (const line of first.lines) {
      expect(Object.keys(line).sort()).toEqual(['accountKind', 'basis', 'batchId', 'messages', 'policyVersion', 'pseudonym', 'recordId']);
      expect(line.recordId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
    }

    await conversationWith(h, alice, 'TRAIN-ALICE-3');
    const second = await exportTraining(h, nextInstant());
    expect(second.lines).toHaveLength(1);
    expect(second.lines[0]!.pseudonym).not.toBe(pseudonymOf('TRAIN-ALICE-1'));

    // the file is readable by its owner only
    const file = join(tempDir(), 'mode.jsonl');
    await cli(h, ['training', 'export', '--batch', second.batch.id, '--out', file]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stores each record sealed under the batch\'s own key, not any account\'s', async () => {
    const user = await optedInUser();
    await conversationWith(h, user, 'TRAIN-SEALED-canary');
    const batch = await exportTraining(h, nextInstant());
    const records = await h.database.db.selectFrom('training_records').select(['content']).where('batch_id', '=', batch.batch.id).execute();
    expect(records).toHaveLength(1);
    expect(records[0]!.content.toString('latin1')).not.toContain('TRAIN-SEALED-canary');
    const key = await h.database.db.selectFrom('keystore.data_keys').select(['account_id']).where('scope_kind', '=', 'copy').where('scope_id', '=', batch.batch.id).execute();
    expect(key).toEqual([{ account_id: null }]);
  });

  it('passes every message through the text hook and hands each new pseudonym to the re-identification seam', async () => {
    const user = await optedInUser();
    await conversationWith(h, user, 'TRAIN-HOOK-mail@example.test');
    await conversationWith(h, user, 'TRAIN-HOOK-second');
    const links: { batchId: string; pseudonym: string; accountId: string }[] = [];
    const training = moduleWith({
      transformText: (text) => text.replace(/\S+@\S+/g, '[EMAIL]'),
      reidentification: { record: async (_exec, link) => void links.push(link) },
    });
    const batch = await training.freeze({ at: nextInstant() });
    const lines = [];
    for await (const line of training.lines(batch.id)) lines.push(line);
    const texts = lines.flatMap((l) => l.messages.map((m) => m.content));
    expect(texts.some((t) => t.includes('[EMAIL]'))).toBe(true);
    expect(texts.join('\n')).not.toContain('mail@example.test');
    expect(links).toEqual([{ batchId: batch.id, pseudonym: lines[0]!.pseudonym, accountId: user.id }]);
  });

  it('an export that fails half-way leaves no batch and no marker; the next export takes the conversations', async () => {
    const user = await optedInUser();
    await conversationWith(h, user, 'TRAIN-RETRY-1');
    const failing = moduleWith({
      transformText: () => {
        throw new Error('anonymiser down');
      },
    });
    await expect(failing.freeze({ at: nextInstant() })).rejects.toThrow('anonymiser down');
    expect(await h.database.db.selectFrom('training_batches').select('id').where('status', '=', 'building').execute()).toEqual([]);
    const retried = await exportTraining(h, nextInstant());
    expect(holds(retried, 'TRAIN-RETRY-1')).toBe(true);
  });

  it('discards a batch left half-built by a process that died, and exports its conversations again', async () => {
    const user = await optedInUser();
    const conversation = await conversationWith(h, user, 'TRAIN-ORPHAN-1');
    const orphan = '00000000-0000-4000-8000-00000000beef';
    await h.database.db
      .insertInto('training_batches')
      .values({ id: orphan, status: 'building', export_at: h.clock.now(), created_at: h.clock.now(), policy_version: 'x', delete_after: nextInstant(), retention_rule: 'x' })
      .execute();
    await h.database.db.insertInto('training_exports').values({ account_id: user.id, conversation_id: conversation.id, batch_id: orphan }).execute();
    const batch = await exportTraining(h, nextInstant());
    expect(holds(batch, 'TRAIN-ORPHAN-1')).toBe(true);
    expect(await h.database.db.selectFrom('training_batches').select('id').where('id', '=', orphan).execute()).toEqual([]);
  });

  it('refuses an export dated before now, and a second export while one runs', async () => {
    const past = await cli(h, ['training', 'export', '--out', 'x.jsonl', '--at', new Date(h.clock.now().getTime() - 1).toISOString()]);
    expect(past.code).toBe(1);
    expect(past.stderr).toContain('cannot be dated before now');
    const both = await cli(h, ['training', 'export', '--out', 'x.jsonl', '--batch', orphanFree(), '--at', h.clock.now().toISOString()]);
    expect(both.code).toBe(1);
    const unknown = await cli(h, ['training', 'export', '--out', 'x.jsonl', '--batch', '00000000-0000-4000-8000-000000000000']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('not found');

    const user = await optedInUser();
    await conversationWith(h, user, 'TRAIN-CONCURRENT-1');
    const [a, b] = await Promise.allSettled([h.container.training.freeze({ at: nextInstant() }), h.container.training.freeze({ at: nextInstant() })]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason.code).toBe('export_in_progress');
  });

  it.skipIf(!testDatabaseUrl)('takes turns with an export in another process (PostgreSQL advisory lock)', async () => {
    const other = new pg.Client({ connectionString: h.database.url! });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock(7202601)');
      await expect(h.container.training.freeze({ at: nextInstant() })).rejects.toMatchObject({ code: 'export_in_progress' });
      await other.query('select pg_advisory_unlock(7202601)');
      await expect(h.container.training.freeze({ at: nextInstant() })).resolves.toMatchObject({ status: 'frozen' });
    } finally {
      await other.end();
    }
  });

  it('lists batches with their counts, as a table or JSON', async () => {
    const json = await cli(h, ['training', 'batches', '--json']);
    const batches = JSON.parse(json.stdout) as { id: string; status: string; records: number; counts: { byBasis: Record<string, number> } }[];
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) {
      expect(b.status).toBe('frozen');
      expect(Object.values(b.counts.byBasis).reduce((x, y) => x + y, 0)).toBe(b.records);
    }
    const table = await cli(h, ['training', 'batches']);
    expect(table.stdout).toMatch(/^batch\s+status\s+exportAt\s+records/m);
    expect(table.stdout).toContain(batches[0]!.id);
  });
});

/** Any id: the command must refuse --batch together with --at before looking it up. */
function orphanFree() {
  return '00000000-0000-4000-8000-000000000001';
}
