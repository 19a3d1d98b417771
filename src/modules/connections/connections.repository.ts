import type { Executor } from '../../db/executor.js';

export interface NewConnection {
  accountId: string;
  id: string;
  service: string;
  scopes: readonly string[];
  credential: Buffer;
  credentialKeyVersion: number;
  createdAt: Date;
}

export async function insertConnection(exec: Executor, c: NewConnection): Promise<void> {
  await exec
    .insertInto('connections')
    .values({
      account_id: c.accountId,
      id: c.id,
      service: c.service,
      scopes: [...c.scopes],
      credential: c.credential,
      credential_key_version: c.credentialKeyVersion,
      created_at: c.createdAt,
    })
    .execute();
}

/** The account's connections, without their credentials: what the owner is shown. */
export async function listConnections(exec: Executor, accountId: string) {
  return exec.selectFrom('connections').select(['id', 'service', 'scopes', 'created_at']).where('account_id', '=', accountId).orderBy('created_at').orderBy('id').execute();
}

export async function findConnectionCredential(exec: Executor, accountId: string, id: string) {
  return exec.selectFrom('connections').select(['credential', 'credential_key_version']).where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

/** Removes one connection; false when the account has no such connection. */
export async function deleteConnection(exec: Executor, accountId: string, id: string): Promise<boolean> {
  const result = await exec.deleteFrom('connections').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Removes every connection of an account (its deletion) and returns their ids, whose keys go with them. */
export async function deleteAccountConnections(exec: Executor, accountId: string): Promise<string[]> {
  const rows = await exec.deleteFrom('connections').where('account_id', '=', accountId).returning('id').execute();
  return rows.map((r) => r.id);
}
