// restic as the alternative: `restic backup` of the local copy of the staging snapshot (made by the shell
// pipeline's rclone download) into a fresh repository in the same MinIO. restic cannot read S3 objects as
// files, so the local copy is its input; a second figure adds the download to compare staging → archive.
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deletePrefix } from '../src/s3/s3-objects';
import type { StackSettings } from './bench-environment';
import type { Measurement } from './bench-types';
import { diskUsageBytes } from './disk-usage';
import { runMeasured, type MeasuredRun } from './measure-process';
import { environmentWithoutAws } from './rclone-env';

export interface ResticInput {
  s3: S3Client;
  stack: StackSettings;
  bucket: string;
  /** Folder of this run's repository in the bucket. */
  repositoryPath: string;
  localCopyDir: string;
  localCopyBytes: number;
  download: MeasuredRun;
  bytes: number;
  scratchDir: string;
}

export interface ResticResult {
  backup: Measurement;
  withDownload: Measurement;
  repositoryVersion: string;
  /** Removes the repository's objects. */
  remove(): Promise<void>;
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: { name?: string }) => {
    if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
  });
}

export async function runRestic(input: ResticInput): Promise<ResticResult> {
  await ensureBucket(input.s3, input.bucket);
  const cacheDir = join(input.scratchDir, 'restic-cache');
  const env: NodeJS.ProcessEnv = {
    ...environmentWithoutAws(),
    RESTIC_REPOSITORY: `s3:${input.stack.s3.endpoint}/${input.bucket}/${input.repositoryPath}`,
    RESTIC_PASSWORD: 'snapseal-bench-only',
    RESTIC_CACHE_DIR: cacheDir,
    AWS_ACCESS_KEY_ID: input.stack.s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.stack.s3.secretAccessKey,
    AWS_DEFAULT_REGION: input.stack.s3.region,
  };
  const init = spawnSync('restic', ['init'], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`restic init failed: ${init.stderr || init.stdout}`);
  const config = spawnSync('restic', ['cat', 'config'], { env, encoding: 'utf8' });
  const repositoryVersion = /"version":\s*(\d+)/.exec(config.stdout)?.[1] ?? 'unknown';

  // Relative path, run inside the copy: the snapshot's paths do not carry the temporary directory's name.
  const backup = await runMeasured('restic backup', 'restic', ['backup', '--quiet', '.'], {
    env,
    cwd: input.localCopyDir,
    scratchDir: input.scratchDir,
  });
  const cacheBytes = await diskUsageBytes(cacheDir);
  const notes = [
    `fresh repository (format version ${repositoryVersion}, restic's default compression) per bench run`,
    'input: the local copy made by rclone (restic backs up files, not S3 objects)',
  ];
  const backupMeasurement: Measurement = {
    id: 'restic',
    label: 'restic backup (local copy → MinIO)',
    seconds: backup.seconds,
    bytes: input.bytes,
    peakRssBytes: backup.peakRssBytes,
    cpuSeconds: backup.cpuSeconds,
    cpuNote: 'GNU time %U + %S',
    diskBytes: input.localCopyBytes + cacheBytes,
    diskNote: 'the local copy it reads plus its cache',
    stages: [
      {
        name: 'restic backup',
        seconds: backup.seconds,
        peakRssBytes: backup.peakRssBytes,
        cpuSeconds: backup.cpuSeconds,
      },
    ],
    notes,
  };
  return {
    repositoryVersion,
    backup: backupMeasurement,
    withDownload: {
      ...backupMeasurement,
      id: 'restic-with-download',
      label: 'restic incl. rclone download (staging → local → MinIO)',
      seconds: input.download.seconds + backup.seconds,
      peakRssBytes: Math.max(input.download.peakRssBytes, backup.peakRssBytes),
      cpuSeconds: input.download.cpuSeconds + backup.cpuSeconds,
      cpuNote: 'GNU time %U + %S of the download and the backup',
      stages: [
        {
          name: input.download.name,
          seconds: input.download.seconds,
          peakRssBytes: input.download.peakRssBytes,
          cpuSeconds: input.download.cpuSeconds,
        },
        {
          name: 'restic backup',
          seconds: backup.seconds,
          peakRssBytes: backup.peakRssBytes,
          cpuSeconds: backup.cpuSeconds,
        },
      ],
    },
    remove: async () => {
      await deletePrefix(input.s3, input.bucket, `${input.repositoryPath}/`);
    },
  };
}
