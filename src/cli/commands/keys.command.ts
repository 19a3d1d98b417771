import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { CliError, type CliIO } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

/** A progress bar on a terminal, nothing otherwise (so output piped to a file stays clean). */
export function progressReporter(io: CliIO, label: string) {
  if (!io.isTTY) return { update: (_done: number, _total: number) => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total}`, stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(Math.max(total, 1), 0);
        started = true;
      }
      bar.setTotal(Math.max(total, done, 1));
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

export function registerKeysCommands(program: Command, ctx: CommandContext) {
  const keys = program.command('keys').description('encryption keys: rotation and compaction');
  withDatabaseOptions(
    keys
      .command('rotate')
      .description('rewrap account keys under a new root version (--root), or one account\'s conversation keys (--account ID)')
      .option('--root', 'rotate the root key')
      .option('--account <id>', 'rotate one account key')
      .option('--json', 'print the result as JSON'),
  ).action(async (o: DatabaseOptions & { root?: boolean; account?: string; json?: boolean }) => {
    if (Boolean(o.root) === Boolean(o.account)) throw new CliError('give exactly one of --root or --account ID');
    const progress = progressReporter(ctx.io, o.root ? 'rewrapping' : 'rewrapping conversation keys');
    const result = await ctx.withContainer(o, async (c) => {
      try {
        if (o.root) {
          const fromEnv = (c.keyProvider as { source?: string }).source === 'env';
          if (fromEnv && (await c.keyProvider.versions()).length < 2) {
            throw new CliError('the root key comes from CUSTOS_ROOT_KEY(S): add a new version to CUSTOS_ROOT_KEYS (e.g. 1:<old>,2:<new>), restart, then rotate');
          }
          return await c.keys.rotateRoot({ newVersion: !fromEnv, progress: progress.update });
        }
        return await c.keys.rotateAccount(o.account!, { progress: progress.update });
      } finally {
        progress.stop();
      }
    });
    ctx.io.out(o.json ? JSON.stringify(result) + '\n' : `${Object.entries(result).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n`);
  });
  withDatabaseOptions(
    keys.command('compact').description('rewrite the key tables so destroyed keys leave the database files').option('--json', 'JSON output'),
  ).action(async (o: DatabaseOptions & { json?: boolean }) => {
    const result = await ctx.withContainer(o, (c) => c.keys.compact({ force: true }));
    ctx.io.out(o.json ? JSON.stringify(result) + '\n' : `compacted: ${result.compacted}, log cycled: ${result.walCycled}\n`);
  });
}
