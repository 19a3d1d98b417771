import type { Executor } from '../../db/executor.js';
import type { DisclosuresTable } from '../../db/schema.js';
import type { Insertable } from 'kysely';

export async function insertDisclosure(exec: Executor, row: Insertable<DisclosuresTable>): Promise<void> {
  await exec.insertInto('disclosures').values(row).execute();
}

export async function accountForDisclosure(exec: Executor, accountId: string) {
  return exec.selectFrom('accounts').select(['id', 'pseudonym', 'email', 'deleted_at']).where('id', '=', accountId).executeTakeFirst();
}

/** An account's disclosures, newest first; `toldOnly` leaves out those the law forbids telling the user about. */
export async function listDisclosures(exec: Executor, accountId: string, toldOnly: boolean) {
  let query = exec.selectFrom('disclosures').selectAll().where('account_id', '=', accountId);
  if (toldOnly) query = query.where('notify_subject', '=', true);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(500).execute();
}
