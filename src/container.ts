import type { Logger } from 'pino';
import type { AppConfig } from './config/config.js';
import type { Database } from './db/database.js';
import type { Clock } from './lib/clock.js';
import type { Policy } from './policy/index.js';
import type { KeyProvider } from './crypto/root-key.js';
import type { KeystoreCipher } from './modules/keys/keystore-cipher.js';
import { createAccountsModule } from './modules/accounts/accounts.service.js';
import { createConversationsModule } from './modules/conversations/conversations.service.js';
import { createOrganisationsModule } from './modules/organisations/organisations.service.js';
import { createPrivacyModule } from './modules/privacy/privacy.service.js';
import { createErasureModule } from './modules/erasure/erasure.service.js';
import { createKeysModule } from './modules/keys/keys.service.js';

/** The composition root: every module built once from explicit dependencies. No singletons. */
export interface ContainerDeps {
  config: AppConfig;
  database: Database;
  policy: Policy;
  clock: Clock;
  cipher: KeystoreCipher;
  keyProvider: KeyProvider;
  /** The separate keystore database (KEYSTORE_URL), or null when keys share the main database. */
  keystore: Database | null;
  logger: Logger;
}

export function createContainer(deps: ContainerDeps) {
  const { database, policy, clock, cipher, config } = deps;
  const db = database.db;
  return {
    ...deps,
    db,
    accounts: createAccountsModule({ db, clock, policy }),
    organisations: createOrganisationsModule({ db, clock, policy }),
    conversations: createConversationsModule({ db, clock, policy, cipher, maxContentBytes: config.maxContentBytes }),
    privacy: createPrivacyModule({ db, clock, policy }),
    erasure: createErasureModule({ db, clock, policy, cipher }),
    keys: createKeysModule({ db: deps.keystore?.db ?? db, provider: deps.keyProvider, cipher, clock }),
  };
}

export type Container = ReturnType<typeof createContainer>;
