import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Executor } from '../../db/executor.js';
import type { Clock } from '../../lib/clock.js';
import { mayReview, type Policy } from '../../policy/index.js';
import type { ContentCipher, ContentLocation, SealedField } from '../content/content-cipher.js';
import { badRequest, conflict, notFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { messageLocation, titleLocation } from '../conversations/conversations.service.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { AuditActor } from '../audit/audit-record.js';
import { accessDenied, type GrantsModule } from '../staff/grants.service.js';
import { accessView } from '../staff/staff-access.service.js';
import type { StaffContext } from '../staff/staff.service.js';
import { maskText, piiEngineFinder, type MaskedText, type SpanFinder } from './masker.js';
import { pickSample, type SampleCandidate } from './sampling.js';

export interface ReviewDeps {
  db: Kysely<DB>;
  clock: Clock;
  policy: Policy;
  cipher: ContentCipher;
  grants: Pick<GrantsModule, 'decide'>;
  /** What the mask hides: by default the PII engine's findings plus emails, card and phone numbers and long digit runs. */
  finder?: SpanFinder;
}

export interface SampleOptions {
  rate: number;
  /** The end of the lookback window (default now). */
  at?: Date | undefined;
  /** Makes the choice reproducible; a random one is drawn (and recorded) when absent. */
  seed?: string | undefined;
  source: 'command' | 'schedule';
  /** Scheduled runs: do nothing when any process sampled less than this long ago. */
  unlessSampledWithinMs?: number | undefined;
}

// Only one sampling run at a time across processes (any fixed number).
const SAMPLE_LOCK = 0x63757276; // "curv"

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * Human safety review (P18): the system samples recent conversations into a queue (flagged ones
 * first), a reviewer sees them with personal data masked, and unmasking a field takes a
 * policy-violation grant. Every view and unmask is in the audit log before anything is shown.
 */
export function createReviewModule({ db, clock, policy, cipher, grants, finder = piiEngineFinder() }: ReviewDeps) {
  function reviewer(staff: StaffContext) {
    if (!mayReview(staff.role, policy)) throw accessDenied('role_not_allowed');
  }

  async function openOrNull(exec: Executor, where: ContentLocation, sealed: SealedField): Promise<string | null> {
    try {
      return await cipher.open(exec, where, sealed);
    } catch {
      return null;
    }
  }

  async function loadItem(exec: Executor, itemId: string) {
    const item = await exec
      .selectFrom('review_items as r')
      .innerJoin('conversations as c', (j) => j.onRef('c.account_id', '=', 'r.account_id').onRef('c.id', '=', 'r.conversation_id'))
      .innerJoin('accounts as a', 'a.id', 'r.account_id')
      .leftJoin('organisations as o', 'o.id', 'a.org_id')
      .select(['r.id', 'r.account_id', 'r.conversation_id', 'r.flagged', 'r.sampled_at', 'r.reviewed_at', 'r.outcome', 'c.title', 'c.title_key_version', 'c.deleted_at', 'a.pseudonym', 'o.access_approval_required'])
      .where('r.id', '=', itemId)
      .executeTakeFirst();
    if (!item) throw notFound('review item');
    return item;
  }

  /** The texts of an item with their masks: the title as field prefix `t`, each message by its seq. */
  async function maskedTexts(exec: Executor, item: Awaited<ReturnType<typeof loadItem>>) {
    const title = item.title === null ? null : await openOrNull(exec, titleLocation(item.account_id, item.conversation_id), { ciphertext: item.title, keyVersion: item.title_key_version ?? 1 });
    const rows = await exec
      .selectFrom('messages')
      .select(['id', 'seq', 'role', 'content', 'content_key_version', 'created_at'])
      .where('account_id', '=', item.account_id)
      .where('conversation_id', '=', item.conversation_id)
      .orderBy('seq')
      .execute();
    const messages = [];
    for (const m of rows) {
      const text = m.content === null ? null : await openOrNull(exec, messageLocation(item.account_id, item.conversation_id, m.id), { ciphertext: m.content, keyVersion: m.content_key_version ?? 0 });
      messages.push({ seq: m.seq, role: m.role, createdAt: iso(m.created_at)!, masked: text === null ? null : maskText(text, String(m.seq), finder) });
    }
    return { title: title === null ? null : maskText(title, 't', finder), messages };
  }

  const actor = (staff: StaffContext): AuditActor => `staff:${staff.staffId}`;

  return {
    /** Called in the message's transaction when the classifier flags it: the conversation goes first in sampling. */
    async noteFlag(trx: Executor, message: { accountId: string; conversationId: string }) {
      await trx
        .insertInto('review_flags')
        .values({ account_id: message.accountId, conversation_id: message.conversationId, flagged_at: clock.now() })
        .onConflict((oc) => oc.columns(['account_id', 'conversation_id']).doNothing())
        .execute();
    },

    /**
     * Samples conversations active in the lookback window before `at` that still hold content and
     * were never sampled before. The seed and the counts go into the audit log with the queue.
     */
    async sample(options: SampleOptions) {
      if (!(options.rate >= 0 && options.rate <= 1)) throw badRequest('invalid_rate', 'the rate must be between 0 and 1');
      const now = clock.now();
      const at = options.at ?? now;
      const seed = options.seed ?? randomBytes(8).toString('hex');
      const from = new Date(at.getTime() - policy.review.lookbackDays * 86_400_000);
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${SAMPLE_LOCK})`.execute(trx);
        if (options.unlessSampledWithinMs !== undefined) {
          const last = await trx.selectFrom('review_samples').select((eb) => eb.fn.max('created_at').as('at')).executeTakeFirst();
          if (last?.at && now.getTime() - new Date(last.at).getTime() < options.unlessSampledWithinMs) return null;
        }
        const candidates: SampleCandidate[] = (
          await trx
            .selectFrom('conversations as c')
            .leftJoin('review_flags as f', (j) => j.onRef('f.account_id', '=', 'c.account_id').onRef('f.conversation_id', '=', 'c.id'))
            .innerJoin('accounts as a', 'a.id', 'c.account_id')
            .leftJoin('organisations as o', 'o.id', 'a.org_id')
            .select(['c.account_id', 'c.id', sql<boolean>`f.conversation_id is not null`.as('flagged')])
            .where('c.last_activity_at', '>', from)
            .where('c.last_activity_at', '<=', at)
            .where('c.deleted_at', 'is', null)
            .where('c.content_persisted', '=', true)
            .where('c.message_count', '>', 0)
            // P19: an organisation that requires approval is never sampled; its data is opened only under an approved grant.
            .where((eb) => eb.or([eb('o.access_approval_required', 'is', null), eb('o.access_approval_required', '=', false)]))
            .where(({ not, exists, selectFrom }) =>
              not(exists(selectFrom('review_items as r').select('r.id').whereRef('r.account_id', '=', 'c.account_id').whereRef('r.conversation_id', '=', 'c.id'))),
            )
            .execute()
        ).map((r) => ({ accountId: r.account_id, conversationId: r.id, flagged: Boolean(r.flagged) }));
        const picked = pickSample(candidates, options.rate, seed);
        const sampleId = uuidv7(now.getTime());
        await trx
          .insertInto('review_samples')
          .values({ id: sampleId, seed, rate: options.rate, sampled_at: at, created_at: now, source: options.source, candidates: candidates.length, picked: picked.length })
          .execute();
        const items = picked.map((p) => ({ id: uuidv7(now.getTime()), sample_id: sampleId, account_id: p.accountId, conversation_id: p.conversationId, flagged: p.flagged, sampled_at: now }));
        for (let i = 0; i < items.length; i += 1000) await trx.insertInto('review_items').values(items.slice(i, i + 1000)).execute();
        const flaggedPicked = picked.filter((p) => p.flagged).length;
        await appendAudit(trx, {
          kind: 'review.sample',
          at: now,
          actor: options.source === 'schedule' ? 'system:review-sampler' : 'operator',
          subject: null,
          refs: {
            sample: sampleId,
            seed,
            rate: options.rate,
            windowStart: from.toISOString(),
            windowEnd: at.toISOString(),
            candidates: candidates.length,
            flaggedCandidates: candidates.filter((c) => c.flagged).length,
            picked: picked.length,
            flaggedPicked,
          },
        });
        return { sampleId, seed, rate: options.rate, at: at.toISOString(), candidates: candidates.length, picked: picked.length, flagged: flaggedPicked, items: items.map((i) => i.id) };
      });
    },

    /** The open queue, flagged first. No content and no identity: ids, flags and times. */
    async queue(staff: StaffContext, limit = 100) {
      reviewer(staff);
      const rows = await db
        .selectFrom('review_items as r')
        .innerJoin('conversations as c', (j) => j.onRef('c.account_id', '=', 'r.account_id').onRef('c.id', '=', 'r.conversation_id'))
        .select(['r.id', 'r.conversation_id', 'r.flagged', 'r.sampled_at', 'c.message_count'])
        .where('r.reviewed_at', 'is', null)
        .where('c.deleted_at', 'is', null)
        .orderBy('r.flagged', 'desc')
        .orderBy('r.sampled_at')
        .orderBy('r.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id, flagged: r.flagged, sampledAt: iso(r.sampled_at)!, messageCount: r.message_count }));
    },

    /** The masked view of one sampled conversation; written to the audit log before it is shown. */
    async view(staff: StaffContext, itemId: string) {
      reviewer(staff);
      return db.transaction().execute(async (trx) => {
        const item = await loadItem(trx, itemId);
        if (item.deleted_at !== null) throw notFound('review item');
        if (item.access_approval_required) {
          // Never sampled (see sample); should an item exist anyway, it opens only as a read would (P19).
          const decision = await grants.decide(trx, staff, 'read_conversation', { accountId: item.account_id, conversationId: item.conversation_id }, undefined);
          if (!decision.allow) throw accessDenied(decision.reason);
        }
        await appendAudit(trx, {
          kind: 'review.view',
          at: clock.now(),
          actor: actor(staff),
          subject: item.pseudonym,
          refs: { item: itemId, role: staff.role, purpose: 'safety_review', conversation: item.conversation_id, masked: true },
        });
        const texts = await maskedTexts(trx, item);
        const fieldsOf = (m: MaskedText | null) => (m ? m.fields.map((f) => ({ id: f.id, kind: f.kind })) : []);
        return {
          id: item.id,
          conversationId: item.conversation_id,
          flagged: item.flagged,
          sampledAt: iso(item.sampled_at)!,
          reviewedAt: iso(item.reviewed_at),
          outcome: item.outcome,
          title: texts.title?.text ?? null,
          titleFields: fieldsOf(texts.title),
          messages: texts.messages.map((m) => ({ seq: m.seq, role: m.role, createdAt: m.createdAt, text: m.masked?.text ?? null, fields: fieldsOf(m.masked) })),
        };
      });
    },

    /** Reveals masked fields under a policy-violation grant on the conversation; audited first. */
    async unmask(staff: StaffContext, itemId: string, input: { fields: string[]; grantId?: string | undefined }) {
      reviewer(staff);
      return db.transaction().execute(async (trx) => {
        const item = await loadItem(trx, itemId);
        if (item.deleted_at !== null) throw notFound('review item');
        const decision = await grants.decide(trx, staff, 'unmask_review', { accountId: item.account_id, conversationId: item.conversation_id }, input.grantId);
        if (!decision.allow) throw accessDenied(decision.reason);
        const wanted = [...new Set(input.fields)];
        await appendAudit(trx, {
          kind: 'review.unmask',
          at: clock.now(),
          actor: actor(staff),
          subject: item.pseudonym,
          refs: {
            item: itemId,
            grant: decision.grantId,
            role: staff.role,
            purpose: decision.obligations.purpose,
            caseRef: decision.obligations.caseRef,
            conversation: item.conversation_id,
            fields: wanted,
          },
        });
        const texts = await maskedTexts(trx, item);
        const all = [...(texts.title?.fields ?? []), ...texts.messages.flatMap((m) => m.masked?.fields ?? [])];
        const fields = wanted.map((id) => {
          const f = all.find((x) => x.id === id);
          if (!f) throw notFound(`masked field ${id}`);
          return { id: f.id, kind: f.kind, value: f.value };
        });
        return { id: itemId, access: accessView(decision.obligations), fields };
      });
    },

    async complete(staff: StaffContext, itemId: string, outcome: 'no_action' | 'violation' | 'escalated') {
      reviewer(staff);
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        const item = await loadItem(trx, itemId);
        if (item.reviewed_at !== null) throw conflict('already_reviewed', 'this item was already reviewed');
        await trx.updateTable('review_items').set({ reviewed_by: staff.staffId, reviewed_at: now, outcome }).where('id', '=', itemId).execute();
        await appendAudit(trx, { kind: 'review.complete', at: now, actor: actor(staff), subject: item.pseudonym, refs: { item: itemId, outcome } });
      });
    },
  };
}

export type ReviewModule = ReturnType<typeof createReviewModule>;
