import { sql } from 'kysely';
import type { SweepTarget } from './sweep-targets.js';

/**
 * Copies made for another purpose (feedback, safety copies, classifier scores) leave at their own
 * deadlines, with their keys and their re-identification links. They carry no account id, so a
 * legal hold on an account cannot name them: they follow their own windows (docs/feedback-and-safety.md).
 */
function copyTarget(table: 'feedback_copies' | 'safety_copies', linkKind: 'feedback' | 'safety'): SweepTarget {
  return {
    dataClass: table,
    alsoDeletes: ['reid_links'],
    async sweepBatch(trx, { now, limit, cipher }) {
      const picked = await sql<{ id: string }>`
        select id from ${sql.table(table)}
         where delete_after <= ${now.toISOString()}::timestamptz
         order by delete_after
         limit ${limit}
           for update skip locked
      `.execute(trx);
      const ids = picked.rows.map((r) => r.id);
      if (ids.length === 0) return { ids, counts: { [table]: 0, reid_links: 0 } };
      const links = await sql<{ key_scope_id: string }>`
        delete from reid_links where copy_kind = ${linkKind} and copy_id = any(${ids}::uuid[]) returning key_scope_id
      `.execute(trx);
      const deleted = await sql`delete from ${sql.table(table)} where id = any(${ids}::uuid[])`.execute(trx);
      for (const id of ids) await cipher.destroyScopeKey(trx, null, { kind: 'copy', id });
      for (const link of links.rows) await cipher.destroyScopeKey(trx, null, { kind: 'copy', id: link.key_scope_id });
      return { ids, counts: { [table]: Number(deleted.numAffectedRows ?? 0n), reid_links: links.rows.length } };
    },
  };
}

export const feedbackCopiesTarget = copyTarget('feedback_copies', 'feedback');
export const safetyCopiesTarget = copyTarget('safety_copies', 'safety');

/** Scores hold no content; they live for the classifier-score window, longer than the copies they explain. */
export const classifierScoresTarget: SweepTarget = {
  dataClass: 'classifier_scores',
  alsoDeletes: [],
  async sweepBatch(trx, { now, limit }) {
    const picked = await sql<{ id: string }>`
      select id from classifier_scores
       where delete_after <= ${now.toISOString()}::timestamptz
       order by delete_after
       limit ${limit}
         for update skip locked
    `.execute(trx);
    const ids = picked.rows.map((r) => r.id);
    if (ids.length === 0) return { ids, counts: { classifier_scores: 0 } };
    const deleted = await sql`delete from classifier_scores where id = any(${ids}::uuid[])`.execute(trx);
    return { ids, counts: { classifier_scores: Number(deleted.numAffectedRows ?? 0n) } };
  },
};
