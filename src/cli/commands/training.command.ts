import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { BatchView, TrainingExportLine } from '../../modules/training/training.service.js';
import { CliError, parseInstant } from '../io.js';
import type { CommandContext, DatabaseOptions } from '../context.js';
import { formatTable } from './policy.command.js';
import { withDatabaseOptions } from './database-options.js';

/**
 * Writes JSON lines to `path` atomically: a reader never sees half a file, and a failed export
 * leaves no file behind. Mode 0600: the lines hold conversation content.
 */
async function writeJsonLines(path: string, lines: AsyncIterable<TrainingExportLine>): Promise<{ lines: number; sha256: string }> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const stream = createWriteStream(temporary, { mode: 0o600 });
  const digest = createHash('sha256');
  let count = 0;
  try {
    for await (const line of lines) {
      const text = JSON.stringify(line) + '\n';
      digest.update(text);
      if (!stream.write(text)) await once(stream, 'drain');
      count++;
    }
    stream.end();
    await once(stream, 'finish');
    renameSync(temporary, path);
    return { lines: count, sha256: digest.digest('hex') };
  } catch (error) {
    stream.destroy();
    rmSync(temporary, { force: true });
    throw error;
  }
}

const tally = (t: Record<string, number | undefined>) =>
  Object.entries(t)
    .map(([k, v]) => `${k} ${v ?? 0}`)
    .join(', ') || '-';

export function registerTrainingCommands(program: Command, ctx: CommandContext) {
  const training = program.command('training').description('training-data export that honours consent');

  withDatabaseOptions(
    training
      .command('export')
      .description('freeze a new batch of eligible conversations and write it as JSON lines')
      .requiredOption('--out <file>', 'the JSON lines file to write (relative paths are from the current directory)')
      .option('--at <instant>', 'the export instant (ISO-8601, not before now; default now)')
      .option('--batch <id>', 'write an existing frozen batch again instead of freezing a new one')
      .option('--json', 'print the batch as one JSON object'),
  ).action(async (o: DatabaseOptions & { out: string; at?: string; batch?: string; json?: boolean }) => {
    if (o.batch !== undefined && o.at !== undefined) throw new CliError('--batch writes an existing batch; it takes no --at');
    const at = o.at === undefined ? undefined : parseInstant(o.at, '--at');
    const path = resolve(ctx.io.cwd, o.out);
    const { batch, written } = await ctx.withContainer(o, async (c) => {
      const frozen = o.batch === undefined ? await c.training.freeze(at ? { at } : {}) : await c.training.batch(o.batch);
      return { batch: frozen, written: await writeJsonLines(path, c.training.lines(frozen.id)) };
    });
    const lines = written.lines;
    // The manifest travels with the file: what is in it, under which policy, and its checksum.
    const manifestPath = `${path}.manifest.json`;
    writeFileSync(
      manifestPath,
      JSON.stringify(
        {
          batchId: batch.id,
          exportAt: batch.exportAt,
          frozenAt: batch.frozenAt,
          policyVersion: batch.policyVersion,
          records: batch.records,
          byBasis: batch.counts.byBasis,
          byAccountKind: batch.counts.byKind,
          refused: batch.counts.refused,
          file: basename(path),
          lines,
          sha256: written.sha256,
        },
        null,
        2,
      ) + '\n',
      { mode: 0o600 },
    );
    if (o.json) {
      ctx.io.out(JSON.stringify({ ...batch, file: path, lines, sha256: written.sha256, manifest: manifestPath }) + '\n');
      return;
    }
    ctx.io.out(
      `${o.batch === undefined ? 'froze' : 'wrote'} batch ${batch.id} (export instant ${batch.exportAt}, policy ${batch.policyVersion}): ` +
        `${batch.records} record(s); by basis: ${tally(batch.counts.byBasis)}; refused: ${tally(batch.counts.refused)}\n`,
    );
    ctx.io.out(`wrote ${lines} line(s) to ${path}; the batch is kept until ${batch.deleteAfter}\n`);
  });

  withDatabaseOptions(
    training
      .command('batches')
      .description('list training batches with their counts')
      .option('--json', 'one JSON array'),
  ).action(async (o: DatabaseOptions & { json?: boolean }) => {
    const batches: BatchView[] = await ctx.withContainer(o, (c) => c.training.batches());
    if (o.json) {
      ctx.io.out(JSON.stringify(batches) + '\n');
      return;
    }
    ctx.io.out(
      formatTable(
        batches.map((b) => ({
          batch: b.id,
          status: b.status,
          exportAt: b.exportAt,
          records: String(b.records),
          byBasis: tally(b.counts.byBasis),
          byKind: tally(b.counts.byKind),
          refused: tally(b.counts.refused),
          deleteAfter: b.deleteAfter,
        })),
      ),
    );
  });
}
