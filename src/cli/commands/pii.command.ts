import type { Command } from 'commander';
import { createPiiEngine, detectJsonlStream, redactStream } from '../../pii/index.js';
import { piiKey } from '../../modules/anonymize/pii-keys.js';
import { CliError } from '../io.js';
import type { CommandContext } from '../context.js';

const operators = ['replace', 'mask', 'hash'] as const;

export function registerPiiCommands(program: Command, ctx: CommandContext) {
  const pii = program.command('pii').description('find and replace personal data in text (stdin → stdout)');
  pii
    .command('redact')
    .description('replace personal data in the text on stdin; write the result to stdout')
    .option('--operator <op>', 'replace (numbered placeholders) | mask | hash (keyed, CUSTOS_PII_KEY)', 'replace')
    .action(async (o: { operator: string }) => {
      if (!operators.includes(o.operator as (typeof operators)[number])) throw new CliError(`--operator must be one of ${operators.join(', ')}, got "${o.operator}"`);
      if (!ctx.io.stdinStream || !ctx.io.stdoutStream) throw new CliError('pii redact needs standard input and output');
      let hashKey: Buffer | undefined;
      try {
        hashKey = o.operator === 'hash' ? piiKey(ctx.io.env) : undefined;
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      await redactStream(ctx.io.stdinStream, ctx.io.stdoutStream, { operator: o.operator as (typeof operators)[number], hashKey, engine: createPiiEngine() });
    });
  pii
    .command('detect')
    .description('read JSON lines {"text": …} on stdin; write {"spans": [{type, start, end, score}]} per line')
    .option('--jsonl', 'JSON lines in and out (the only format)')
    .action(async (o: { jsonl?: boolean }) => {
      if (!o.jsonl) throw new CliError('pii detect reads JSON lines: pass --jsonl');
      if (!ctx.io.stdinStream || !ctx.io.stdoutStream) throw new CliError('pii detect needs standard input and output');
      try {
        await detectJsonlStream(ctx.io.stdinStream, ctx.io.stdoutStream, { engine: createPiiEngine() });
      } catch (error) {
        // The stream's errors name the line number only, never its content.
        throw new CliError((error as Error).message);
      }
    });
}
