import type { Command } from 'commander';
import { migrateToLatest } from '../../db/migrate.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { withDatabaseOptions } from './database-options.js';

export function registerMigrateCommand(program: Command, ctx: CommandContext) {
  withDatabaseOptions(program.command('migrate').description('bring the database schema up to date')).action(
    async (o: DatabaseOptions) => {
      const applied = await ctx.withContainer(o, (c) => migrateToLatest(c.db));
      ctx.io.out(applied.length === 0 ? 'schema is up to date\n' : `applied ${applied.join(', ')}\n`);
    },
  );
}
