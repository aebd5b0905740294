// The one validated configuration of snapseal, read from the environment. An invalid setting stops start-up
// with the variable's name, what is wrong and an example; every variable is listed in the README.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { Secret } from './secret';

const text = z.string().trim();
const nonEmpty = text.min(1, 'must not be empty');
const bool = z.enum(['true', 'false'], { message: 'expected true or false' }).transform((v) => v === 'true');
const positiveInt = z
  .string()
  .regex(/^\d+$/, 'expected a whole number such as 4')
  .transform(Number)
  .refine((n) => n > 0, 'must be greater than 0');
const url = z.union([z.literal(''), z.url({ message: 'expected a URL such as http://127.0.0.1:9000' })]);
const hostPort = z.string().regex(/^[^\s:/]+:\d+$/, 'expected host:port such as 127.0.0.1:7233');
const bucket = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    'expected an S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)',
  );
const keyPrefix = z
  .string()
  .regex(/^([A-Za-z0-9._-]+\/)*$/, 'expected a key prefix ending in "/" such as archives/ (or empty)');
const fileList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const MIB = 1024 * 1024;
// S3 multipart uploads have at most this many parts.
const S3_MAX_PARTS = 10_000;
const mebibytes = positiveInt.transform((n) => n * MIB);

/** Every environment variable snapseal reads: its schema, default and a one-line meaning (for README and errors). */
export const SETTINGS = {
  TEMPORAL_ADDRESS: { schema: hostPort, default: '127.0.0.1:7233', about: 'Temporal frontend host:port' },
  TEMPORAL_NAMESPACE: { schema: nonEmpty, default: 'default', about: 'Temporal namespace' },
  SNAPSEAL_TASK_QUEUE: { schema: nonEmpty, default: 'snapseal', about: 'task queue the worker polls' },
  SNAPSEAL_TEMPORAL_UI_URL: {
    schema: url,
    default: 'http://127.0.0.1:8233',
    about: 'Temporal Web UI, for links',
  },

  SNAPSEAL_S3_ENDPOINT: { schema: url, default: '', about: 'S3 endpoint URL; empty for AWS S3' },
  SNAPSEAL_S3_REGION: { schema: nonEmpty, default: 'us-east-1', about: 'S3 region' },
  SNAPSEAL_S3_FORCE_PATH_STYLE: { schema: bool, default: 'false', about: 'path-style URLs (MinIO: true)' },
  SNAPSEAL_S3_ACCESS_KEY_ID: {
    schema: text,
    default: '',
    about: 'access key id; empty: AWS default credential chain',
  },
  SNAPSEAL_S3_SECRET_ACCESS_KEY: { schema: text, default: '', about: 'secret access key', secret: true },
  SNAPSEAL_STAGING_BUCKET: {
    schema: bucket,
    default: 'snapseal-staging',
    about: 'bucket the cluster snapshots into',
  },
  SNAPSEAL_STAGING_PREFIX: {
    schema: keyPrefix,
    default: 'staging/',
    about: 'prefix of per-run staging folders',
  },
  SNAPSEAL_ARCHIVE_BUCKET: {
    schema: bucket,
    default: 'snapseal-archive',
    about: 'bucket sealed archives go to',
  },
  SNAPSEAL_ARCHIVE_PREFIX: { schema: keyPrefix, default: 'archives/', about: 'prefix of archives in it' },
  SNAPSEAL_PART_SIZE_MIB: {
    schema: mebibytes,
    default: '16',
    about:
      'multipart part size (S3 allows 10,000 parts: 16 MiB allows 156 GiB volumes); memory per volume stream is about (queue size + 1) parts',
  },
  SNAPSEAL_UPLOAD_QUEUE_SIZE: {
    schema: positiveInt,
    default: '2',
    about: 'parts uploaded in parallel per volume',
  },

  SNAPSEAL_OPENSEARCH_URL: { schema: url, default: 'http://127.0.0.1:9200', about: 'cluster URL' },
  SNAPSEAL_OPENSEARCH_USERNAME: { schema: text, default: '', about: 'basic-auth user; empty for none' },
  SNAPSEAL_OPENSEARCH_PASSWORD: { schema: text, default: '', about: 'basic-auth password', secret: true },
  SNAPSEAL_OPENSEARCH_AWS_SIGV4: {
    schema: z.enum(['', 'es', 'aoss']),
    default: '',
    about: 'sign requests with AWS SigV4 for this service (Amazon OpenSearch Service: es)',
  },
  SNAPSEAL_REPOSITORY_S3_CLIENT: {
    schema: nonEmpty,
    default: 'default',
    about: "the cluster's s3.client.<name> used by the staging repository",
  },
  SNAPSEAL_REPOSITORY_ROLE_ARN: {
    schema: text,
    default: '',
    about: 'role_arn for the staging repository (Amazon OpenSearch Service)',
  },
  SNAPSEAL_REPOSITORY_SSE_BUCKET_DEFAULT: {
    schema: z.enum(['auto', 'true', 'false'], { message: 'expected auto, true or false' }),
    default: 'auto',
    about:
      'set server_side_encryption_type: bucket_default on the staging repository (auto: on OpenSearch 3.x)',
  },

  SNAPSEAL_INDEX_TEMPLATE: {
    schema: nonEmpty,
    default: 'logdata-{DD}{MM}{YYYY}',
    about: 'indices to archive for a date; {YYYY} {MM} {DD} are replaced',
  },
  SNAPSEAL_MAX_VOLUME_MIB: {
    schema: mebibytes,
    default: '1024',
    about: 'largest volume (plaintext tar) before a new one starts',
  },
  SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES: {
    schema: positiveInt,
    default: '360',
    about: 'how long a snapshot may take before the run fails',
  },
  SNAPSEAL_VOLUME_CONCURRENCY: {
    schema: positiveInt,
    default: '2',
    about: 'volumes of one archive streamed at once',
  },
  SNAPSEAL_OBJECT_LOCK_DAYS: {
    schema: z.union([z.literal('0'), positiveInt]).transform(Number),
    default: '0',
    about: 'Object Lock retention in days on sealed objects (0: bucket default or none)',
  },
  SNAPSEAL_COLD_AFTER_DAYS: {
    schema: z.union([z.literal('0'), positiveInt]).transform(Number),
    default: '30',
    about: 'lifecycle: days before archive objects move to cold storage (0: never)',
  },
  SNAPSEAL_COLD_STORAGE_CLASS: {
    schema: z.enum(['GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR']),
    default: 'DEEP_ARCHIVE',
    about: 'lifecycle: the cold storage class',
  },
  SNAPSEAL_LIFECYCLE_TRANSITIONS: {
    schema: bool,
    default: 'true',
    about: 'lifecycle: write the transition rule (false for MinIO without a remote tier)',
  },
  SNAPSEAL_RETENTION_DAYS: {
    schema: z.union([z.literal('0'), positiveInt]).transform(Number),
    default: '2557',
    about: 'lifecycle: days before archive objects expire (0: never; 2557 is 7 years)',
  },
  SNAPSEAL_RECIPIENT_KEY_FILES: {
    schema: fileList,
    default: '',
    about: 'armored OpenPGP public keys to encrypt for, comma-separated',
  },
  SNAPSEAL_SIGNING_KEY_FILE: {
    schema: text,
    default: '',
    about: 'armored OpenPGP private key that signs manifests',
  },
  SNAPSEAL_SIGNING_KEY_PASSPHRASE: {
    schema: text,
    default: '',
    about: 'its passphrase, if any',
    secret: true,
  },
  SNAPSEAL_DECRYPTION_KEY_FILE: {
    schema: text,
    default: '',
    about:
      'armored private key of a recipient, for verify and restore (never needed by the archiving worker)',
  },
  SNAPSEAL_DECRYPTION_KEY_PASSPHRASE: {
    schema: text,
    default: '',
    about: 'its passphrase, if any',
    secret: true,
  },
  SNAPSEAL_VERIFY_KEY_FILES: {
    schema: fileList,
    default: '',
    about: 'archiver public keys accepted when verifying; default: the signing key',
  },

  SNAPSEAL_TSA_URL: {
    schema: url,
    default: '',
    about: 'RFC 3161 time-stamp authority that stamps each manifest; empty: no time-stamp',
  },
  SNAPSEAL_TSA_CA_FILE: {
    schema: text,
    default: '',
    about: 'PEM CA certificate(s) the time-stamp signer must chain to, for verify',
  },
  SNAPSEAL_TSA_TOLERANCE_SECONDS: {
    schema: positiveInt,
    default: '86400',
    about: 'verify: how far a manifest createdAt may lie from its time-stamp before it counts as back-dated',
  },

  SNAPSEAL_SCHEDULE_ID: { schema: nonEmpty, default: 'snapseal-daily', about: 'id of the daily Schedule' },
  SNAPSEAL_SCHEDULE_CRON: {
    schema: nonEmpty,
    default: '30 1 * * *',
    about: 'when the daily run starts (cron, 5 fields)',
  },
  SNAPSEAL_SCHEDULE_TIMEZONE: {
    schema: nonEmpty,
    default: 'UTC',
    about: 'time zone of the cron and of "yesterday"',
  },

  SNAPSEAL_WORKER_MAX_ACTIVITIES: {
    schema: positiveInt,
    default: '4',
    about: 'activities one worker runs at once',
  },
  SNAPSEAL_WORKER_MAX_WORKFLOW_TASKS: {
    schema: positiveInt,
    default: '10',
    about: 'workflow tasks one worker runs at once',
  },
  SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS: {
    schema: positiveInt,
    default: '30',
    about: 'on SIGTERM, how long running activities may finish',
  },
} as const satisfies Record<string, { schema: z.ZodType; default: string; about: string; secret?: boolean }>;

