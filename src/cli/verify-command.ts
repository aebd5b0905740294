// `snapseal verify`: one archive in this process or on the workers (--workflow), or the whole chain (--chain);
// exit code 4 when a check fails, 7 when it passes with a late time-stamp.
import type { Command } from 'commander';
import { assertArchiveId } from '../archive/archive-date';
import { taskQueuesFor } from '../task-queues';
import type { ChainProblem } from '../verify/verify-chain';
import type { VerifyReport } from '../verify/verify-archive';
import { assuranceOf, describeAssurance } from '../verify/assurance';
import { describeSupersession } from '../verify/check-supersedes';
import { verifyChainWithConfig, verifyWithConfig } from '../verify/verify-with-config';
import { verifyArchiveWorkflow } from '../workflows';
import { configFrom, output, withTemporal, type GlobalOptions } from './cli-context';
import { ExitCode } from './exit-codes';
import { formatBytes } from './format';
import { runWorkflow } from './run-workflow';
import { UsageError } from './usage-error';

const describeChainProblem = (p: ChainProblem): string =>
  `${p.sequence !== undefined ? `#${p.sequence} ` : ''}${p.archiveId ?? ''}: ${p.problem}`;

function describeReport(archiveId: string, report: VerifyReport): string {
  return report.ok
    ? `OK ${archiveId}: signed by ${report.signer}; ${report.volumesChecked} volume(s), ${report.filesChecked} files, ${formatBytes(report.plaintextBytes)} verified; ${report.timestampGenTime ? `time-stamped ${report.timestampGenTime}` : (report.timeEvidence ?? 'no time evidence')}${report.lateStamp ? `\nWARNING ${archiveId}: ${report.lateStamp}` : ''}`
    : `FAILED ${archiveId}:\n${report.problems.map((p) => `  ${[p.volume ? `volume ${p.volume}` : '', p.file ?? ''].filter(Boolean).join(' ')}: ${p.problem}`).join('\n')}`;
}

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify [archive-id]')
    .description(
      'prove an archive authentic and complete: manifest signature, both sha256 of every volume, every file (needs SNAPSEAL_DECRYPTION_KEY_FILE); --chain: check the links of all archives',
    )
    .option(
      '--chain',
      'walk all archives oldest to newest and report the first broken, missing, reordered or replayed link',
    )
    .option(
      '--workflow',
      'run the check as a Temporal workflow on the workers (large or cold archives: thaws first)',
    )
    .action(async (archiveId: string | undefined, opts: { chain?: boolean; workflow?: boolean }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      if (opts.chain) {
        const report = await verifyChainWithConfig(config);
        // What this OK is worth: the evidence in force, and what it cannot show with these settings.
        const assurance = assuranceOf(config);
        output(
          g,
          { ...report, assurance },
          () =>
            `${
              report.ok
                ? `OK chain of ${report.archives} archive(s): every manifest signed and linked to the one before${report.witnessedSequence !== undefined ? `; the witness saw sequence ${report.witnessedSequence}` : ''}${report.supersessions.map((s) => `\n  ${describeSupersession(s)}`).join('')}`
                : `BROKEN chain (${report.archives} authentic manifest(s)); first problem: ${describeChainProblem(report.firstBroken!)}\n${report.problems.map((p) => `  ${describeChainProblem(p)}`).join('\n')}`
            }\n${describeAssurance(assurance)}`,
        );
        if (!report.ok) process.exitCode = ExitCode.Verification;
        return;
      }
      if (!archiveId)
        throw new UsageError('Name the archive to verify (see `snapseal list`), or pass --chain');
      assertArchiveId(archiveId);
      const report = opts.workflow
        ? await withTemporal(config, (client) =>
            runWorkflow(
              client,
              { globals: g, config, doing: 'verifying on the workers' },
              verifyArchiveWorkflow,
              {
                taskQueue: taskQueuesFor(config.temporal.taskQueue).restore,
                workflowId: `${config.temporal.taskQueue}/verify/${archiveId}/${Date.now()}`,
                args: [archiveId],
              },
            ),
          )
        : await verifyWithConfig(config, archiveId);
      output(g, report, () => describeReport(archiveId, report));
      if (!report.ok) process.exitCode = ExitCode.Verification;
      else if (report.lateStamp) process.exitCode = ExitCode.LateStamp;
    });
}
