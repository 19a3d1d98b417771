import { sendToAdminChannel } from './admin-channel.js';
import { ForwardToServer, standaloneContext } from './context.js';
import { processIO } from './io.js';
import { runCommand } from './program.js';

/** The `custos` executable: runs a command here, or in the server that owns the data dir. */
async function main(argv: string[]): Promise<number> {
  const io = processIO();
  try {
    return await runCommand(argv, standaloneContext(io));
  } catch (error) {
    if (!(error instanceof ForwardToServer)) throw error;
    const { owner } = error;
    if (!owner.adminSocket) {
      io.err(`custos: the data directory is in use by another Custos process (pid ${owner.pid}) that has no admin channel; stop it first\n`);
      return 1;
    }
    try {
      const response = await sendToAdminChannel(owner.adminSocket, argv, io.cwd);
      io.out(response.stdout);
      io.err(response.stderr);
      return response.exitCode;
    } catch (forwardError) {
      io.err(`custos: the server owning the data directory (pid ${owner.pid}) did not answer on its admin channel: ${(forwardError as Error).message}\n`);
      return 1;
    }
  }
}

process.exitCode = await main(process.argv.slice(2));
