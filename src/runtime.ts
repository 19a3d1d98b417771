import pino, { type Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { systemClock, type Clock } from './lib/clock.js';
import { loadPolicy, type Policy } from './policy/index.js';
import { createContainer, type Container } from './container.js';
import { join } from 'node:path';
import { LocalKeyProvider, type RotatableKeyProvider } from './crypto/key-provider.js';
import { KeystoreCipher } from './modules/keys/keystore-cipher.js';
import { piiKey } from './modules/anonymize/pii-keys.js';
import { aesGcmSealer, loadOrCreateSealingKey } from './modules/mfa/secret-sealer.js';
import { auditKeyFile, loadOrCreateAuditKeyFile } from './modules/audit/signing-key.js';

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

/** The root key: from CUSTOS_ROOT_KEY(S), or a key file beside (never inside) the database files. */
export function rootKeyProvider(config: AppConfig, env: NodeJS.ProcessEnv = process.env): RotatableKeyProvider {
  return LocalKeyProvider.fromEnv(env) ?? LocalKeyProvider.openKeyFile(rootKeyFile(config), { databaseDir: join(config.dataDir, 'pgdata') });
}

export const rootKeyFile = (config: Pick<AppConfig, 'dataDir'>) => join(config.dataDir, 'keys', 'root-keys.json');

export interface RuntimeOptions {
  clock?: Clock;
  logger?: Logger;
  policy?: Policy;
  database?: Database;
  provider?: RotatableKeyProvider;
}

/** Opens the database, brings its schema up to date and builds the container. */
export async function openRuntime(config: AppConfig, options: RuntimeOptions = {}): Promise<Container> {
  const policy = options.policy ?? loadPolicy(config.policyPath);
  const database = options.database ?? (await openDatabase(databaseTarget(config)));
  let keystore: Database | null = null;
  try {
    await migrateToLatest(database.db);
    if (config.keystoreUrl) {
      keystore = await openDatabase({ kind: 'postgres', url: config.keystoreUrl });
      await migrateToLatest(keystore.db);
    }
    const clock = options.clock ?? systemClock;
    const provider = options.provider ?? rootKeyProvider(config);
    const cipher = new KeystoreCipher({ keystoreDb: keystore?.db ?? null, provider, clock });
    const container = createContainer({
      config,
      database,
      policy,
      clock,
      cipher,
      keyProvider: provider,
      piiKey: piiKey(process.env),
      keystore,
      // Embedded mode without CUSTOS_SEALING_KEY: a key file in the data dir. A PostgreSQL deployment
      // runs several servers that must share one key, so there it has to come from the environment.
      ...(!config.sealingKey && !config.databaseUrl ? { sealer: aesGcmSealer(loadOrCreateSealingKey(config.dataDir)) } : {}),
      // Likewise the audit signing key: generated on first start beside the embedded database files.
      ...(!config.auditSigningKey && !config.databaseUrl ? { auditKey: loadOrCreateAuditKeyFile(auditKeyFile(config.dataDir)) } : {}),
      logger: options.logger ?? createLogger(config),
    });
    // A change of the policy in force is itself an audited event.
    await container.audit.recordPolicyVersion(policy.version);
    return container;
  } catch (error) {
    if (!options.database) await database.close();
    await keystore?.close();
    throw error;
  }
}
