import type { Executor } from '../db/executor.js';

/** What one sweep did. Times are instants; counts are rows deleted per data class. */
export interface LifecycleReceipt {
  id: string;
  /** The instant deadlines were compared with (`--at`, or the time of the sweep). */
  sweptAt: Date;
  startedAt: Date;
  finishedAt: Date;
  policyVersion: string;
  batchSize: number;
  batches: number;
  counts: Record<string, number>;
  total: number;
  /** Set digest (see set-digest.ts) of the deleted units, as `dataClass:id`. */
  digest: string;
}

export async function insertReceipt(exec: Executor, r: LifecycleReceipt): Promise<void> {
  await exec
    .insertInto('lifecycle_receipts')
    .values({
      id: r.id,
      swept_at: r.sweptAt,
      started_at: r.startedAt,
      finished_at: r.finishedAt,
      policy_version: r.policyVersion,
      batch_size: r.batchSize,
      batches: r.batches,
      counts: JSON.stringify(r.counts),
      deleted_total: r.total,
      digest: r.digest,
    })
    .execute();
}

export async function listReceipts(exec: Executor, options: { limit: number }): Promise<LifecycleReceipt[]> {
  const rows = await exec
    .selectFrom('lifecycle_receipts')
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(options.limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    sweptAt: new Date(r.swept_at),
    startedAt: new Date(r.started_at),
    finishedAt: new Date(r.finished_at),
    policyVersion: r.policy_version,
    batchSize: r.batch_size,
    batches: r.batches,
    counts: typeof r.counts === 'string' ? (JSON.parse(r.counts) as Record<string, number>) : r.counts,
    total: Number(r.deleted_total),
    digest: r.digest,
  }));
}
