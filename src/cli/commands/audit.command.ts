import type { Command } from 'commander';
import { importPublicKey } from '../../audit/checkpoint.js';
import { CliError } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerAuditCommands(program: Command, ctx: CommandContext) {
  const audit = program.command('audit').description('the tamper-evident audit log');

  withDatabaseOptions(
    audit
      .command('verify')
      .description('recompute the log from the stored entries and check every signed checkpoint; exit 1 and say where when it breaks')
      .option('--trusted-key <key>', 'another public key whose checkpoints count (base64 or PEM; after a key rotation), repeatable', collect)
      .option('--json', 'print the report as one JSON object'),
  ).action(async (o: DatabaseOptions & { trustedKey?: string[]; json?: boolean }) => {
    let trustedKeys;
    try {
      trustedKeys = (o.trustedKey ?? []).map((k) => importPublicKey(k));
    } catch (error) {
      throw new CliError(`--trusted-key: ${(error as Error).message}`);
    }
    const report = await ctx.withContainer(o, (c) => c.audit.verify({ trustedKeys }));
    const json = {
      ok: report.ok,
      size: report.size,
      rootHash: report.rootHash.toString('base64'),
      checkpointedSize: report.checkpointedSize,
      checkpoints: report.checkpoints,
      pending: report.pending,
      problemCount: report.problemCount,
      problems: report.problems,
    };
    if (o.json) {
      ctx.io.out(JSON.stringify(json) + '\n');
    } else {
      ctx.io.out(`${report.size} entries, ${report.checkpoints} checkpoint(s), signed up to ${report.checkpointedSize}; ${report.pending} pending\n`);
      ctx.io.out(`root ${json.rootHash}\n`);
      for (const p of report.problems) ctx.io.out(`${p.kind}${p.seq !== undefined ? ` at entry ${p.seq}` : ''}${p.checkpointSize !== undefined ? ` (checkpoint ${p.checkpointSize})` : ''}: ${p.message}\n`);
      if (report.ok) ctx.io.out('the audit log is intact\n');
    }
    if (!report.ok) throw new CliError(`the audit log failed verification: ${report.problemCount} problem(s)`);
  });

  withDatabaseOptions(
    audit
      .command('checkpoint')
      .description('sequence pending entries now and print the latest signed checkpoint with its public key')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DatabaseOptions & { json?: boolean }) => {
    const result = await ctx.withContainer(o, (c) => c.audit.checkpoint());
    if (o.json) ctx.io.out(JSON.stringify(result) + '\n');
    else ctx.io.out(`${result.checkpoint.note ?? ''}\nverifier key: ${result.key.noteVerifierKey}\n`);
  });
}
