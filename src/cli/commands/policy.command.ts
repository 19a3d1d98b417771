import type { Command } from 'commander';
import { loadPolicy, PolicyError, type Policy } from '../../policy/index.js';
import { CliError } from '../io.js';
import type { CommandContext } from '../context.js';
import { renderPolicyMarkdown, renderPolicyPage } from '../../modules/privacy/policy-page.js';

/** The effective retention table: one row per window, named by its path in the policy file. */
export function policyRows(policy: Policy): { path: string; value: string; meaning: string }[] {
  const r = policy.retention;
  const c = r.conversations;
  const rows: [string, number | string | boolean, string][] = [
    ['version', policy.version, 'policy version named by every consent record and decision'],
    ['training.consentDefault', policy.training.consentDefault, 'training setting of a new consumer account'],
    ['retention.conversations.consumer.optedOutDays', c.consumer.optedOutDays, 'consumer, training off'],
    ['retention.conversations.consumer.optedInDays', c.consumer.optedInDays, 'consumer, training on'],
    ['retention.conversations.team.defaultDays', c.team.defaultDays, `team (organisation may choose ${c.team.minDays}–${c.team.maxDays})`],
    ['retention.conversations.enterprise.defaultDays', c.enterprise.defaultDays, `enterprise (organisation may choose ${c.enterprise.minDays}–${c.enterprise.maxDays})`],
    ['retention.conversations.api.days', c.api.days, 'API accounts'],
    ['retention.zeroDataRetentionDays', r.zeroDataRetentionDays, 'zero-data-retention organisations: content never persisted'],
    ['retention.incognitoDays', r.incognitoDays, r.incognitoDays === 0 ? 'incognito: never persisted' : 'incognito safety window'],
    ['retention.deleted.graceDays', r.deleted.graceDays, 'deleted conversation: content removed at the next sweep after this'],
    ['retention.deleted.maxDays', r.deleted.maxDays, 'deleted conversation: never later than this'],
    ['retention.feedbackDays', r.feedbackDays, 'explicit feedback snapshots'],
    ['retention.safetyFlaggedDays', r.safetyFlaggedDays, 'safety-flagged inputs and outputs'],
    ['retention.classifierScoresDays', r.classifierScoresDays, 'safety classifier scores'],
    ['retention.trainingBatchDays', r.trainingBatchDays, 'records frozen into a training batch'],
    ['retention.technical.days', r.technical.days, 'technical logs (IP, device, errors)'],
    ['retention.technical.truncateIpAfterDays', r.technical.truncateIpAfterDays, 'IP addresses truncated after'],
    ['retention.sessionsDays', r.sessionsDays, 'login sessions expire after'],
  ];
  return rows.map(([path, value, meaning]) => ({ path, value: String(value), meaning }));
}

export function formatTable(rows: Record<string, string>[]): string {
  if (rows.length === 0) return '(none)\n';
  const keys = Object.keys(rows[0]!);
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(keys), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k] ?? '')))].join('\n') + '\n';
}

/** The policy file named by --policy (or the configured one); a bad file is a one-line error naming its fields. */
function loadForCli(ctx: CommandContext, file: string | undefined): Policy {
  try {
    return loadPolicy(ctx.config({ policy: file }).policyPath);
  } catch (error) {
    if (error instanceof PolicyError) throw new CliError(error.message);
    throw error;
  }
}

export function registerPolicyCommands(program: Command, ctx: CommandContext) {
  const policy = program.command('policy').description('the privacy policy file the system enforces');
  policy
    .command('show')
    .description('print the effective retention table')
    .option('--policy <file>', 'policy file (default: policy/default.yaml)')
    .option('--json', 'print the whole validated policy as JSON')
    .action((options: { policy?: string; json?: boolean }) => {
      const loaded = loadForCli(ctx, options.policy);
      if (options.json) ctx.io.out(JSON.stringify(loaded, null, 2) + '\n');
      else ctx.io.out(formatTable(policyRows(loaded)));
    });
  policy
    .command('page')
    .description('print the public policy page generated from the policy file (also served at /policy)')
    .option('--policy <file>', 'policy file (default: policy/default.yaml)')
    .option('--markdown', 'Markdown instead of HTML')
    .action((options: { policy?: string; markdown?: boolean }) => {
      const loaded = loadForCli(ctx, options.policy);
      ctx.io.out(options.markdown ? renderPolicyMarkdown(loaded) : renderPolicyPage(loaded));
    });
}
