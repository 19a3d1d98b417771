import type { Command } from 'commander';
import { CliError, parseInstant } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

export function registerReviewCommands(program: Command, ctx: CommandContext) {
  const review = program.command('review').description('human safety review (P18)');

  withDatabaseOptions(
    review
      .command('sample')
      .description('put a random sample of recent conversations (flagged ones first) into the review queue')
      .option('--rate <r>', 'fraction of the candidates to sample, 0 to 1 (default: review.defaultRate of the policy)')
      .option('--at <instant>', 'ISO-8601 end of the lookback window (default now)')
      .option('--seed <seed>', 'seed of the random choice (default: a random one); recorded in the audit log')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DatabaseOptions & { rate?: string; at?: string; seed?: string; json?: boolean }) => {
    const rate = o.rate === undefined ? undefined : Number(o.rate);
    if (rate !== undefined && !(rate >= 0 && rate <= 1)) throw new CliError(`--rate must be a number between 0 and 1, got "${o.rate}"`);
    if (o.seed !== undefined && !/^[\x21-\x7e]{1,128}$/.test(o.seed)) throw new CliError('--seed must be 1 to 128 printable characters without spaces');
    const at = o.at === undefined ? undefined : parseInstant(o.at, '--at');
    const result = await ctx.withContainer(o, (c) => c.review.sample({ rate: rate ?? c.policy.review.defaultRate, at, seed: o.seed, source: 'command' }));
    if (!result) throw new CliError('no sample was taken');
    if (o.json) ctx.io.out(JSON.stringify(result) + '\n');
    else ctx.io.out(`sample ${result.sampleId}: ${result.picked} of ${result.candidates} conversation(s) queued (${result.flagged} flagged), seed ${result.seed}\n`);
  });
}
