import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import type { Policy } from '../../policy/index.js';
import { badRequest } from '../../lib/errors.js';
import { newToken, sha256, uuidv7 } from '../../lib/ids.js';
import { insertOrganisation, listOrganisations } from './organisations.repository.js';
import { appendAudit } from '../audit/audit.repository.js';

export interface NewOrganisationInput {
  name: string;
  kind: 'team' | 'enterprise' | 'api';
  zeroDataRetention: boolean;
  retentionDays: number | null;
  trainingConsent: boolean;
  requireMfa?: boolean;
  accessApprovalRequired?: boolean;
}

export interface OrganisationsDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
}

export function createOrganisationsModule({ db, clock, policy }: OrganisationsDeps) {
  return {
    async create(input: NewOrganisationInput) {
      if (input.retentionDays !== null) {
        if (input.kind === 'api') {
          throw badRequest('retention_not_configurable', 'API organisations keep the policy window of retention.conversations.api.days');
        }
        const bounds = policy.retention.conversations[input.kind];
        if (input.retentionDays < bounds.minDays || input.retentionDays > bounds.maxDays) {
          throw badRequest(
            'retention_out_of_bounds',
            `retention days for a ${input.kind} organisation must be between ${bounds.minDays} and ${bounds.maxDays}`,
          );
        }
      }
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
