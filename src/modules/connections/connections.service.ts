import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import type { ContentCipher, ContentLocation } from '../content/content-cipher.js';
import { deleteAccountConnections, deleteConnection, findConnectionCredential, insertConnection, listConnections } from './connections.repository.js';

/**
 * Connected services (P28). Each connection stores what the integration may reach (its scopes)
 * and its credential (an OAuth token, an API key), sealed under a data key of its own below the
 * account key. Removing the connection destroys that key and the row in one transaction: the
 * credential is unreadable at that instant, whatever copies of the database exist. Deleting the
 * account does the same for all of them (and its account key covers them anyway).
 */
export interface ConnectionsDeps {
  db: Kysely<DB>;
  clock: Clock;
  cipher: ContentCipher;
}

const credentialScope = (id: string): ContentLocation['keyScope'] => ({ kind: 'copy', id });

export const credentialLocation = (accountId: string, id: string): ContentLocation => ({
  accountId,
  keyScope: credentialScope(id),
  table: 'connections',
  rowId: id,
  column: 'credential',
});

export function createConnectionsModule({ db, clock, cipher }: ConnectionsDeps) {
  const view = (row: { id: string; service: string; scopes: string[]; created_at: Date | string }) => ({
    id: row.id,
    service: row.service,
    scopes: row.scopes,
    connectedAt: new Date(row.created_at).toISOString(),
  });

  return {
    async connect(accountId: string, input: { service: string; scopes: readonly string[]; credential: string }) {
      const now = clock.now();
      const id = uuidv7(now.getTime());
      const scopes = [...new Set(input.scopes)].sort();
      await db.transaction().execute(async (trx) => {
        await cipher.prepareScope(trx, accountId, credentialScope(id));
        const sealed = await cipher.seal(trx, credentialLocation(accountId, id), input.credential);
        await insertConnection(trx, { accountId, id, service: input.service, scopes, credential: sealed.ciphertext, credentialKeyVersion: sealed.keyVersion, createdAt: now });
      });
      return view({ id, service: input.service, scopes, created_at: now });
    },

    async list(accountId: string) {
      return (await listConnections(db, accountId)).map(view);
    },

    /** The credential, for the integration that acts on the user's behalf; never shown over the API. */
    async credential(accountId: string, id: string): Promise<string> {
      return db.transaction().execute(async (trx) => {
        const row = await findConnectionCredential(trx, accountId, id);
        if (!row) throw notFound('connection');
        return cipher.open(trx, credentialLocation(accountId, id), { ciphertext: row.credential, keyVersion: row.credential_key_version });
      });
    },

    async remove(accountId: string, id: string) {
      await db.transaction().execute(async (trx) => {
        if (!(await deleteConnection(trx, accountId, id))) throw notFound('connection');
        await cipher.destroyScopeKey(trx, accountId, credentialScope(id));
      });
    },
  };
}

/** Part of deleting an account: every connection and its credential key, in the caller's transaction. */
export async function removeAccountConnections(trx: Executor, cipher: ContentCipher, accountId: string): Promise<void> {
  const ids = await deleteAccountConnections(trx, accountId);
  for (const id of ids) await cipher.destroyScopeKey(trx, accountId, credentialScope(id));
}

export type ConnectionsModule = ReturnType<typeof createConnectionsModule>;
