import { Writable } from 'node:stream';
import pino from 'pino';
import { buildApp } from '../../src/app.js';
import { buildConfig, type AppConfig } from '../../src/config/config.js';
import { createContainer, type Container } from '../../src/container.js';
import type { Clock } from '../../src/lib/clock.js';
import { loadPolicy, type Policy } from '../../src/policy/index.js';
import { logRedactPaths } from '../../src/runtime.js';
import type { App } from '../../src/http/types.js';
import { LocalKeyProvider } from '../../src/crypto/key-provider.js';
import { KeystoreCipher } from '../../src/modules/keys/keystore-cipher.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { randomBytes } from 'node:crypto';
import { aesGcmSealer } from '../../src/modules/mfa/secret-sealer.js';
import { createMemoryMailer, type MemoryMailer } from '../../src/modules/identity/mailer.js';
import { generateAuditSigningKey } from '../../src/modules/audit/signing-key.js';
import type { Transcriber } from '../../src/modules/voice/transcriber.js';

/** A clock the test moves by hand. Only edges are mocked: this is one. */
export class TestClock implements Clock {
  constructor(private current = new Date('2026-06-01T12:00:00Z')) {}
  now() {
    return new Date(this.current.getTime());
  }
  set(at: Date | string) {
    this.current = new Date(at);
  }
  advanceDays(days: number) {
    this.current = new Date(this.current.getTime() + days * 86_400_000);
  }
}

export interface Harness {
  app: App;
  container: Container;
  database: TestDatabase;
  clock: TestClock;
  policy: Policy;
  config: AppConfig;
  /** Every log line the server wrote, for canary checks. */
  logs: string[];
  /** Every email the server sent. */
  outbox: MemoryMailer;
  newUser(options?: { inviteToken?: string; email?: string }): Promise<TestUser>;
  close(): Promise<void>;
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  auth: { authorization: string };
}

let counter = 0;

export async function createHarness(options: { policy?: Policy; config?: Partial<AppConfig>; transcriber?: Transcriber | null } = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const policy = options.policy ?? loadPolicy();
  const clock = new TestClock();
  const config = { ...buildConfig({ dataDir: '/nonexistent', logLevel: 'info' }, {}), ...options.config };
  const logs: string[] = [];
  const logger = pino(
    { level: 'info', redact: { paths: logRedactPaths, censor: '[redacted]' } },
    new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );
  const keyProvider = LocalKeyProvider.generate();
  const cipher = new KeystoreCipher({ keystoreDb: null, provider: keyProvider, clock });
  const outbox = createMemoryMailer();
  const container = createContainer({
    config, database, policy, clock, cipher, keyProvider, keystore: null, logger,
    sealer: aesGcmSealer(randomBytes(32)),
    mailer: outbox,
    auditKey: generateAuditSigningKey(),
    ...(options.transcriber !== undefined ? { transcriber: options.transcriber } : {}),
  });
  const app = await buildApp(container, { logger });
  await app.ready();

  async function newUser(o: { inviteToken?: string; email?: string } = {}): Promise<TestUser> {
    const email = o.email ?? `user${++counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
    const password = 'correct horse battery staple';
    const created = await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { email, password, name: 'Test User', ...(o.inviteToken ? { inviteToken: o.inviteToken } : {}) },
    });
    if (created.statusCode !== 201) throw new Error(`account creation failed: ${created.statusCode} ${created.body}`);
    const session = await app.inject({ method: 'POST', url: '/v1/sessions', payload: { email, password } });
    if (session.statusCode !== 201) throw new Error(`login failed: ${session.statusCode}`);
    const token = session.json().token as string;
    return { id: created.json().id, email, password, token, auth: { authorization: `Bearer ${token}` } };
  }

  return {
    app,
    container,
    database,
    clock,
    policy,
    config,
    logs,
    outbox,
    newUser,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}
