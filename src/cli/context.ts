import { buildConfig, type AppConfig } from '../config/config.js';
import { readLock, type LockInfo } from '../db/data-dir-lock.js';
import { openRuntime } from '../runtime.js';
import type { Container } from '../container.js';
import { CliError, type CliIO } from './io.js';

/** Options every command that touches the database accepts, exactly as `custos serve` does. */
export interface DatabaseOptions {
  dataDir?: string;
  policy?: string;
}

export interface CommandContext {
  io: CliIO;
  /** Runs `fn` with a container: its own (opened and closed around `fn`) or the running server's. */
  withContainer<T>(options: DatabaseOptions, fn: (container: Container) => Promise<T>): Promise<T>;
  config(options: DatabaseOptions): AppConfig;
}

/** Thrown when the embedded database belongs to a running server: main forwards the command to it. */
export class ForwardToServer extends Error {
  constructor(readonly owner: LockInfo) {
    super('the data directory belongs to a running server');
  }
}

export function standaloneContext(io: CliIO): CommandContext {
  const config = (options: DatabaseOptions) => {
    try {
      return buildConfig({ ...options, logLevel: io.env.LOG_LEVEL ?? 'warn' }, io.env);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
  };
  return {
    io,
    config,
    async withContainer(options, fn) {
      const cfg = config(options);
      if (!cfg.databaseUrl) {
        const owner = readLock(cfg.dataDir);
        if (owner) throw new ForwardToServer(owner);
      }
      const container = await openRuntime(cfg, { logger: undefined });
      try {
        return await fn(container);
      } finally {
        await container.keystore?.close();
        await container.database.close();
      }
    },
  };
}

/** Inside the server: commands share its container instead of opening the files a second time. */
export function serverContext(io: CliIO, container: Container): CommandContext {
  return {
    io,
    config: () => container.config,
    withContainer: (_options, fn) => fn(container),
  };
}
