import type { Command } from 'commander';
import { staffRoles } from '../../policy/index.js';
import { CliError } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { formatTable } from './policy.command.js';
import { withDatabaseOptions } from './database-options.js';

export function registerStaffCommands(program: Command, ctx: CommandContext) {
  const staff = program.command('staff').description('staff of the operator: accounts with a role, password and TOTP');

  withDatabaseOptions(
    staff
      .command('create')
      .description('create a staff member; prints the password and the TOTP secret once')
      .requiredOption('--email <email>', 'sign-in email')
      .requiredOption('--role <role>', 'support | trust_safety | legal | privacy_officer | admin')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DatabaseOptions & { email: string; role: string; json?: boolean }) => {
    if (!(staffRoles as readonly string[]).includes(o.role)) throw new CliError(`--role must be one of ${staffRoles.join(', ')}, got "${o.role}"`);
    const created = await ctx.withContainer(o, (c) => c.staff.create({ email: o.email, role: o.role }));
    if (o.json) {
      ctx.io.out(JSON.stringify(created) + '\n');
      return;
    }
    ctx.io.out(
      [
        `staff member ${created.id} (${created.role}) created for ${created.email}`,
        `password:    ${created.password}`,
        `totp secret: ${created.totpSecret}`,
        `otpauth uri: ${created.otpauthUri}`,
        'These are shown once: hand them over now. Sign-in needs the password and a current code.',
        '',
      ].join('\n'),
    );
  });

  withDatabaseOptions(staff.command('list').description('list staff members').option('--json', 'one JSON array')).action(
    async (o: DatabaseOptions & { json?: boolean }) => {
      const rows = await ctx.withContainer(o, (c) => c.staff.list());
      if (o.json) ctx.io.out(JSON.stringify(rows) + '\n');
      else ctx.io.out(formatTable(rows.map((s) => ({ id: s.id, email: s.email, role: s.role, created: s.createdAt, disabled: s.disabledAt ?? '' }))));
    },
  );

  withDatabaseOptions(staff.command('disable').description('end a staff member\'s sessions and access').requiredOption('--email <email>', 'sign-in email')).action(
    async (o: DatabaseOptions & { email: string }) => {
      await ctx.withContainer(o, (c) => c.staff.disable(o.email));
      ctx.io.out(`disabled ${o.email}\n`);
    },
  );
}
