import { Command, CommanderError } from 'commander';
import { DataDirBusyError } from '../db/data-dir-lock.js';
import { AppError } from '../lib/errors.js';
import { CliError } from './io.js';
import { ForwardToServer, type CommandContext } from './context.js';
import { registerMigrateCommand } from './commands/migrate.command.js';
import { registerOrgCommands } from './commands/org.command.js';
import { registerPolicyCommands } from './commands/policy.command.js';
import { registerServeCommand } from './commands/serve.command.js';
import { registerKeysCommands } from './commands/keys.command.js';
import { registerPiiCommands } from './commands/pii.command.js';
import { registerLifecycleCommands } from './commands/lifecycle.command.js';
import { registerTrainingCommands } from './commands/training.command.js';
import { registerWorkerCommand } from './commands/worker.command.js';
import { registerAuditCommands } from './commands/audit.command.js';
import { registerStaffCommands } from './commands/staff.command.js';
import { registerHoldCommands } from './commands/hold.command.js';
import { registerReviewCommands } from './commands/review.command.js';

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command('custos')
    .description('Custos: the privacy and data-lifecycle layer for AI chat products')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .showHelpAfterError(false);
  registerServeCommand(program, ctx);
  registerMigrateCommand(program, ctx);
  registerPolicyCommands(program, ctx);
  registerOrgCommands(program, ctx);
  registerKeysCommands(program, ctx);
  registerPiiCommands(program, ctx);
  registerLifecycleCommands(program, ctx);
  registerTrainingCommands(program, ctx);
  registerWorkerCommand(program, ctx);
  registerAuditCommands(program, ctx);
  registerStaffCommands(program, ctx);
  registerHoldCommands(program, ctx);
  registerReviewCommands(program, ctx);
  return program;
}

/** Runs one command line; returns the exit status. Never exits the process itself. */
export async function runCommand(argv: string[], ctx: CommandContext): Promise<number> {
  try {
    await buildProgram(ctx).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ForwardToServer) throw error;
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      ctx.io.err(`custos: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof AppError || error instanceof DataDirBusyError) {
      ctx.io.err(`custos: ${error.message}\n`);
      return 1;
    }
    ctx.io.err(`custos: ${(error as Error).message.split('\n')[0]} (run with LOG_LEVEL=debug for details)\n`);
    if (ctx.io.env.LOG_LEVEL === 'debug') ctx.io.err(`${(error as Error).stack}\n`);
    return 1;
  }
}
