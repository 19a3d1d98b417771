import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildConfig, type AppConfig } from '../../config/config.js';
import { buildApp } from '../../app.js';
import { createLogger, openRuntime } from '../../runtime.js';
import { startAdminChannel } from '../admin-channel.js';
import { DEFAULT_SWEEP_BATCH } from '../../jobs/lifecycle-sweep.js';
import { startSweeper } from '../../jobs/sweeper.js';
import { DEFAULT_SEQUENCE_INTERVAL_MS, startAuditSequencer } from '../../jobs/audit-sequencer.js';
import { startReviewSampler } from '../../jobs/review-sampler.js';
import { CliError } from '../io.js';
import type { CommandContext } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

export interface ServeOptions {
  dataDir?: string;
  policy?: string;
  host?: string;
  port?: string;
  sweeper?: boolean;
  sweepInterval?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Starts API, admin channel and (unless turned off) the sweep timer; resolves when stopped. */
export async function serve(config: AppConfig): Promise<void> {
  const logger = createLogger(config);
  const container = await openRuntime(config, { logger });
  const https = config.tls
    ? { cert: readFileSync(config.tls.certPath), key: readFileSync(config.tls.keyPath) }
    : null;
  const app = await buildApp(container, { logger, https });
  const background: { close(): Promise<void> }[] = [];
  if (!config.databaseUrl && config.adminSocket) {
    const channel = await startAdminChannel(container, config.dataDir);
    container.database.lock?.setAdminSocket(channel.path);
    background.push(channel);
  }
  const address = await app.listen({ host: config.host, port: config.port });
  logger.info({ address, database: container.database.kind, policyVersion: container.policy.version }, 'custos is serving');
  const sweeper = config.sweeper
    ? startSweeper({ ...container, compactKeys: () => container.keys.compact() }, { intervalMs: config.sweepIntervalMs, batchSize: DEFAULT_SWEEP_BATCH })
    : null;
  // Every server signs checkpoints (they take turns under a lock); the daily review sample runs with the sweeps.
  const sequencer = startAuditSequencer(container, { intervalMs: DEFAULT_SEQUENCE_INTERVAL_MS });
  const reviewSampler = config.sweeper ? startReviewSampler(container) : null;

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('stopping');
  // The sweep in progress finishes its batch before the database closes under it.
  await sweeper?.stop();
  await sequencer.stop();
  await reviewSampler?.stop();
  await app.close();
  await container.auditAppender.close();
  for (const job of background) await job.close();
  await container.keystore?.close();
  await container.database.close();
}

export function registerServeCommand(program: Command, ctx: CommandContext) {
  withDatabaseOptions(program.command('serve').description('run the API (and the sweeper) on the configured database'))
    .option('--host <host>', 'address to listen on (default 127.0.0.1)')
    .option('--port <port>', 'port (default 8080)')
    .option('--no-sweeper', 'do not run lifecycle sweeps in this process')
    .option('--sweep-interval <duration>', 'time between sweeps, e.g. 15m (default)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'private key of the certificate (PEM)')
    .action(async (o: ServeOptions) => {
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new CliError('--tls-cert and --tls-key go together');
      let config: AppConfig;
      try {
        config = buildConfig(o, ctx.io.env);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      await serve(config);
    });
}
