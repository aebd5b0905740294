// The one validated configuration of snapseal, read from the environment. An invalid setting stops start-up
// with the variable's name, what is wrong and an example; every variable is listed in the README.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { availableParallelism } from 'node:os';
import { Secret } from './secret';
import { invalidBaseQueue, WORKER_ROLES, type WorkerRole } from './task-queues';

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
  .regex(/^([A-Za-z0-9._-]+\/)*$/, 'expected a key prefix ending in "/" such as archives/ (or empty)')
  .refine((p) => !p.split('/').some((segment) => segment === '.' || segment === '..'), {
    message: 'must not contain "." or ".." segments (a key prefix is not a path: it would escape its folder)',
  });
const fileList = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const fingerprintList = fileList.pipe(
  z.array(
    z
      .string()
      .transform((v) => v.replace(/\s+/g, '').toUpperCase())
      .pipe(
        z.string().regex(/^[0-9A-F]{40}$/, 'expected 40-hex-digit OpenPGP v4 fingerprints, comma-separated'),
      ),
  ),
);
const MIB = 1024 * 1024;
// S3 multipart uploads have at most this many parts.
const S3_MAX_PARTS = 10_000;
const mebibytes = positiveInt.transform((n) => n * MIB);

/** Every environment variable snapseal reads: its schema, default and a one-line meaning (for README and errors). */
export const SETTINGS = {
  TEMPORAL_ADDRESS: { schema: hostPort, default: '127.0.0.1:7233', about: 'Temporal frontend host:port' },
  TEMPORAL_NAMESPACE: { schema: nonEmpty, default: 'default', about: 'Temporal namespace' },
  SNAPSEAL_TASK_QUEUE: {
    schema: nonEmpty.refine((q) => invalidBaseQueue(q) === undefined, {
      message: 'must not end in -stream, -seal or -restore (the role queues are named <queue>-stream, ...)',
    }),
    default: 'snapseal',
    about: 'base task queue; the role queues are <queue>-stream, <queue>-seal and <queue>-restore',
  },
  SNAPSEAL_TEMPORAL_TLS: {
    schema: bool,
    default: 'false',
    about: 'connect to Temporal over TLS (on by itself when a TLS file below is set)',
  },
  SNAPSEAL_TEMPORAL_TLS_CA_FILE: {
    schema: text,
    default: '',
    about: "PEM file of the CA that signed the Temporal server's certificate; empty: the system CAs",
  },
  SNAPSEAL_TEMPORAL_TLS_CERT_FILE: {
    schema: text,
    default: '',
    about: 'PEM client certificate for mTLS (with SNAPSEAL_TEMPORAL_TLS_KEY_FILE)',
  },
  SNAPSEAL_TEMPORAL_TLS_KEY_FILE: {
    schema: text,
    default: '',
    about: 'PEM private key of the client certificate',
  },
  SNAPSEAL_TEMPORAL_TLS_SERVER_NAME: {
    schema: text,
    default: '',
    about: 'name the server certificate is checked against; empty: the host of TEMPORAL_ADDRESS',
  },
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
  SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE: {
    schema: text,
    default: '',
    about:
      'file holding the secret access key (instead of the variable, which /proc and docker inspect show)',
  },
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

  SNAPSEAL_OPENSEARCH_URL: {
    schema: url,
    default: 'http://127.0.0.1:9200',
    about: 'cluster URL (user:password@ in it is taken as the basic-auth credentials and never shown)',
  },
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
  SNAPSEAL_VOLUMES_PER_BATCH: {
    schema: positiveInt.refine(
      (n) => n <= 1000,
      'must be at most 1000 (each volume adds up to 6 events to its batch workflow, whose history must stay under 10,240)',
    ),
    default: '1000',
    about: 'volumes per batch workflow (1-1000); batches run one after another',
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
  SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE: {
    schema: text,
    default: '',
    about: 'file holding that passphrase (instead of the variable)',
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
  SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE: {
    schema: text,
    default: '',
    about: 'file holding that passphrase (instead of the variable)',
  },
  SNAPSEAL_VERIFY_KEY_FILES: {
    schema: fileList,
    default: '',
    about: 'archiver public keys (current and retired) that verify may use; only pinned ones are trusted',
  },
  SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: {
    schema: fingerprintList,
    default: '',
    about:
      "fingerprints of the archiver keys whose signatures verify accepts, comma-separated; default: the signing key's",
  },

  SNAPSEAL_TSA_URL: {
    schema: url,
    default: '',
    about:
      'RFC 3161 time-stamp authority that stamps each manifest (manifest.json.tsr); set: verify requires the token',
  },
  SNAPSEAL_TSA_CA_FILE: {
    schema: text,
    default: '',
    about: 'PEM CA certificate(s) the time-stamp signer must chain to; required with SNAPSEAL_TSA_URL',
  },
  SNAPSEAL_TSA_TOLERANCE_SECONDS: {
    schema: positiveInt,
    default: '86400',
    about:
      "verify: how far a manifest's createdAt may lie from its token's genTime before it counts as back-dated",
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

  SNAPSEAL_WORKER_ROLES: {
    schema: fileList.pipe(
      z.array(z.enum(WORKER_ROLES, { message: `expected roles among ${WORKER_ROLES.join(', ')}` })),
    ),
    default: '',
    about:
      'roles this worker process runs, comma-separated (archive, stream, seal, restore); empty: what the configured keys allow',
  },
  SNAPSEAL_STREAM_SLOTS: {
    schema: z.union([z.literal(''), positiveInt]),
    default: '',
    about: 'volumes the stream role encrypts at once in this process; empty: the number of CPU cores',
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

  SNAPSEAL_METRICS_PORT: {
    schema: z
      .string()
      .regex(/^\d+$/, 'expected a port such as 9464, or 0 for off')
      .transform(Number)
      .refine((n) => n < 65535, 'must be below 65535 (the next port is used too)'),
    default: '0',
    about:
      'serve Prometheus metrics on this port at /metrics (0: off); the Temporal SDK exporter uses 127.0.0.1:<port + 1>',
  },
  SNAPSEAL_METRICS_HOST: {
    schema: nonEmpty,
    default: '127.0.0.1',
    about: 'address the metrics server binds (0.0.0.0 in a container)',
  },
  SNAPSEAL_LOG_LEVEL: {
    schema: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']),
    default: 'INFO',
    about: 'worker log level (logs are JSON lines on stderr)',
  },
} as const satisfies Record<string, { schema: z.ZodType; default: string; about: string; secret?: boolean }>;

type Settings = typeof SETTINGS;
type Values = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** "scheme://user:pass@host" shown as "scheme://***@host": an invalid URL may still hold a password. */
const withoutUserinfo = (raw: string): string => raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');

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
      const shown = 'secret' in spec && spec.secret ? '(hidden)' : JSON.stringify(withoutUserinfo(raw));
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
  /** TLS to the frontend; undefined: plain TCP. Files are read when connecting. */
  tls?: { caFile?: string; certFile?: string; keyFile?: string; serverName?: string };
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
    volumesPerBatch: number;
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
    trustedSignerFingerprints: string[];
    decryptionKeyFile?: string;
    decryptionKeyPassphrase?: Secret;
  };
  evidence: { tsaUrl?: string; tsaCaFile?: string; toleranceSeconds: number };
  schedule: { id: string; cron: string; timeZone: string };
  worker: {
    /** Empty: the roles the configured keys allow (rolesForKeys). */
    roles: WorkerRole[];
    streamSlots: number;
    maxActivities: number;
    maxWorkflowTasks: number;
    shutdownGraceSeconds: number;
  };
  metrics: { port: number; host: string };
  logging: { level: 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' };
}

const orUndefined = (v: string): string | undefined => (v === '' ? undefined : v);

/**
 * A secret from its variable or from the file named by <NAME>_FILE (one of the two). The file's content is
 * never shown; a trailing newline is dropped (echo secret > file).
 */
function secretSetting(name: string, value: string, file: string): string {
  if (file === '') return value;
  if (value !== '') {
    throw new ConfigError(`Invalid configuration:\n  ${name} and ${name}_FILE are both set: set one of them`);
  }
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  ${name}_FILE=${JSON.stringify(file)}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`,
    );
  }
}

/** Credentials written into the URL (https://user:pass@host) move to username/password, out of the URL. */
export function splitUrlCredentials(raw: string): { url: string; username?: string; password?: string } {
  if (raw === '') return { url: raw };
  const parsed = new URL(raw);
  if (parsed.username === '' && parsed.password === '') return { url: raw };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString().replace(/\/$/, raw.endsWith('/') ? '/' : ''), username, password };
}

function temporalTls(s: Values): TemporalConfig['tls'] {
  const files = {
    caFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_CA_FILE),
    certFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_CERT_FILE),
    keyFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_KEY_FILE),
    serverName: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_SERVER_NAME),
  };
  if ((files.certFile === undefined) !== (files.keyFile === undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE go together (mTLS): set both, or neither',
    );
  }
  const any = Object.values(files).some((v) => v !== undefined);
  return s.SNAPSEAL_TEMPORAL_TLS || any ? files : undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = readSettings(env);
  const s: Values = { ...read };
  Object.assign(s, {
    SNAPSEAL_S3_SECRET_ACCESS_KEY: secretSetting(
      'SNAPSEAL_S3_SECRET_ACCESS_KEY',
      read.SNAPSEAL_S3_SECRET_ACCESS_KEY,
      read.SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE,
    ),
    SNAPSEAL_SIGNING_KEY_PASSPHRASE: secretSetting(
      'SNAPSEAL_SIGNING_KEY_PASSPHRASE',
      read.SNAPSEAL_SIGNING_KEY_PASSPHRASE,
      read.SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE,
    ),
    SNAPSEAL_DECRYPTION_KEY_PASSPHRASE: secretSetting(
      'SNAPSEAL_DECRYPTION_KEY_PASSPHRASE',
      read.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE,
      read.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE,
    ),
  });
  const opensearchUrl = splitUrlCredentials(s.SNAPSEAL_OPENSEARCH_URL);
  if (opensearchUrl.username !== undefined && s.SNAPSEAL_OPENSEARCH_USERNAME !== '') {
    throw new ConfigError(
      'Invalid configuration:\n  SNAPSEAL_OPENSEARCH_URL holds credentials and SNAPSEAL_OPENSEARCH_USERNAME is set: give them one way',
    );
  }
  if (
    s.SNAPSEAL_STAGING_BUCKET === s.SNAPSEAL_ARCHIVE_BUCKET &&
    (s.SNAPSEAL_STAGING_PREFIX.startsWith(s.SNAPSEAL_ARCHIVE_PREFIX) ||
      s.SNAPSEAL_ARCHIVE_PREFIX.startsWith(s.SNAPSEAL_STAGING_PREFIX))
  ) {
    // Staging is cleaned up by prefix and has its own lifecycle: sealed archives must never lie under it.
    throw new ConfigError(
      `Invalid configuration:\n  SNAPSEAL_STAGING_BUCKET and SNAPSEAL_ARCHIVE_BUCKET are both "${s.SNAPSEAL_ARCHIVE_BUCKET}" and the prefixes overlap (staging "${s.SNAPSEAL_STAGING_PREFIX}", archive "${s.SNAPSEAL_ARCHIVE_PREFIX}"): use two buckets (recommended: the archive bucket has Object Lock and its own lifecycle), or disjoint non-empty prefixes such as staging/ and archives/`,
    );
  }
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
  if (s.SNAPSEAL_TSA_URL !== '' && s.SNAPSEAL_TSA_CA_FILE === '') {
    // With a TSA every manifest must carry a token, and a token is only evidence once checked against its CA.
    throw new ConfigError(
      'Invalid configuration:\n  SNAPSEAL_TSA_URL is set but SNAPSEAL_TSA_CA_FILE is empty: name the PEM CA bundle of the time-stamp authority (e.g. /etc/snapseal/tsa-ca.pem), so verify can check each token',
    );
  }
  return {
    temporal: {
      address: s.TEMPORAL_ADDRESS,
      namespace: s.TEMPORAL_NAMESPACE,
      taskQueue: s.SNAPSEAL_TASK_QUEUE,
      uiUrl: s.SNAPSEAL_TEMPORAL_UI_URL.replace(/\/$/, ''),
      tls: temporalTls(s),
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
      volumesPerBatch: s.SNAPSEAL_VOLUMES_PER_BATCH,
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
      url: opensearchUrl.url,
      username: opensearchUrl.username ?? orUndefined(s.SNAPSEAL_OPENSEARCH_USERNAME),
      password: (() => {
        const password = opensearchUrl.password ?? s.SNAPSEAL_OPENSEARCH_PASSWORD;
        return password === '' ? undefined : new Secret(password);
      })(),
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
      trustedSignerFingerprints: s.SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS,
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
      roles: [...new Set(s.SNAPSEAL_WORKER_ROLES)],
      streamSlots: s.SNAPSEAL_STREAM_SLOTS === '' ? availableParallelism() : s.SNAPSEAL_STREAM_SLOTS,
      maxActivities: s.SNAPSEAL_WORKER_MAX_ACTIVITIES,
      maxWorkflowTasks: s.SNAPSEAL_WORKER_MAX_WORKFLOW_TASKS,
      shutdownGraceSeconds: s.SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS,
    },
    metrics: { port: s.SNAPSEAL_METRICS_PORT, host: s.SNAPSEAL_METRICS_HOST },
    logging: { level: s.SNAPSEAL_LOG_LEVEL },
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
