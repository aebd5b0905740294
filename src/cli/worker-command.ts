// `snapseal worker`: a worker in the foreground, exactly as `node dist/worker.js` runs it.
import type { Command } from 'commander';
import type { GlobalOptions } from './cli-context';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a worker in the foreground (same as node dist/worker.js)')
    .action(async () => {
      const g = program.opts<GlobalOptions>();
      // The worker reads its settings itself, from the same file.
      if (g.settingsFile) process.env.SNAPSEAL_ENV_FILE = g.settingsFile;
      await import('../worker');
    });
}
