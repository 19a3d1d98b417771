import type { Logger } from 'pino';
import type { Policy } from '../policy/index.js';
import type { ReviewModule } from '../modules/review/review.service.js';
import { startScheduler, type Scheduler } from './scheduler.js';

/** One review sample a day at the policy's default rate (P18). */
export const REVIEW_SAMPLE_INTERVAL_MS = 24 * 3_600_000;

/**
 * Samples for human review once per interval across all processes: each process asks often,
 * and the sample is only taken when no process took one within the interval (checked under the
 * sampling lock, so two processes never both take it).
 */
export function startReviewSampler(
  deps: { review: Pick<ReviewModule, 'sample'>; policy: Policy; logger: Pick<Logger, 'info' | 'error'> },
  options: { intervalMs?: number; checkEveryMs?: number } = {},
): Scheduler {
  const intervalMs = options.intervalMs ?? REVIEW_SAMPLE_INTERVAL_MS;
  return startScheduler({
    name: 'review sampler',
    intervalMs: options.checkEveryMs ?? Math.min(intervalMs, 3_600_000),
    run: () => deps.review.sample({ rate: deps.policy.review.defaultRate, source: 'schedule', unlessSampledWithinMs: intervalMs }),
    logger: deps.logger,
    onResult: (r) => {
      if (r) deps.logger.info({ sample: r.sampleId, picked: r.picked, candidates: r.candidates }, 'review sample');
    },
  });
}
