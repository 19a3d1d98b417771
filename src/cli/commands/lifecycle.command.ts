import type { Command } from 'commander';
import { DEFAULT_SWEEP_BATCH, runLifecycleSweep } from '../../jobs/lifecycle-sweep.js';
import { listReceipts, type LifecycleReceipt } from '../../jobs/lifecycle-receipts.js';
import { parseInstant, parsePositiveInt } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { formatTable } from './policy.command.js';
import { withDatabaseOptions } from './database-options.js';

export function receiptJson(r: LifecycleReceipt) {
  return {
    receiptId: r.id,
    at: r.sweptAt.toISOString(),
    startedAt: r.startedAt.toISOString(),
    finishedAt: r.finishedAt.toISOString(),
    policyVersion: r.policyVersion,
    batchSize: r.batchSize,
    batches: r.batches,
    counts: r.counts,
    total: r.total,
    digest: r.digest,
  };
}

export function registerLifecycleCommands(program: Command, ctx: CommandContext) {
  const lifecycle = program.command('lifecycle').description('retention sweeps: delete what the policy no longer allows to keep');

  withDatabaseOptions(
    lifecycle
      .command('run')
      .description('delete everything whose deadline has passed and that no legal hold protects; record a receipt')
      .option('--at <instant>', 'compare deadlines with this ISO-8601 instant instead of now')
      .option('--batch <n>', `rows per transaction (default ${DEFAULT_SWEEP_BATCH})`)
      .option('--json', 'print one JSON object'),
  ).action(async (o: DatabaseOptions & { at?: string; batch?: string; json?: boolean }) => {
    const at = o.at === undefined ? null : parseInstant(o.at, '--at');
    const batchSize = o.batch === undefined ? DEFAULT_SWEEP_BATCH : parsePositiveInt(o.batch, '--batch');
    const receipt = await ctx.withContainer(o, (c) => runLifecycleSweep(c, { now: at ?? c.clock.now(), batchSize }));
    if (o.json) {
      ctx.io.out(JSON.stringify(receiptJson(receipt)) + '\n');
      return;
    }
    ctx.io.out(`swept at ${receipt.sweptAt.toISOString()} in ${receipt.batches} batch(es); receipt ${receipt.id}\n`);
    ctx.io.out(formatTable(Object.entries(receipt.counts).map(([dataClass, n]) => ({ class: dataClass, deleted: String(n) }))));
    ctx.io.out(`digest ${receipt.digest}\n`);
  });

  withDatabaseOptions(
    lifecycle
      .command('receipts')
      .description('list the receipts of past sweeps, newest first')
      .option('--limit <n>', 'how many (default 20)')
      .option('--json', 'one JSON array'),
  ).action(async (o: DatabaseOptions & { limit?: string; json?: boolean }) => {
    const limit = o.limit === undefined ? 20 : parsePositiveInt(o.limit, '--limit');
    const receipts = await ctx.withContainer(o, (c) => listReceipts(c.db, { limit }));
    if (o.json) {
      ctx.io.out(JSON.stringify(receipts.map(receiptJson)) + '\n');
      return;
    }
    ctx.io.out(
      formatTable(
        receipts.map((r) => ({
          receipt: r.id,
          at: r.sweptAt.toISOString(),
          deleted: String(r.total),
          counts: Object.entries(r.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        })),
      ),
    );
  });
}
