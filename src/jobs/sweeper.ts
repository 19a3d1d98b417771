import type { Logger } from 'pino';
import { runLifecycleSweep, type LifecycleSweepDeps } from './lifecycle-sweep.js';
import { startScheduler, type Scheduler } from './scheduler.js';

/** The periodic sweep of `custos serve` and `custos worker`: each run compares deadlines with now. */
export function startSweeper(
  deps: LifecycleSweepDeps & { logger: Pick<Logger, 'info' | 'error'> },
  options: { intervalMs: number; batchSize: number },
): Scheduler {
  return startScheduler({
    name: 'lifecycle sweep',
    intervalMs: options.intervalMs,
    run: () => runLifecycleSweep(deps, { now: deps.clock.now(), batchSize: options.batchSize }),
    logger: deps.logger,
    onResult: (receipt) =>
      deps.logger.info(
        { receipt: receipt.id, counts: receipt.counts, total: receipt.total, ms: receipt.finishedAt.getTime() - receipt.startedAt.getTime() },
        'lifecycle sweep',
      ),
  });
}
