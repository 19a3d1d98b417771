import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * `npm run bench -- <name> [args]`: runs bench/<name>.ts or bench/<name>/run.ts. Each benchmark
 * exports `run(args: string[])`, prints a table and one JSON line, and writes bench/results/<name>.json.
 */
const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
const candidates = name ? [join(here, `${name}.ts`), join(here, name, 'run.ts')] : [];
const file = candidates.find((c) => existsSync(c));
if (!name || !file || name === 'run') {
  console.error(`usage: npm run bench -- <name> [args]; names: ingest, sweep, shred, audit, pii`);
  process.exit(2);
}
const module = (await import(pathToFileURL(file).href)) as { run?: (args: string[]) => Promise<void> };
if (typeof module.run !== 'function') {
  console.error(`bench/${name} does not export run(args)`);
  process.exit(2);
}
await module.run(args);
