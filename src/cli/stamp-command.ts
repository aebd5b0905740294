// `snapseal stamp <archive-id>`: obtains the late time-stamp tokens of an archive sealed while the authorities
// were unreachable (src/evidence/late-stamp.ts). An operator runs it once the outage is over; verify then reports
// the archive's time as proven from the tokens' genTime.
import type { Command } from 'commander';
import { assertArchiveId } from '../archive/archive-date';
import { manifestStore } from '../archive/authenticated-manifest';
import { stampLate } from '../evidence/late-stamp';
import { createS3Client } from '../s3/create-s3-client';
import { loadVerifyKeys } from '../verify/verify-with-config';
import { configFrom, output, type GlobalOptions } from './cli-context';

export function registerStampCommand(program: Command): void {
  program
    .command('stamp <archive-id>')
    .description(
      'obtain the time-stamp tokens of an archive sealed while the authorities (SNAPSEAL_TSA_URLS) were unreachable',
    )
    .action(async (archiveId: string) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      assertArchiveId(archiveId);
      const keys = await loadVerifyKeys(config);
      const s3 = createS3Client(config.s3);
      try {
        const outcome = await stampLate(manifestStore(config, s3, keys), config, archiveId);
        output(g, outcome, () =>
          [
            `Stamped ${archiveId} late: its time is proven from the tokens' genTime`,
            ...outcome.tokens.map(
              (t) => `  ${t.key}: ${t.genTime}${t.stored === 'before' ? ' (stored before)' : ''}`,
            ),
          ].join('\n'),
        );
      } finally {
        s3.destroy();
      }
    });
}
