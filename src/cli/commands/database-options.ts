import type { Command } from 'commander';

/** Every command that touches the database takes the same options as `custos serve`. */
export function withDatabaseOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'embedded database directory (default ./.custos; ignored when DATABASE_URL is set)')
    .option('--policy <file>', 'policy file (default policy/default.yaml)');
}
