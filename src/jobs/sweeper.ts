import type { Logger } from 'pino';
import { runLifecycleSweep, type LifecycleSweepDeps } from './lifecycle-sweep.js';
import { startScheduler, type Scheduler } from './scheduler.js';

export interface SweeperDeps extends LifecycleSweepDeps {
  logger: Pick<Logger, 'info' | 'error'>;
  /**
   * Run after each sweep: rewrites the key tables when keys were destroyed since the last time
   * (docs/operations.md, "Compaction"), so destroyed keys leave the files too. A no-op otherwise.
   */
  compactKeys?: () => Promise<unknown>;
}

/** The periodic sweep of `custos serve` and `custos worker`: each run compares deadlines with now. */
export function startSweeper(deps: SweeperDeps, options: { intervalMs: number; batchSize: number }): Scheduler {
  return startScheduler({
    name: 'lifecycle sweep',
    intervalMs: options.intervalMs,
    run: async () => {
      const receipt = await runLifecycleSweep(deps, { now: deps.clock.now(), batchSize: options.batchSize });
      // A failed compaction does not undo the sweep: it is reported, and the next run retries it.
      await deps.compactKeys?.().catch((error: unknown) => deps.logger.error({ err: error }, 'key compaction after the sweep failed'));
      return receipt;
    },
    logger: deps.logger,
    onResult: (receipt) =>
      deps.logger.info(
        { receipt: receipt.id, counts: receipt.counts, total: receipt.total, ms: receipt.finishedAt.getTime() - receipt.startedAt.getTime() },
        'lifecycle sweep',
      ),
  });
}
