import type { Executor } from '../../db/executor.js';
import { forbidden, notFound } from '../../lib/errors.js';
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

/** A signed-in member calling an organisation route. */
export interface OrgCaller {
  accountId: string;
  orgId: string | null;
  pseudonym: string;
}

/**
 * Refuses unless the caller administers `orgId`: another organisation's resources are not found
 * (never forbidden), a member who is not an administrator is forbidden. `what` names the action
 * for the refusal message.
 */
export async function requireOrgAdmin(exec: Executor, caller: OrgCaller, orgId: string, what: string): Promise<void> {
  if (caller.orgId !== orgId) throw notFound('organisation');
  const me = await exec.selectFrom('accounts').select(['org_admin']).where('id', '=', caller.accountId).where('deleted_at', 'is', null).executeTakeFirst();
  if (!me?.org_admin) throw forbidden('not_org_admin', `only an administrator of the organisation may ${what}`);
}