type Settings = typeof SETTINGS;
type Values = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse every setting; collect all problems so one run shows them all. */
export function readSettings(env: NodeJS.ProcessEnv = process.env): Values {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(SETTINGS) as [keyof Settings, Settings[keyof Settings]][]) {
    const raw = env[name] ?? spec.default;
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      const shown = 'secret' in spec && spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${name}=${shown}: ${parsed.error.issues[0]?.message ?? 'invalid'} (${spec.about})`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return values as Values;
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
}

export interface S3Config {
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: Secret };
}

export interface Config {
  temporal: TemporalConfig;
  s3: S3Config;
  staging: { bucket: string; prefix: string };
  archive: {
    bucket: string;
    prefix: string;
    partSizeBytes: number;
    uploadQueueSize: number;
    maxVolumeBytes: number;
    volumeConcurrency: number;
    snapshotTimeoutMinutes: number;
    objectLockDays: number;
    indexTemplate: string;
    lifecycle: {
      coldAfterDays: number;
      coldStorageClass: 'GLACIER' | 'DEEP_ARCHIVE' | 'GLACIER_IR';
      transitions: boolean;
      retentionDays: number;
    };
  };
  opensearch: {
    url: string;
    username?: string;
    password?: Secret;
    awsSigv4Service?: 'es' | 'aoss';
    repositoryClient: string;
    repositoryRoleArn?: string;
    sseBucketDefault: 'auto' | 'true' | 'false';
  };
  keys: {
    recipientKeyFiles: string[];
    signingKeyFile?: string;
    signingKeyPassphrase?: Secret;
    verifyKeyFiles: string[];
    decryptionKeyFile?: string;
    decryptionKeyPassphrase?: Secret;
  };
  evidence: { tsaUrl?: string; tsaCaFile?: string; toleranceSeconds: number };
  schedule: { id: string; cron: string; timeZone: string };
  worker: { maxActivities: number; maxWorkflowTasks: number; shutdownGraceSeconds: number };
}

const orUndefined = (v: string): string | undefined => (v === '' ? undefined : v);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const s = readSettings(env);
  if ((s.SNAPSEAL_S3_ACCESS_KEY_ID === '') !== (s.SNAPSEAL_S3_SECRET_ACCESS_KEY === '')) {
    throw new ConfigError(
      'Invalid configuration:\n  SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS default credential chain',
    );
  }
  if (s.SNAPSEAL_MAX_VOLUME_MIB > s.SNAPSEAL_PART_SIZE_MIB * S3_MAX_PARTS) {
    throw new ConfigError(
      `Invalid configuration:\n  SNAPSEAL_MAX_VOLUME_MIB (${s.SNAPSEAL_MAX_VOLUME_MIB / MIB} MiB) does not fit in ${S3_MAX_PARTS} parts of SNAPSEAL_PART_SIZE_MIB (${s.SNAPSEAL_PART_SIZE_MIB / MIB} MiB): raise the part size to at least ${Math.ceil(s.SNAPSEAL_MAX_VOLUME_MIB / S3_MAX_PARTS / MIB)} MiB or lower the volume size`,
    );
  }
  return {
    temporal: {
      address: s.TEMPORAL_ADDRESS,
      namespace: s.TEMPORAL_NAMESPACE,
      taskQueue: s.SNAPSEAL_TASK_QUEUE,
      uiUrl: s.SNAPSEAL_TEMPORAL_UI_URL.replace(/\/$/, ''),
    },
    s3: {
      endpoint: orUndefined(s.SNAPSEAL_S3_ENDPOINT),
      region: s.SNAPSEAL_S3_REGION,
      forcePathStyle: s.SNAPSEAL_S3_FORCE_PATH_STYLE,
      credentials:
        s.SNAPSEAL_S3_ACCESS_KEY_ID === ''
          ? undefined
          : {
              accessKeyId: s.SNAPSEAL_S3_ACCESS_KEY_ID,
              secretAccessKey: new Secret(s.SNAPSEAL_S3_SECRET_ACCESS_KEY),
            },
    },
    staging: { bucket: s.SNAPSEAL_STAGING_BUCKET, prefix: s.SNAPSEAL_STAGING_PREFIX },
    archive: {
      bucket: s.SNAPSEAL_ARCHIVE_BUCKET,
      prefix: s.SNAPSEAL_ARCHIVE_PREFIX,
      partSizeBytes: s.SNAPSEAL_PART_SIZE_MIB,
      uploadQueueSize: s.SNAPSEAL_UPLOAD_QUEUE_SIZE,
      maxVolumeBytes: s.SNAPSEAL_MAX_VOLUME_MIB,
      volumeConcurrency: s.SNAPSEAL_VOLUME_CONCURRENCY,
      snapshotTimeoutMinutes: s.SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES,
      objectLockDays: s.SNAPSEAL_OBJECT_LOCK_DAYS,
      indexTemplate: s.SNAPSEAL_INDEX_TEMPLATE,
      lifecycle: {
        coldAfterDays: s.SNAPSEAL_COLD_AFTER_DAYS,
        coldStorageClass: s.SNAPSEAL_COLD_STORAGE_CLASS,
        transitions: s.SNAPSEAL_LIFECYCLE_TRANSITIONS,
        retentionDays: s.SNAPSEAL_RETENTION_DAYS,
      },
    },
    opensearch: {
      url: s.SNAPSEAL_OPENSEARCH_URL,
      username: orUndefined(s.SNAPSEAL_OPENSEARCH_USERNAME),
      password:
        s.SNAPSEAL_OPENSEARCH_PASSWORD === '' ? undefined : new Secret(s.SNAPSEAL_OPENSEARCH_PASSWORD),
      awsSigv4Service: s.SNAPSEAL_OPENSEARCH_AWS_SIGV4 === '' ? undefined : s.SNAPSEAL_OPENSEARCH_AWS_SIGV4,
      repositoryClient: s.SNAPSEAL_REPOSITORY_S3_CLIENT,
      repositoryRoleArn: orUndefined(s.SNAPSEAL_REPOSITORY_ROLE_ARN),
      sseBucketDefault: s.SNAPSEAL_REPOSITORY_SSE_BUCKET_DEFAULT,
    },
    keys: {
      recipientKeyFiles: s.SNAPSEAL_RECIPIENT_KEY_FILES,
      signingKeyFile: orUndefined(s.SNAPSEAL_SIGNING_KEY_FILE),
      signingKeyPassphrase:
        s.SNAPSEAL_SIGNING_KEY_PASSPHRASE === '' ? undefined : new Secret(s.SNAPSEAL_SIGNING_KEY_PASSPHRASE),
      verifyKeyFiles: s.SNAPSEAL_VERIFY_KEY_FILES,
      decryptionKeyFile: orUndefined(s.SNAPSEAL_DECRYPTION_KEY_FILE),
      decryptionKeyPassphrase:
        s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE === ''
          ? undefined
          : new Secret(s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE),
    },
    evidence: {
      tsaUrl: orUndefined(s.SNAPSEAL_TSA_URL),
      tsaCaFile: orUndefined(s.SNAPSEAL_TSA_CA_FILE),
      toleranceSeconds: s.SNAPSEAL_TSA_TOLERANCE_SECONDS,
    },
    schedule: {
      id: s.SNAPSEAL_SCHEDULE_ID,
      cron: s.SNAPSEAL_SCHEDULE_CRON,
      timeZone: s.SNAPSEAL_SCHEDULE_TIMEZONE,
    },
    worker: {
      maxActivities: s.SNAPSEAL_WORKER_MAX_ACTIVITIES,
      maxWorkflowTasks: s.SNAPSEAL_WORKER_MAX_WORKFLOW_TASKS,
      shutdownGraceSeconds: s.SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS,
    },
  };
}

/**
 * Read KEY=VALUE lines (as written by scripts/stack.sh to .stack/env) into an env object; variables already set
 * in `base` win, so a user can override one setting on the command line.
 */
export function withEnvFile(path: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(
      `Cannot read the settings file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const merged: NodeJS.ProcessEnv = {};
  for (const line of content.split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m && m[1] !== undefined && m[2] !== undefined) merged[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return { ...merged, ...base };
}
