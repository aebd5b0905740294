// The strongest shell form of the pipeline snapseal replaces: the local copy (the same rclone download the
// sequential pipeline measured: tar reads files, and neither tar nor rclone can make a tar of S3 objects
// without them), then one pipe, `tar -cf - | tee fifo | gpg | tee fifo | rclone rcat`, with sha256sum of the
// tar and of the .gpg reading the two fifos (what `tee >(sha256sum)` does, but waited for, so GNU time counts
// their CPU). Nothing but the copy touches local disk; all stages run at once on every core.
import { join } from 'node:path';
import type { Measurement } from './bench-types';
import { runMeasured, type MeasuredRun } from './measure-process';
import { RCLONE_REMOTE } from './rclone-env';
import { gpgEncryptArgs } from './run-shell-pipeline';

export interface PipedShellPipelineInput {
  /** The local copy of the staging snapshot, and how it was made (its time and CPU count here). */
  localCopyDir: string;
  download: MeasuredRun;
  bytes: number;
  workDir: string;
  scratchDir: string;
  gnupgHome: string;
  recipient: string;
  rcloneEnv: NodeJS.ProcessEnv;
  archiveBucket: string;
  archiveKey: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

export function pipedScript(input: PipedShellPipelineInput): string {
  const tarFifo = join(input.workDir, 'tar.fifo');
  const gpgFifo = join(input.workDir, 'gpg.fifo');
  const gpg = gpgEncryptArgs(input.gnupgHome, input.recipient).map(quote).join(' ');
  return [
    'set -euo pipefail',
    `mkfifo ${quote(tarFifo)} ${quote(gpgFifo)}`,
    `sha256sum <${quote(tarFifo)} >${quote(join(input.workDir, 'tar.sha256'))} &`,
    `sha256sum <${quote(gpgFifo)} >${quote(join(input.workDir, 'gpg.sha256'))} &`,
    `tar -cf - -C ${quote(input.localCopyDir)} . | tee ${quote(tarFifo)} | gpg ${gpg} --encrypt |` +
      ` tee ${quote(gpgFifo)} | rclone rcat -q ${quote(`${RCLONE_REMOTE}:${input.archiveBucket}/${input.archiveKey}`)}`,
    'wait',
  ].join('\n');
}

export async function runPipedShellPipeline(input: PipedShellPipelineInput): Promise<Measurement> {
  const piped = await runMeasured(
    'tar | tee(sha256sum) | gpg | tee(sha256sum) | rclone rcat',
    'bash',
    ['-c', pipedScript(input)],
    {
      scratchDir: input.scratchDir,
      env: input.rcloneEnv,
    },
  );
  const { download } = input;
  return {
    id: 'shell-piped',
    label: 'piped shell pipeline (rclone copy, then tar | sha256sum | gpg | sha256sum | rclone rcat)',
    seconds: download.seconds + piped.seconds,
    bytes: input.bytes,
    peakRssBytes: Math.max(download.peakRssBytes, piped.peakRssBytes),
    cpuSeconds: download.cpuSeconds + piped.cpuSeconds,
    cpuNote: 'GNU time %U + %S: the download, plus the bash pipeline and every process it waited for',
    diskNote: 'the local copy only (the sequential pipeline made it)',
    stages: [
      {
        name: `${download.name} (the sequential pipeline's)`,
        seconds: download.seconds,
        peakRssBytes: download.peakRssBytes,
        cpuSeconds: download.cpuSeconds,
      },
      {
        name: piped.name,
        seconds: piped.seconds,
        peakRssBytes: piped.peakRssBytes,
        cpuSeconds: piped.cpuSeconds,
      },
    ],
    notes: [
      "the download is the sequential pipeline's rclone copy (measured once, counted in both)",
      'the pipe runs all its stages at once; sha256sum of the tar and of the .gpg read fifos fed by tee',
      'peak RSS: the largest single process (GNU time %M of the pipeline)',
    ],
  };
}
