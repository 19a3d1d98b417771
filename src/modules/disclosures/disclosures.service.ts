import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { sha256, uuidv7 } from '../../lib/ids.js';
import { decideDisclosure, mayRecordDisclosures, type DisclosureRefusal, type Policy, type StaffRole } from '../../policy/index.js';
import { appendAudit } from '../audit/audit.repository.js';
import { sendNotice, type Mailer } from '../identity/mailer.js';
import { accountForDisclosure, insertDisclosure, listDisclosures } from './disclosures.repository.js';

/**
 * Disclosures of a user's data to third parties (P26, P27, P32). The decision is the pure
 * `decideDisclosure` (src/policy/disclosure.ts); this records it: one append-only row and its
 * audit entry in one transaction, then a notice to the user unless the law forbids it. Custos
 * does not send the data anywhere itself: whoever hands it over records it here first, and a
 * refused disclosure is not to be made.
 */
export interface DisclosuresDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  /** The data-residency region this deployment serves. */
  region: string;
  mailer?: Mailer | undefined;
  logger?: Pick<Logger, 'warn'> | undefined;
}

export interface DisclosureInput {
  accountId: string;
  recipientId: string;
  purpose: string;
  legalBasis: string | null;
  scope: readonly string[];
  notifySubject: boolean;
}

const refusals: Record<DisclosureRefusal, { status: number; message: string }> = {
  unregistered_recipient: { status: 400, message: 'the recipient is not registered in the policy file' },
  legal_basis_required: { status: 400, message: 'a disclosure to an authority names its legal basis' },
  silence_needs_legal_basis: { status: 400, message: 'not telling the user needs the legal basis that forbids it' },
  transfer_not_allowed: { status: 409, message: 'the recipient is outside this region and no transfer rule of the policy allows it' },
};

type Row = Awaited<ReturnType<typeof listDisclosures>>[number];

export function createDisclosuresModule({ db, clock, policy, region, mailer, logger }: DisclosuresDeps) {
  if (!policy.regions.available.includes(region)) throw new Error(`region ${region} is not one of the policy's regions (${policy.regions.available.join(', ')})`);

  const view = (r: Row) => ({
    id: r.id,
    recipient: { id: r.recipient_id, kind: r.recipient_kind, name: policy.recipients.find((p) => p.id === r.recipient_id)?.name ?? r.recipient_id },
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    scope: r.scope,
    transfer: r.transfer_to === null ? null : { to: r.transfer_to, basis: r.transfer_basis ?? '' },
    disclosedAt: new Date(r.created_at).toISOString(),
  });

  const notify = (email: string, text: string) => sendNotice(mailer, logger, { to: email, subject: 'Your data was disclosed to a third party', text }, 'disclosure');

  return {
    region,

    async record(by: { staffId: string; role: StaffRole }, input: DisclosureInput) {
      if (!mayRecordDisclosures(by.role, policy)) throw forbidden('role_not_allowed', `the ${by.role} role may not record disclosures`);
      const legalBasis = input.legalBasis?.trim() || null;
      const decision = decideDisclosure({ recipientId: input.recipientId, legalBasis, notifySubject: input.notifySubject }, region, policy);
      if (!decision.allow) throw new AppError(decision.reason, refusals[decision.reason].status, refusals[decision.reason].message);
      const now = clock.now();
      const id = uuidv7(now.getTime());
      const scope = [...new Set(input.scope)].sort();
      const row = {
        id,
        account_id: input.accountId,
        recipient_id: decision.recipient.id,
        recipient_kind: decision.recipient.kind,
        purpose: input.purpose.trim(),
        legal_basis: legalBasis,
        scope,
        notify_subject: input.notifySubject,
        transfer_to: decision.transfer?.to ?? null,
        transfer_basis: decision.transfer?.basis ?? null,
        recorded_by: by.staffId,
        policy_version: policy.version,
        created_at: now,
      };
      const account = await db.transaction().execute(async (trx) => {
        const account = await accountForDisclosure(trx, input.accountId);
        if (!account) throw notFound('account');
        await insertDisclosure(trx, row);
        // References only: the basis and purpose are free text, so the entry holds their digests.
        await appendAudit(trx, {
          kind: 'disclosure.record',
          at: now,
          actor: `staff:${by.staffId}`,
          subject: account.pseudonym,
          refs: {
            disclosure: id,
            recipient: decision.recipient.id,
            scope,
            notifySubject: input.notifySubject,
            transferTo: decision.transfer?.to ?? null,
            purposeSha256: sha256(row.purpose).toString('hex'),
            legalBasisSha256: legalBasis === null ? null : sha256(legalBasis).toString('hex'),
          },
        });
        return account;
      });
      if (input.notifySubject && account.deleted_at === null) {
        await notify(account.email, `Your data (${scope.join(', ')}) was disclosed to ${decision.recipient.name}.\n\nPurpose: ${row.purpose}\n${legalBasis ? `Legal basis: ${legalBasis}\n` : ''}`);
      }
      return { ...view(row), notifySubject: input.notifySubject };
    },

    /** What the user is shown (P27): every disclosure of their data the law allows telling them about. */
    async forSubject(accountId: string) {
      return (await listDisclosures(db, accountId, true)).map(view);
    },

    /** The published list of recipients (P26) and the region this deployment keeps data in (P32). */
    published() {
      return {
        region,
        recipients: policy.recipients.map((r) => ({ id: r.id, kind: r.kind, name: r.name, purpose: r.purpose, regions: r.regions })),
        transfers: policy.regions.transfers,
      };
    },
  };
}

export type DisclosuresModule = ReturnType<typeof createDisclosuresModule>;
