import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../../db/schema.js';
import { decideCopyRetention, type Policy } from '../../policy/index.js';
import { uuidv7 } from '../../lib/ids.js';
import { normalizeIp, truncateIp } from './ip.js';
import { parseUserAgent } from './user-agent.js';
import { insertTechnicalRequests, listTechnicalRequests, type NewTechnicalRequest } from './technical.repository.js';

/**
 * What is known about one request once it is answered (P24). Deliberately narrow: the route
 * template (never the URL, which may carry a query), no body, no raw user agent.
 */
export interface RequestFacts {
  at: Date;
  accountId: string | null;
  ip: string | null;
  userAgent: string | null;
  method: string;
  route: string;
  status: number;
  latencyMs: number;
  errorCode: string | null;
}

export interface TechnicalDeps {
  db: Kysely<DB>;
  policy: Policy;
  logger: Pick<Logger, 'warn'>;
  /** Rows are written in batches off the request path; a batch goes when full or after this long. */
  flushIntervalMs?: number;
  batchSize?: number;
}

const DAY_MS = 86_400_000;

export function toTechnicalRow(facts: RequestFacts, policy: Policy): NewTechnicalRequest {
  const retention = decideCopyRetention({ now: facts.at, copyClass: 'technical_log', createdAt: facts.at, holds: [] }, policy);
  const ip = normalizeIp(facts.ip);
  const truncateAtOnce = ip !== null && policy.retention.technical.truncateIpAfterDays === 0;
  const ua = parseUserAgent(facts.userAgent);
  return {
    id: uuidv7(facts.at.getTime()),
    at: facts.at,
    account_id: facts.accountId,
    ip: ip && truncateAtOnce ? truncateIp(ip) : ip,
    ip_truncated: truncateAtOnce,
    ip_truncate_after: ip && !truncateAtOnce ? new Date(facts.at.getTime() + policy.retention.technical.truncateIpAfterDays * DAY_MS) : null,
    browser: ua.browser,
    os: ua.os,
    device_class: ua.deviceClass,
    method: facts.method.slice(0, 16),
    route: facts.route.slice(0, 200),
    status: facts.status,
    latency_ms: Math.max(0, Math.round(facts.latencyMs)),
    error_code: facts.errorCode?.slice(0, 64) ?? null,
    // Without a hold the decision always has a date; the column is required.
    delete_after: retention.deleteAfter ?? facts.at,
    retention_rule: retention.rule,
  };
}

export function createTechnicalModule({ db, policy, logger, flushIntervalMs = 1_000, batchSize = 200 }: TechnicalDeps) {
  let buffer: NewTechnicalRequest[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const rows = buffer;
    buffer = [];
    if (rows.length > 0) {
      writing = writing.then(() =>
        insertTechnicalRequests(db, rows).catch((error: unknown) => {
          // Losing a batch of technical records must never fail requests; say so without detail.
          logger.warn({ err: { type: (error as Error).name, code: (error as { code?: string }).code }, rows: rows.length }, 'technical records not written');
        }),
      );
    }
    return writing;
  }

  return {
    record(facts: RequestFacts) {
      buffer.push(toTechnicalRow(facts, policy));
      if (buffer.length >= batchSize) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushIntervalMs);
        timer.unref();
      }
    },

    /** Writes whatever is buffered; resolves when every record so far is in the table. */
    flush,

    async list(accountId: string, o: { limit: number; before: Date | null }) {
      await flush();
      const rows = await listTechnicalRequests(db, accountId, o);
      return rows.map((r) => ({
        at: new Date(r.at).toISOString(),
        ip: r.ip,
        ipTruncated: r.ip_truncated,
        browser: r.browser,
        os: r.os,
        deviceClass: r.device_class,
        method: r.method,
        route: r.route,
        status: r.status,
        latencyMs: r.latency_ms,
        errorCode: r.error_code,
        deleteAfter: new Date(r.delete_after).toISOString(),
      }));
    },
  };
}

export type TechnicalModule = ReturnType<typeof createTechnicalModule>;
