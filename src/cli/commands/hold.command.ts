import type { Command } from 'commander';
import { CliError, parseInstant } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import type { Container } from '../../container.js';
import type { HoldActor } from '../../modules/holds/holds.service.js';
import { formatTable } from './policy.command.js';
import { withDatabaseOptions } from './database-options.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuid(value: string, flag: string): string {
  if (!UUID.test(value)) throw new CliError(`${flag} must be an id (UUID), got "${value}"`);
  return value;
}

/** The operator acts in their own name, or in the name of a staff member whose role may manage holds (--by). */
async function actorFor(c: Container, by: string | undefined): Promise<HoldActor> {
  if (!by) return { kind: 'operator' };
  const staff = (await c.staff.list()).find((s) => s.email.toLowerCase() === by.trim().toLowerCase() && s.disabledAt === null);
  if (!staff) throw new CliError(`no active staff member with the email ${by}`);
  return { kind: 'staff', staffId: staff.id, role: staff.role };
}

export function registerHoldCommands(program: Command, ctx: CommandContext) {
  const hold = program.command('hold').description('legal holds: suspend deletion of exactly the data named (P13)');

  withDatabaseOptions(
    hold
      .command('create')
      .description('place a legal hold on an account, or one of its conversations')
      .requiredOption('--account <id>', 'the account')
      .option('--conversation <id>', 'only this conversation of the account')
      .requiredOption('--basis <text>', 'the legal obligation (court order, statute, case)')
      .option('--until <instant>', 'ISO-8601 instant at which the hold lapses (default: until released)')
      .option('--no-notify', 'the law forbids telling the account owner')
      .option('--by <email>', 'the staff member (legal) in whose name the hold is placed')
      .option('--json', 'print one JSON object'),
  ).action(async (o: DatabaseOptions & { account: string; conversation?: string; basis: string; until?: string; notify: boolean; by?: string; json?: boolean }) => {
    const until = o.until === undefined ? null : parseInstant(o.until, '--until');
    const created = await ctx.withContainer(o, async (c) =>
      c.holds.create(await actorFor(c, o.by), {
        accountId: uuid(o.account, '--account'),
        conversationId: o.conversation === undefined ? null : uuid(o.conversation, '--conversation'),
        basis: o.basis,
        until,
        notifySubject: o.notify,
      }),
    );
    ctx.io.out(o.json ? JSON.stringify(created) + '\n' : `hold ${created.id} placed on ${created.conversationId ? `conversation ${created.conversationId}` : `account ${created.accountId}`}\n`);
  });

  withDatabaseOptions(
    hold
      .command('release')
      .description('release a legal hold: normal deadlines apply again at once')
      .argument('<id>', 'the hold')
      .option('--by <email>', 'the staff member (legal) in whose name the hold is released')
      .option('--json', 'print one JSON object'),
  ).action(async (id: string, o: DatabaseOptions & { by?: string; json?: boolean }) => {
    const released = await ctx.withContainer(o, async (c) => c.holds.release(await actorFor(c, o.by), uuid(id, 'the hold id')));
    ctx.io.out(o.json ? JSON.stringify(released) + '\n' : `hold ${released.id} released at ${released.releasedAt}\n`);
  });

  withDatabaseOptions(
    hold.command('list').description('list legal holds, newest first').option('--account <id>', 'of this account only').option('--active', 'only holds not released').option('--json', 'one JSON array'),
  ).action(async (o: DatabaseOptions & { account?: string; active?: boolean; json?: boolean }) => {
    const rows = await ctx.withContainer(o, (c) => c.holds.list({ kind: 'operator' }, { accountId: o.account === undefined ? undefined : uuid(o.account, '--account'), activeOnly: Boolean(o.active) }));
    if (o.json) ctx.io.out(JSON.stringify(rows) + '\n');
    else ctx.io.out(formatTable(rows.map((h) => ({ id: h.id, account: h.accountId, conversation: h.conversationId ?? '(all)', until: h.until ?? '', released: h.releasedAt ?? '' }))));
  });
}
