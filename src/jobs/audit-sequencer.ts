import type { Logger } from 'pino';
import type { AuditModule } from '../modules/audit/audit.service.js';
import { startScheduler, type Scheduler } from './scheduler.js';

/** How often pending audit entries are sequenced and a checkpoint signed, unless configured otherwise. */
export const DEFAULT_SEQUENCE_INTERVAL_MS = 10_000;

/** Sequences the audit log now and then, so checkpoints follow the log closely without any request waiting. */
export function startAuditSequencer(deps: { audit: Pick<AuditModule, 'sequence' | 'signing'>; logger: Pick<Logger, 'info' | 'error' | 'warn'> }, options: { intervalMs: number }): Scheduler {
  if (!deps.audit.signing) deps.logger.warn('no audit signing key (CUSTOS_AUDIT_SIGNING_KEY): audit entries are recorded but not sequenced or checkpointed');
  return startScheduler({
    name: 'audit sequencer',
    intervalMs: options.intervalMs,
    run: () => deps.audit.sequence(),
    logger: deps.logger,
    onResult: (r) => {
      if (r.sequenced > 0) deps.logger.info({ sequenced: r.sequenced, size: r.size }, 'audit checkpoint');
    },
  });
}
