import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { badRequest, notFound } from '../../lib/errors.js';
import { newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { insertOrganisation, listOrganisations, requireOrgAdmin, type OrgCaller } from './organisations.repository.js';
import { appendAudit } from '../audit/audit.repository.js';
import { recomputeDeadlines } from '../retention/retention.service.js';

export interface NewOrganisationInput {
  name: string;
  kind: 'team' | 'enterprise' | 'api';
  zeroDataRetention: boolean;
  retentionDays: number | null;
  trainingConsent: boolean;
  requireMfa?: boolean;
  accessApprovalRequired?: boolean;
}

/**
 * What may change after creation. The kind and zero data retention may not: a kind decides which
 * policy windows apply and what the account may do, and switching zero data retention on could
 * not reach content already stored (nor, off, bring back content never stored), so either is a
 * new organisation.
 */
export interface OrganisationSettingsChange {
  /** null: back to the policy's default window for the kind. */
  retentionDays?: number | null;
  trainingConsent?: boolean;
  requireMfa?: boolean;
  accessApprovalRequired?: boolean;
}

export interface OrganisationsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export function createOrganisationsModule({ db, clock, policy }: OrganisationsDeps) {
  function checkRetentionDays(kind: 'team' | 'enterprise' | 'api', retentionDays: number | null) {
    if (retentionDays === null) return;
    if (kind === 'api') {
      throw badRequest('retention_not_configurable', 'API organisations keep the policy window of retention.conversations.api.days');
    }
    const bounds = policy.retention.conversations[kind];
    if (retentionDays < bounds.minDays || retentionDays > bounds.maxDays) {
      throw badRequest('retention_out_of_bounds', `retention days for a ${kind} organisation must be between ${bounds.minDays} and ${bounds.maxDays}`);
    }
  }

  return {
    async create(input: NewOrganisationInput) {
      checkRetentionDays(input.kind, input.retentionDays);
      const now = clock.now();
      const id = uuidv7(now.getTime());
      const inviteToken = newToken('inv');
      const settings = {
        kind: input.kind,
        zeroDataRetention: input.zeroDataRetention,
        retentionDays: input.retentionDays,
        trainingConsent: input.trainingConsent,
        requireMfa: input.requireMfa ?? false,
        accessApprovalRequired: input.accessApprovalRequired ?? input.kind === 'enterprise',
      };
      await db.transaction().execute(async (trx) => {
        await insertOrganisation(trx, {
          id,
          name: input.name,
          kind: input.kind,
          zero_data_retention: settings.zeroDataRetention,
          retention_days: settings.retentionDays,
          training_consent: settings.trainingConsent,
          require_mfa: settings.requireMfa,
          access_approval_required: settings.accessApprovalRequired,
          invite_token_hash: sha256(inviteToken),
          created_at: now,
        });
        // An organisation's settings decide retention, training and staff access for its members.
        await appendAudit(trx, { kind: 'org.create', at: now, actor: 'operator', subject: null, refs: { org: id, ...settings } });
      });
      return { id, inviteToken };
    },

    /**
     * Changes an organisation's settings. In one transaction: the new settings, the deadlines of
     * every member's conversations recomputed under them (a shorter window applies at once, P10),
     * and the audit entry naming what changed, with the new values. Members' accounts are locked first,
     * as a consent change does, so messages being written wait and then follow the new settings.
     * Without `by` the operator changes them (the command line); with it, one of the
     * organisation's administrators.
     */
    async updateSettings(orgId: string, change: OrganisationSettingsChange, by?: OrgCaller) {
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        if (by) await requireOrgAdmin(trx, by, orgId, "change the organisation's settings");
        const org = await trx.selectFrom('organisations').selectAll().where('id', '=', orgId).forUpdate().executeTakeFirst();
        if (!org) throw notFound('organisation');
        const before = {
          retentionDays: org.retention_days,
          trainingConsent: org.training_consent,
          requireMfa: org.require_mfa,
          accessApprovalRequired: org.access_approval_required,
        };
        const after = {
          retentionDays: change.retentionDays === undefined ? before.retentionDays : change.retentionDays,
          trainingConsent: change.trainingConsent ?? before.trainingConsent,
          requireMfa: change.requireMfa ?? before.requireMfa,
          accessApprovalRequired: change.accessApprovalRequired ?? before.accessApprovalRequired,
        };
        checkRetentionDays(org.kind, after.retentionDays);
        const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => after[k] !== before[k]);
        if (changed.length === 0) return { id: orgId, kind: org.kind, zeroDataRetention: org.zero_data_retention, ...after, changed, recomputedConversations: 0 };
        await trx
          .updateTable('organisations')
          .set({
            retention_days: after.retentionDays,
            training_consent: after.trainingConsent,
            require_mfa: after.requireMfa,
            access_approval_required: after.accessApprovalRequired,
          })
          .where('id', '=', orgId)
          .execute();
        let recomputedConversations = 0;
        if (changed.includes('retentionDays') || changed.includes('trainingConsent')) {
          const members = await trx.selectFrom('accounts').select('id').where('org_id', '=', orgId).orderBy('id').forUpdate().execute();
          for (const member of members) recomputedConversations += await recomputeDeadlines(trx, policy, member.id, now);
        }
        await appendAudit(trx, {
          kind: 'org.settings',
          at: now,
          actor: by ? `org-admin:${by.pseudonym}` : 'operator',
          subject: null,
          refs: { org: orgId, changed, retentionDays: after.retentionDays, trainingConsent: after.trainingConsent, requireMfa: after.requireMfa, accessApprovalRequired: after.accessApprovalRequired, previousRetentionDays: before.retentionDays },
        });
        return { id: orgId, kind: org.kind, zeroDataRetention: org.zero_data_retention, ...after, changed, recomputedConversations };
      });
    },

    /** The settings as an administrator of the organisation sees them. */
    async settings(caller: OrgCaller, orgId: string) {
      await requireOrgAdmin(db, caller, orgId, "see the organisation's settings");
      const org = await db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
      if (!org) throw notFound('organisation');
      const bounds = org.kind === 'api' ? null : policy.retention.conversations[org.kind];
      return {
        id: org.id,
        name: org.name,
        kind: org.kind,
        zeroDataRetention: org.zero_data_retention,
        retentionDays: org.retention_days,
        retentionBounds: bounds ? { minDays: bounds.minDays, maxDays: bounds.maxDays, defaultDays: bounds.defaultDays } : null,
        trainingConsent: org.training_consent,
        requireMfa: org.require_mfa,
        accessApprovalRequired: org.access_approval_required,
      };
    },

    async list() {
      const rows = await listOrganisations(db);
      return rows.map((o) => ({
        id: o.id,
        name: o.name,
        kind: o.kind,
        zeroDataRetention: o.zero_data_retention,
        retentionDays: o.retention_days,
        trainingConsent: o.training_consent,
      }));
    },
  };
}

export type OrganisationsModule = ReturnType<typeof createOrganisationsModule>;
