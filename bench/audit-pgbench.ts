import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, type JsonValue } from '../src/audit/entry.js';
import { toEntryFields, type AuditRecord } from '../src/modules/audit/audit-record.js';

/**
 * The single-entry append statement replayed by `pgbench` (PostgreSQL's own C client) against
 * the same table: what PostgreSQL itself sustains for durable appends of this log, without the
 * Node.js client's CPU sharing the machine's cores. Null when pgbench is not installed.
 */
export function pgbenchAppendRate(url: string, record: AuditRecord, connections: number, seconds: number): { perSecond: number; clientCpuUsPerEntry: number } | null {
  try {
    execFileSync('pgbench', ['--version'], { stdio: 'ignore' });
  } catch {
    return null;
  }
  const fields = toEntryFields(record);
  const literal = (value: string | null) => (value === null ? 'null' : `'${value.replace(/'/g, "''")}'`);
  // The statement appendAuditMany sends for one entry, with the values written in.
  const statement =
    'insert into audit_entries (at, action, actor_kind, actor_id, subject, details, subject_pseudonym) values (' +
    [fields.at, fields.action, fields.actor.kind, fields.actor.id, canonicalJson(fields.subject as JsonValue), canonicalJson(fields.details as JsonValue), record.subject]
      .map((v, i) => (i === 0 ? `${literal(v)}::timestamptz` : literal(v)))
      .join(', ') +
    ');\n';
  const dir = mkdtempSync(join(tmpdir(), 'custos-pgbench-'));
  try {
    const script = join(dir, 'append.sql');
    writeFileSync(script, statement);
    // Through bash, whose `times` gives the CPU its children (pgbench) used.
    const output = execFileSync(
      'bash',
      ['-c', 'pgbench "$@" && times', 'bash', '-n', '-M', 'prepared', '-c', String(connections), '-j', '2', '-T', String(seconds), '-f', script, url],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const tps = /tps = ([\d.]+)/.exec(output);
    const processed = /number of transactions actually processed: (\d+)/.exec(output);
    const children = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(output);
    if (!tps || !processed || !children) throw new Error('pgbench printed no rate');
    const cpuSeconds = Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4]);
    return { perSecond: Number(tps[1]), clientCpuUsPerEntry: (cpuSeconds * 1e6) / Number(processed[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
