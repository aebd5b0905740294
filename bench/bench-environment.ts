// Where the bench runs: the local stack's settings (.stack/env) and the names of everything the bench owns.
// Every name starts with "bench-", so the bench never touches the buckets, indices or queues of other work.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, withEnvFile, type Config } from '../src/config';

export const REPO_ROOT = resolve(__dirname, '..', '..');

export interface BenchNames {
  /** Short tag of the data size, part of the index, repository and snapshot names (e.g. "1g", "0p2g"). */
  tag: string;
  /** The generated log indices: <indexPrefix><kind>. */
  indexPrefix: string;
  indexPattern: string;
  stagingBucket: string;
  archiveBucket: string;
  resticBucket: string;
  /** Repository (on the cluster) and base path (in the staging bucket) of the reusable bench snapshot. */
  repository: string;
  snapshot: string;
  snapshotBasePath: string;
}

export function benchNames(sizeGb: number): BenchNames {
  const tag = `${String(sizeGb).replace('.', 'p')}g`;
  return {
    tag,
    indexPrefix: `bench-${tag}-`,
    indexPattern: `bench-${tag}-*`,
    stagingBucket: 'bench-staging',
    archiveBucket: 'bench-archive',
    resticBucket: 'bench-restic',
    repository: `bench-${tag}`,
    snapshot: `bench-${tag}`,
    snapshotBasePath: `bench-snapshots/${tag}`,
  };
}

/**
 * The bench measures archiving throughput as it did before the secure defaults: no witness, no Object Lock
 * retention (bench runs are removed version by version, remove-object-versions.ts), no time-stamp authority
 * (the local stack's .stack/env names one). Each is one small request per seal; the explicit opt-outs keep the
 * results comparable with earlier ones.
 */
export const BENCH_EVIDENCE_OPT_OUTS = {
  SNAPSEAL_WITNESS_BUCKET: 'none',
  SNAPSEAL_OBJECT_LOCK_DAYS: '0',
  SNAPSEAL_TSA_URL: '',
  SNAPSEAL_TSA_CA_FILE: '',
} as const;

export interface StackSettings {
  file: string;
  /** KEY=value settings of the stack, without the caller's environment. */
  env: Record<string, string>;
  /** snapseal's configuration for the bench buckets (used by the bench process itself). */
  config: Config;
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
}

export function readStackSettings(names: BenchNames): StackSettings {
  const file = process.env.SNAPSEAL_ENV_FILE ?? join(REPO_ROOT, '.stack', 'env');
  if (!existsSync(file)) {
    throw new Error(
      `The bench runs on the local stack, and its settings (${file}) are missing: run 'bash scripts/stack.sh up' first (npm run bench does).`,
    );
  }
  const env = withEnvFile(file, {}) as Record<string, string>;
  const required = ['SNAPSEAL_S3_ENDPOINT', 'SNAPSEAL_S3_ACCESS_KEY_ID', 'SNAPSEAL_S3_SECRET_ACCESS_KEY'];
  const missing = required.filter((k) => !env[k]);
  if (missing.length > 0)
    throw new Error(`${file} lacks ${missing.join(', ')}: is it the local stack's env file?`);
  const config = loadConfig({
    ...env,
    ...BENCH_EVIDENCE_OPT_OUTS,
    SNAPSEAL_STAGING_BUCKET: names.stagingBucket,
    SNAPSEAL_ARCHIVE_BUCKET: names.archiveBucket,
    SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
  });
  return {
    file,
    env,
    config,
    s3: {
      endpoint: env.SNAPSEAL_S3_ENDPOINT as string,
      region: env.SNAPSEAL_S3_REGION ?? 'us-east-1',
      accessKeyId: env.SNAPSEAL_S3_ACCESS_KEY_ID as string,
      secretAccessKey: env.SNAPSEAL_S3_SECRET_ACCESS_KEY as string,
    },
  };
}
