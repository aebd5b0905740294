// `snapseal list`: the newest archives from the archive bucket, plus the runs in progress when Temporal answers.
import type { Command } from 'commander';
import { configFrom, output, withS3AndTemporalIfReachable, type GlobalOptions } from './cli-context';
import { formatBytes } from './format';
import { listArchives, type ArchiveList } from './list-archives';
import { UsageError } from './usage-error';

function describeList({ rows, totalArchives }: ArchiveList): string {
  if (rows.length === 0) return 'no archives yet';
  const sealedShown = rows.filter((r) => r.sequence !== undefined).length;
  return [
    ...rows.map(
      (r) =>
        `${r.status.padEnd(10)} ${r.sequence !== undefined ? `#${r.sequence}`.padEnd(5) : '     '} ${r.id}  date ${r.date}  ${r.volumes} volume(s)  ${formatBytes(r.bytes)}  ${r.indices.join(',')}${r.supersedes ? `  supersedes ${r.supersedes}` : ''}${r.supersededBy ? `  superseded by ${r.supersededBy}` : ''}${r.problem ? `\n           ${r.problem}` : ''}`,
    ),
    ...(sealedShown < totalArchives
      ? [`(the ${sealedShown} newest of ${totalArchives} archives by day; --limit 0 shows all)`]
      : []),
  ].join('\n');
}

export function registerListCommand(program: Command): void {
  program
    .command('list')
    .description('list archives by day (oldest first) with their sequence in the chain, and runs in progress')
    .option('--limit <n>', 'show the n archives of the newest days (0: all)', '20')
    .action(async (opts: { limit: string }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 0)
        throw new UsageError(`--limit must be a whole number of archives (0: all), not "${opts.limit}"`);
      // Temporal only adds the runs in progress: without it, the sealed archives are still listed.
      const list = await withS3AndTemporalIfReachable(config, (s3, temporal) =>
        listArchives(s3, temporal, config, limit),
      );
      output(g, list.rows, () => describeList(list));
    });
}
