import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Clock } from '../lib/clock.js';
import type { Policy } from '../policy/index.js';
import type { ContentCipher } from '../modules/content/content-cipher.js';
import { uuidv7 } from '../lib/ids.js';
import { insertReceipt, type LifecycleReceipt } from './lifecycle-receipts.js';
import { appendAudit } from '../modules/audit/audit.repository.js';
import { SetDigest, digestItem } from './set-digest.js';
import { defaultSweepTargets, sweptClasses, type SweepTarget } from './sweep-targets.js';

/**
 * The lifecycle sweep: deletes everything whose deadline is at or before `now` and that no legal
 * hold protects, in batches of one short transaction each, and records a receipt. Deadlines were
 * decided when the facts changed (retention as data), so the sweep decides nothing: it is safe
 * to run in any number of processes at once, and running it twice at the same instant deletes
 * nothing the second time.
 *
 * Units per batch: 1,000 conversations (with their messages) commit in a few tens of
 * milliseconds; half as many cost about 10 % more per row in commits and round trips
 * (`npm run bench -- sweep`, bench/README.md).
 */
export const DEFAULT_SWEEP_BATCH = 1000;

/**
 * Batches of one target in flight at once, each in its own transaction on its own connection.
 * `FOR UPDATE SKIP LOCKED` keeps them apart exactly as it keeps sweeps in different processes
 * apart. With two, the database deletes one batch while this process handles the previous
 * one's answer (key destruction, the receipt's digest), and on a database with more than one
 * core both delete at once. On the embedded database the batches take turns on its one connection.
 */
export const DEFAULT_SWEEP_PARALLEL = 2;

export interface LifecycleSweepDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Pick<Policy, 'version'>;
  cipher: ContentCipher;
  /** What to sweep, in order; the default registry unless a test narrows it. */
  targets?: readonly SweepTarget[];
}

export interface LifecycleSweepOptions {
  now: Date;
  batchSize: number;
  /** Batches in flight at once (default DEFAULT_SWEEP_PARALLEL). */
  parallel?: number;
}

export async function runLifecycleSweep(deps: LifecycleSweepDeps, options: LifecycleSweepOptions): Promise<LifecycleReceipt> {
  const { db, clock, policy, cipher } = deps;
  const targets = deps.targets ?? defaultSweepTargets;
  if (!Number.isInteger(options.batchSize) || options.batchSize <= 0) throw new Error('batch size must be a positive whole number');
  const startedAt = clock.now();
  const counts: Record<string, number> = Object.fromEntries(sweptClasses(targets).map((c) => [c, 0]));
  const digest = new SetDigest();
  let batches = 0;
  let failure: unknown = null;

  const parallel = options.parallel ?? DEFAULT_SWEEP_PARALLEL;
  if (!Number.isInteger(parallel) || parallel <= 0) throw new Error('parallel must be a positive whole number');

  /**
   * One line of batches of one target, until it finds nothing due that no other sweep holds. A
   * line that fails stops the others after their batch in progress.
   */
  async function sweepTarget(target: SweepTarget): Promise<void> {
    try {
      while (failure === null) {
        const batch = await db.transaction().execute((trx) => target.sweepBatch(trx, { now: options.now, limit: options.batchSize, cipher }));
        const picked = batch.picked ?? batch.ids.length;
        if (picked === 0) return;
        if (batch.ids.length > 0) batches++;
        for (const [dataClass, n] of Object.entries(batch.counts)) counts[dataClass] = (counts[dataClass] ?? 0) + n;
        for (const id of batch.ids) digest.add(digestItem(target.dataClass, id));
        // Fewer than asked: nothing due is left that another sweep (or line) has not locked.
        if (picked < options.batchSize) return;
      }
    } catch (error) {
      failure ??= error;
    }
  }

  for (const target of targets) {
    if (failure !== null) break;
    // Every line finishes before the receipt is written: the receipt counts all of them.
    await Promise.all(Array.from({ length: parallel }, () => sweepTarget(target)));
  }

  // A sweep that fails half-way still accounts for what it deleted before failing.
  const receipt: LifecycleReceipt = {
    id: uuidv7(startedAt.getTime()),
    sweptAt: options.now,
    startedAt,
    finishedAt: clock.now(),
    policyVersion: policy.version,
    batchSize: options.batchSize,
    batches,
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    digest: digest.hex(),
  };
  // The receipt and its audit entry commit together.
  await db.transaction().execute(async (trx) => {
    await insertReceipt(trx, receipt);
    await appendAudit(trx, {
      kind: 'sweep.receipt',
      at: receipt.finishedAt,
      actor: 'system:lifecycle-sweep',
      subject: null,
      refs: { receipt: receipt.id, sweptAt: receipt.sweptAt.toISOString(), policyVersion: receipt.policyVersion, batches: receipt.batches, counts: receipt.counts, total: receipt.total, digest: receipt.digest },
    });
  });
  if (failure) throw failure;
  return receipt;
}
