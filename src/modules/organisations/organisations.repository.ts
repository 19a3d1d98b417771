import type { Executor } from '../../db/executor.js';
import type { OrganisationRow } from '../../db/schema.js';

export async function findOrganisationByInvite(exec: Executor, inviteTokenHash: Buffer): Promise<OrganisationRow | null> {
  return (
    (await exec.selectFrom('organisations').selectAll().where('invite_token_hash', '=', inviteTokenHash).executeTakeFirst()) ??
    null
  );
}

export async function insertOrganisation(exec: Executor, org: Omit<OrganisationRow, 'created_at'> & { created_at: Date }) {
  await exec.insertInto('organisations').values(org).execute();
}

export async function listOrganisations(exec: Executor) {
  return exec.selectFrom('organisations').selectAll().orderBy('created_at').execute();
}
