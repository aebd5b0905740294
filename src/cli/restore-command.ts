// `snapseal restore`: the restore workflow on the workers, the input checked here first (before Temporal).
import type { Command } from 'commander';
import { checkRestoreInput } from '../restore/restore-input';
import type { RestoreRequest } from '../restore/restore-types';
import { taskQueuesFor } from '../task-queues';
import { restoreArchive } from '../workflows';
import { configFrom, output, withTemporal, type GlobalOptions } from './cli-context';
import { runWorkflow } from './run-workflow';

export function registerRestoreCommand(program: Command): void {
  program
    .command('restore <archive-id>')
    .description(
      'verify an archive while unpacking it into staging, restore its indices under new names, compare document counts',
    )
    .option('--indices <names>', 'comma-separated index names to restore (default: all in the archive)')
    .option('--rename-prefix <prefix>', 'restored indices are named <prefix><original>', 'restored-')
    .action(async (archiveId: string, opts: { indices?: string; renamePrefix: string }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      checkRestoreInput({ archiveId, renamePrefix: opts.renamePrefix });
      const request: RestoreRequest = {
        archiveId,
        indices: opts.indices
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        renamePrefix: opts.renamePrefix,
      };
      const result = await withTemporal(config, (client) =>
        runWorkflow(client, { globals: g, config, doing: `restoring ${archiveId}` }, restoreArchive, {
          taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
          // One restore per archive and prefix: asking again while it runs is refused, not doubled.
          workflowId: `${config.temporal.taskQueue}/restore/${archiveId}/${opts.renamePrefix}`,
          args: [request],
        }),
      );
      output(g, result, () =>
        [
          `restored ${archiveId}:`,
          ...result.indices.map((i) => `  ${i.restoredAs}: ${i.actual} documents (manifest: ${i.expected})`),
        ].join('\n'),
      );
    });
}
