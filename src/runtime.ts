import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { systemClock, type Clock } from './lib/clock.js';
import { loadPolicy, type Policy } from './policy/index.js';
import { createContainer, type Container } from './container.js';
import { plaintextCipher } from './modules/content/plaintext-cipher.js';

/** Paths and headers that must never reach a log line. */
export const logRedactPaths = ['req.headers.authorization', 'req.headers.cookie', 'req.body', 'res.headers["set-cookie"]'];

export function createLogger(config: Pick<AppConfig, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level: config.logLevel, redact: { paths: logRedactPaths, censor: '[redacted]' } },
    destination ?? pino.destination(1),
  );
}

export function databaseTarget(config: AppConfig) {
  return config.databaseUrl
    ? ({ kind: 'postgres', url: config.databaseUrl } as const)
    : ({ kind: 'pglite', dataDir: config.dataDir } as const);
}

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  policy?: Policy;
  database?: Database;
}

/** Opens the database, brings its schema up to date and builds the container. */
export async function openRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Container> {
  const policy = options.policy ?? loadPolicy(config.policyPath);
  const database = options.database ?? (await openDatabase(databaseTarget(config)));
  try {
    await migrateToLatest(database.db);
    return createContainer({
      config,
      database,
      policy,
      clock: options.clock ?? systemClock,
      cipher: plaintextCipher,
      logger: options.logger ?? createLogger(config),
    });
  } catch (error) {
    if (!options.database) await database.close();
    throw error;
  }
}
