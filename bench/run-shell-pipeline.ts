// The original shell pipeline snapseal replaces: rclone copy of the staging snapshot to local disk → tar -cf →
// sha256sum → gpg --encrypt (the same recipient key, no compression, AES-256 as snapseal) → rclone copy of the
// .gpg to the archive bucket. Each stage is one command run under GNU time; temporary files stay until the end,
// as the script did, so the peak disk use is the sum of the copy, the tar and the .gpg.
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchSnapshot } from './bench-snapshot';
import type { Measurement } from './bench-types';
import { diskUsageBytes } from './disk-usage';
import { runMeasured, type MeasuredRun } from './measure-process';
import { RCLONE_REMOTE } from './rclone-env';

export interface ShellPipelineInput {
  snapshot: BenchSnapshot;
  /** Empty directory for the local files; the snapshot copy is left in <workDir>/snapshot for restic. */
  workDir: string;
  scratchDir: string;
  rcloneEnv: NodeJS.ProcessEnv;
  recipientPublicKeyFile: string;
  archiveBucket: string;
  archiveKey: string;
}

export interface ShellPipelineResult {
  measurement: Measurement;
  localCopyDir: string;
  download: MeasuredRun;
  localCopyBytes: number;
  /** The GnuPG home with the recipient's key, for the piped pipeline. */
  gnupgHome: string;
  recipient: string;
}

/** A throwaway GnuPG home with the recipient's public key; returns the key's fingerprint. */
export function prepareGnupg(home: string, publicKeyFile: string): string {
  const gpg = (args: string[]): string => {
    const run = spawnSync('gpg', ['--homedir', home, '--batch', ...args], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`gpg ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };
  gpg(['--import', publicKeyFile]);
  const fpr = gpg(['--with-colons', '--list-keys'])
    .split('\n')
    .find((l) => l.startsWith('fpr:'))
    ?.split(':')[9];
  if (!fpr) throw new Error(`gpg imported no key from ${publicKeyFile}`);
  return fpr;
}

/** gpg's options for the archive: no compression, AES-256, the recipient trusted as given. */
export function gpgEncryptArgs(home: string, recipient: string): string[] {
  return [
    '--homedir',
    home,
    '--batch',
    '--yes',
    '--trust-model',
    'always',
    '-z',
    '0',
    '--cipher-algo',
    'AES256',
    '--recipient',
    recipient,
  ];
}

export async function runShellPipeline(input: ShellPipelineInput): Promise<ShellPipelineResult> {
  const { snapshot, workDir } = input;
  const copy = join(workDir, 'snapshot');
  const tarFile = join(workDir, 'snapshot.tar');
  const gpgFile = `${tarFile}.gpg`;
  const gnupgHome = join(input.scratchDir, 'gnupg');
  await mkdir(copy, { recursive: true });
  await mkdir(gnupgHome, { recursive: true, mode: 0o700 });
  const recipient = prepareGnupg(gnupgHome, input.recipientPublicKeyFile);
  const opts = { scratchDir: input.scratchDir, env: input.rcloneEnv };

  const stages: MeasuredRun[] = [];
  let peakDisk = 0;
  const stage = async (run: Promise<MeasuredRun>): Promise<MeasuredRun> => {
    const done = await run;
    stages.push(done);
    peakDisk = Math.max(peakDisk, await diskUsageBytes(workDir));
    return done;
  };

  const download = await stage(
    runMeasured(
      'rclone copy (download)',
      'rclone',
      ['copy', '-q', `${RCLONE_REMOTE}:${snapshot.bucket}/${snapshot.prefix}`, copy],
      opts,
    ),
  );
  const localCopyBytes = await diskUsageBytes(copy);
  await stage(runMeasured('tar -cf', 'tar', ['-cf', tarFile, '-C', copy, '.'], opts));
  await stage(runMeasured('sha256sum', 'sha256sum', [tarFile], { ...opts, stdoutFile: `${tarFile}.sha256` }));
  await stage(
    runMeasured(
      'gpg --encrypt',
      'gpg',
      [...gpgEncryptArgs(gnupgHome, recipient), '--output', gpgFile, '--encrypt', tarFile],
      opts,
    ),
  );
  await stage(
    runMeasured(
      'rclone copy (upload)',
      'rclone',
      ['copyto', '-q', gpgFile, `${RCLONE_REMOTE}:${input.archiveBucket}/${input.archiveKey}`],
      opts,
    ),
  );

  const seconds = stages.reduce((sum, s) => sum + s.seconds, 0);
  const cpuSeconds = stages.reduce((sum, s) => sum + s.cpuSeconds, 0);
  return {
    localCopyDir: copy,
    download,
    gnupgHome,
    recipient,
    localCopyBytes,
    measurement: {
      id: 'shell',
      label: 'shell pipeline (rclone → tar → sha256sum → gpg → rclone)',
      seconds,
      bytes: snapshot.bytes,
      peakRssBytes: Math.max(...stages.map((s) => s.peakRssBytes)),
      cpuSeconds,
      cpuNote: 'GNU time %U + %S of each stage, summed',
      diskBytes: peakDisk,
      diskNote: 'peak bytes in the temporary directory (copy + tar + gpg)',
      stages: stages.map((s) => ({
        name: s.name,
        seconds: s.seconds,
        peakRssBytes: s.peakRssBytes,
        cpuSeconds: s.cpuSeconds,
      })),
      notes: [
        'stages run one after the other, each timed; wall time is their sum',
        'gpg -z 0 --cipher-algo AES256 --trust-model always, recipient: the demo security-team key',
        'rclone with its default settings (4 transfers; 5 MiB multipart chunks)',
      ],
    },
  };
}
