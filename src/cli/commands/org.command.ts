import type { Command } from 'commander';
import { CliError, parsePositiveInt } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { formatTable } from './policy.command.js';
import { withDatabaseOptions } from './database-options.js';
import { isUuid } from '../../lib/ids.js';

function onOff(value: string, flag: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new CliError(`${flag} must be on or off, got "${value}"`);
}

export function registerOrgCommands(program: Command, ctx: CommandContext) {
  const org = program.command('org').description('organisations (team, enterprise, API)');
  withDatabaseOptions(org
    .command('create')
    .description('create an organisation; prints its id and an invite token as JSON')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--kind <kind>', 'team | enterprise | api')
    .option('--zero-data-retention', 'never persist conversation content')
    .option('--retention-days <days>', "the organisation's own conversation window, within the policy's bounds")
    .option('--training-consent', 'the organisation consents to model training on its data')
    .option('--require-mfa', 'members must use multi-factor authentication'))
    .action(async (o: DatabaseOptions & { name: string; kind: string; zeroDataRetention?: boolean; retentionDays?: string; trainingConsent?: boolean; requireMfa?: boolean }) => {
      if (!['team', 'enterprise', 'api'].includes(o.kind)) throw new CliError(`--kind must be team, enterprise or api, got "${o.kind}"`);
      if (o.name.trim().length === 0 || o.name.length > 200) throw new CliError('--name must be 1 to 200 characters');
      const retentionDays = o.retentionDays === undefined ? null : parsePositiveInt(o.retentionDays, '--retention-days');
      const created = await ctx.withContainer(o, (c) =>
        c.organisations.create({
          name: o.name.trim(),
          kind: o.kind as 'team' | 'enterprise' | 'api',
          zeroDataRetention: Boolean(o.zeroDataRetention),
          retentionDays,
          trainingConsent: Boolean(o.trainingConsent),
          requireMfa: Boolean(o.requireMfa),
        }),
      );
      ctx.io.out(JSON.stringify(created) + '\n');
    });
  withDatabaseOptions(org
    .command('admin')
    .description("make a member an administrator of their organisation, who answers staff access requests (P19)")
    .requiredOption('--org <id>', 'the organisation')
    .requiredOption('--account <id>', 'a member account of the organisation')
    .option('--revoke', 'no longer an administrator'))
    .action(async (o: DatabaseOptions & { org: string; account: string; revoke?: boolean }) => {
      if (!isUuid(o.org) || !isUuid(o.account)) throw new CliError('--org and --account must be ids (UUIDs)');
      const result = await ctx.withContainer(o, (c) => c.grants.setOrgAdmin(o.org, o.account, !o.revoke));
      ctx.io.out(JSON.stringify(result) + '\n');
    });
  withDatabaseOptions(org
    .command('set')
    .description("change an organisation's settings; members' deadlines follow at once; prints the settings as JSON")
    .requiredOption('--org <id>', 'the organisation')
    .option('--retention-days <days>', 'its own conversation window within the policy bounds, or "default" for the policy window')
    .option('--training-consent <on|off>', 'whether the organisation consents to model training on its data')
    .option('--require-mfa <on|off>', 'whether members must use multi-factor authentication')
    .option('--access-approval <on|off>', "whether staff access to members' data waits for an organisation admin's approval"))
    .action(async (o: DatabaseOptions & { org: string; retentionDays?: string; trainingConsent?: string; requireMfa?: string; accessApproval?: string }) => {
      if (!isUuid(o.org)) throw new CliError('--org must be an id (UUID)');
      const change = {
        ...(o.retentionDays === undefined ? {} : { retentionDays: o.retentionDays === 'default' ? null : parsePositiveInt(o.retentionDays, '--retention-days') }),
        ...(o.trainingConsent === undefined ? {} : { trainingConsent: onOff(o.trainingConsent, '--training-consent') }),
        ...(o.requireMfa === undefined ? {} : { requireMfa: onOff(o.requireMfa, '--require-mfa') }),
        ...(o.accessApproval === undefined ? {} : { accessApprovalRequired: onOff(o.accessApproval, '--access-approval') }),
      };
      if (Object.keys(change).length === 0) throw new CliError('nothing to change: give --retention-days, --training-consent, --require-mfa or --access-approval');
      const result = await ctx.withContainer(o, (c) => c.organisations.updateSettings(o.org, change));
      ctx.io.out(JSON.stringify(result) + '\n');
    });
  withDatabaseOptions(org
    .command('list')
    .description('list organisations')
    .option('--json', 'one JSON array'))
    .action(async (o: DatabaseOptions & { json?: boolean }) => {
      const orgs = await ctx.withContainer(o, (c) => c.organisations.list());
      if (o.json) ctx.io.out(JSON.stringify(orgs) + '\n');
      else ctx.io.out(formatTable(orgs.map((x) => ({ id: x.id, name: x.name, kind: x.kind, zdr: String(x.zeroDataRetention), retentionDays: String(x.retentionDays ?? 'default'), trainingConsent: String(x.trainingConsent) }))));
    });
}
