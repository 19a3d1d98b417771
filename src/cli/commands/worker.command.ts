import type { Command } from 'commander';
import { buildConfig, type AppConfig } from '../../config/config.js';
import { DEFAULT_SWEEP_BATCH } from '../../jobs/lifecycle-sweep.js';
import { startSweeper } from '../../jobs/sweeper.js';
import { DEFAULT_SEQUENCE_INTERVAL_MS, startAuditSequencer } from '../../jobs/audit-sequencer.js';
import { startReviewSampler } from '../../jobs/review-sampler.js';
import { createLogger, openRuntime } from '../../runtime.js';
import { CliError, parsePositiveInt } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

/**
 * A process that only runs background jobs (lifecycle sweeps), for deployments that run many
 * `custos serve --no-sweeper` behind a load balancer. Any number of workers may share one
 * PostgreSQL database: sweeps take disjoint rows.
 */
export async function work(config: AppConfig, options: { batchSize: number }): Promise<void> {
  const logger = createLogger(config);
  const container = await openRuntime(config, { logger });
  const sweeper = startSweeper({ ...container, compactKeys: () => container.keys.compact() }, { intervalMs: config.sweepIntervalMs, batchSize: options.batchSize });
  const sequencer = startAuditSequencer(container, { intervalMs: DEFAULT_SEQUENCE_INTERVAL_MS });
  const reviewSampler = startReviewSampler(container);
  logger.info({ database: container.database.kind, sweepIntervalMs: config.sweepIntervalMs }, 'custos worker is running');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('stopping');
  await sweeper.stop();
  await sequencer.stop();
  await reviewSampler.stop();
  await container.keystore?.close();
  await container.database.close();
}

export function registerWorkerCommand(program: Command, ctx: CommandContext) {
  withDatabaseOptions(program.command('worker').description('run lifecycle sweeps only (no API), every --sweep-interval'))
    .option('--sweep-interval <duration>', 'time between sweeps, e.g. 15m (default)')
    .option('--batch <n>', `rows per transaction (default ${DEFAULT_SWEEP_BATCH})`)
    .action(async (o: DatabaseOptions & { sweepInterval?: string; batch?: string }) => {
      const batchSize = o.batch === undefined ? DEFAULT_SWEEP_BATCH : parsePositiveInt(o.batch, '--batch');
      let config: AppConfig;
      try {
        config = buildConfig({ dataDir: o.dataDir, policy: o.policy, sweepInterval: o.sweepInterval }, ctx.io.env);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      await work(config, { batchSize });
    });
}
