// The one validated configuration of snapseal, read from the environment: one zod schema per section (its
// settings, their cross-field checks and the shape the code reads). An invalid configuration stops start-up
// with every bad setting at once: its name, what is wrong and what was expected; every variable is in the README.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { Secret } from './secret';
import { invalidBaseQueue, WORKER_ROLES } from './task-queues';

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

/** A secret given by file (<NAME>_FILE): its content, read here so a missing file is listed with the rest. */
const secretFile = text.transform((path, ctx) => {
  if (path === '') return undefined;
  try {
    // A trailing newline is dropped (echo secret > file).
    return readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `cannot read it (${fileErrorCode(err)})` });
    return z.NEVER;
  }
});

/** PEM CA certificates named by a file setting: the PEM text, read here so a missing file is listed with the rest. */
const caCertificatesFile = text.transform((path, ctx) => {
  if (path === '') return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `cannot read it (${fileErrorCode(err)})` });
    return z.NEVER;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    ctx.addIssue({
      code: 'custom',
      message: `${path} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----, e.g. /etc/snapseal/cluster-ca.pem)`,
    });
    return z.NEVER;
  }
  return pem;
});

function fileErrorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'unreadable';
}

/** One environment variable: its schema, its default (as the variable would spell it) and a one-line meaning. */
interface Setting {
  schema: z.ZodType;
  default: string;
  about: string;
  /** Never shown, not even in an error. */
  secret?: boolean;
}

type SettingValues<T extends Record<string, Setting>> = { [K in keyof T]: z.output<T[K]['schema']> };

/** The zod object of a section's variables: parsed together, so every bad one is reported. */
function settingsObject<T extends Record<string, Setting>>(settings: T) {
  const shape = Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.schema]));
  return z.object(shape as { [K in keyof T]: T[K]['schema'] });
}

/**
 * A check across settings, as superRefine arguments. It runs once the settings it reads are valid each (zod
 * would skip it whenever any setting of the object failed), so its problem is listed with all the others.
 */
function crossCheck<T>(reads: readonly string[], problem: (values: T) => string | undefined) {
  return [
    (values: T, ctx: z.RefinementCtx<T>) => {
      const message = problem(values);
      if (message !== undefined) ctx.addIssue({ code: 'custom', message, path: [] });
    },
    {
      when: (payload: z.core.ParsePayload) =>
        !payload.issues.some((issue) => (issue.path ?? []).some((key) => reads.includes(String(key)))),
    },
  ] as const;
}

const orUndefined = (v: string): string | undefined => (v === '' ? undefined : v);
const secretOrUndefined = (v: string): Secret | undefined => (v === '' ? undefined : new Secret(v));

/** "X and X_FILE are both set": a secret comes from its variable or from its file, not both. */
const oneSource = (name: string, value: string, file: string | undefined): string | undefined =>
  value !== '' && file !== undefined ? `${name} and ${name}_FILE are both set: set one of them` : undefined;

// ---- Temporal

const TEMPORAL_SETTINGS = {
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
} as const satisfies Record<string, Setting>;

export const temporalSchema = settingsObject(TEMPORAL_SETTINGS)
  .superRefine(
    ...crossCheck<SettingValues<typeof TEMPORAL_SETTINGS>>(
      ['SNAPSEAL_TEMPORAL_TLS_CERT_FILE', 'SNAPSEAL_TEMPORAL_TLS_KEY_FILE'],
      (s) =>
        (s.SNAPSEAL_TEMPORAL_TLS_CERT_FILE === '') !== (s.SNAPSEAL_TEMPORAL_TLS_KEY_FILE === '')
          ? 'SNAPSEAL_TEMPORAL_TLS_CERT_FILE and SNAPSEAL_TEMPORAL_TLS_KEY_FILE go together (mTLS): set both, or neither'
          : undefined,
    ),
  )
  .transform((s) => {
    const files = {
      caFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_CA_FILE),
      certFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_CERT_FILE),
      keyFile: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_KEY_FILE),
      serverName: orUndefined(s.SNAPSEAL_TEMPORAL_TLS_SERVER_NAME),
    };
    const anyFile = Object.values(files).some((v) => v !== undefined);
    return {
      address: s.TEMPORAL_ADDRESS,
      namespace: s.TEMPORAL_NAMESPACE,
      taskQueue: s.SNAPSEAL_TASK_QUEUE,
      uiUrl: s.SNAPSEAL_TEMPORAL_UI_URL.replace(/\/$/, ''),
      /** TLS to the frontend; undefined: plain TCP. Files are read when connecting. */
      tls: s.SNAPSEAL_TEMPORAL_TLS || anyFile ? files : undefined,
    };
  });
export type TemporalConfig = z.infer<typeof temporalSchema>;

// ---- S3

const S3_SETTINGS = {
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
    schema: secretFile,
    default: '',
    about:
      'file holding the secret access key (instead of the variable, which /proc and docker inspect show)',
  },
} as const satisfies Record<string, Setting>;

export const s3Schema = settingsObject(S3_SETTINGS)
  .superRefine(
    ...crossCheck<SettingValues<typeof S3_SETTINGS>>(
      ['SNAPSEAL_S3_SECRET_ACCESS_KEY', 'SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE'],
      (s) =>
        oneSource(
          'SNAPSEAL_S3_SECRET_ACCESS_KEY',
          s.SNAPSEAL_S3_SECRET_ACCESS_KEY,
          s.SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE,
        ),
    ),
  )
  .superRefine(
    ...crossCheck<SettingValues<typeof S3_SETTINGS>>(
      ['SNAPSEAL_S3_ACCESS_KEY_ID', 'SNAPSEAL_S3_SECRET_ACCESS_KEY', 'SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE'],
      (s) =>
        (s.SNAPSEAL_S3_ACCESS_KEY_ID === '') !==
        ((s.SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE ?? s.SNAPSEAL_S3_SECRET_ACCESS_KEY) === '')
          ? 'SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY go together: set both, or neither to use the AWS default credential chain'
          : undefined,
    ),
  )
  .transform((s) => {
    const secretAccessKey = s.SNAPSEAL_S3_SECRET_ACCESS_KEY_FILE ?? s.SNAPSEAL_S3_SECRET_ACCESS_KEY;
    return {
      endpoint: orUndefined(s.SNAPSEAL_S3_ENDPOINT),
      region: s.SNAPSEAL_S3_REGION,
      forcePathStyle: s.SNAPSEAL_S3_FORCE_PATH_STYLE,
      credentials:
        s.SNAPSEAL_S3_ACCESS_KEY_ID === ''
          ? undefined
          : { accessKeyId: s.SNAPSEAL_S3_ACCESS_KEY_ID, secretAccessKey: new Secret(secretAccessKey) },
    };
  });
export type S3Config = z.infer<typeof s3Schema>;

// ---- Archive (what is archived, how, and where it goes)

const ARCHIVE_SETTINGS = {
  SNAPSEAL_ARCHIVE_BUCKET: {
    schema: bucket,
    default: 'snapseal-archive',
    about: 'bucket sealed archives go to',
  },
  SNAPSEAL_ARCHIVE_PREFIX: { schema: keyPrefix, default: 'archives/', about: 'prefix of archives in it' },
  SNAPSEAL_PART_SIZE_MIB: {
    schema: positiveInt
      .refine((n) => n >= 5, { message: 'expected at least 5 (S3 refuses parts under 5 MiB but the last)' })
      .transform((n) => n * MIB),
    default: '5',
    about:
      'multipart part size, at least 5 (S3 allows 10,000 parts: 5 MiB allows 48.8 GiB volumes); memory per volume stream is about (queue size + 1) parts',
  },
  SNAPSEAL_UPLOAD_QUEUE_SIZE: {
    schema: positiveInt,
    default: '2',
    about: 'parts uploaded in parallel per volume',
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
  SNAPSEAL_VOLUME_STALL_SECONDS: {
    schema: positiveInt,
    // The longest pause of a healthy stream is one part's upload while the upload queue is full: a 5 MiB part
    // (the default) at 100 KiB/s takes about 50 s. Twice that, rounded up: a dead connection (an S3 service
    // restarted mid-upload) is aborted and the volume retried within 2 minutes, not left holding a slot.
    default: '120',
    about:
      'abort and retry a volume stream that moved no byte for this long (raise it with large SNAPSEAL_PART_SIZE_MIB on slow links)',
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
    // On by default: without retention a bucket writer deletes every version of an archive. A year outlasts
    // any plausible time to notice a deletion (the daily status, a drill); README "Secure by default".
    default: '365',
    about:
      'Object Lock retention in days on every sealed object (0: opt out, none set at sealing: the bucket default, if any)',
  },
  SNAPSEAL_OBJECT_LOCK_MODE: {
    schema: z.enum(['GOVERNANCE', 'COMPLIANCE'], { message: 'expected GOVERNANCE or COMPLIANCE' }),
    // GOVERNANCE: a first-time user who picks the wrong number of days can still undo it (with
    // s3:BypassGovernanceRetention, which no deploy/iam role has); COMPLIANCE cannot be shortened, even by root.
    default: 'GOVERNANCE',
    about:
      'Object Lock mode of that retention: GOVERNANCE (removable only with s3:BypassGovernanceRetention) or COMPLIANCE (by nobody, not even root)',
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
} as const satisfies Record<string, Setting>;

export const archiveSchema = settingsObject(ARCHIVE_SETTINGS)
  .superRefine(
    ...crossCheck<SettingValues<typeof ARCHIVE_SETTINGS>>(
      ['SNAPSEAL_MAX_VOLUME_MIB', 'SNAPSEAL_PART_SIZE_MIB'],
      (s) =>
        s.SNAPSEAL_MAX_VOLUME_MIB > s.SNAPSEAL_PART_SIZE_MIB * S3_MAX_PARTS
          ? `SNAPSEAL_MAX_VOLUME_MIB (${s.SNAPSEAL_MAX_VOLUME_MIB / MIB} MiB) does not fit in ${S3_MAX_PARTS} parts of SNAPSEAL_PART_SIZE_MIB (${s.SNAPSEAL_PART_SIZE_MIB / MIB} MiB): raise the part size to at least ${Math.ceil(s.SNAPSEAL_MAX_VOLUME_MIB / S3_MAX_PARTS / MIB)} MiB or lower the volume size`
          : undefined,
    ),
  )
  .transform((s) => ({
    bucket: s.SNAPSEAL_ARCHIVE_BUCKET,
    prefix: s.SNAPSEAL_ARCHIVE_PREFIX,
    partSizeBytes: s.SNAPSEAL_PART_SIZE_MIB,
    uploadQueueSize: s.SNAPSEAL_UPLOAD_QUEUE_SIZE,
    maxVolumeBytes: s.SNAPSEAL_MAX_VOLUME_MIB,
    volumeConcurrency: s.SNAPSEAL_VOLUME_CONCURRENCY,
    volumeStallMs: s.SNAPSEAL_VOLUME_STALL_SECONDS * 1000,
    volumesPerBatch: s.SNAPSEAL_VOLUMES_PER_BATCH,
    snapshotTimeoutMinutes: s.SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES,
    objectLockDays: s.SNAPSEAL_OBJECT_LOCK_DAYS,
    objectLockMode: s.SNAPSEAL_OBJECT_LOCK_MODE,
    indexTemplate: s.SNAPSEAL_INDEX_TEMPLATE,
    lifecycle: {
      coldAfterDays: s.SNAPSEAL_COLD_AFTER_DAYS,
      coldStorageClass: s.SNAPSEAL_COLD_STORAGE_CLASS,
      transitions: s.SNAPSEAL_LIFECYCLE_TRANSITIONS,
      retentionDays: s.SNAPSEAL_RETENTION_DAYS,
    },
  }));
export type ArchiveConfig = z.infer<typeof archiveSchema>;

// ---- Staging (the cluster snapshots into it)

const STAGING_SETTINGS = {
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
} as const satisfies Record<string, Setting>;

/** Staging reads the archive's location too (without owning it): the two must never overlap. */
export const stagingSchema = settingsObject({
  ...STAGING_SETTINGS,
  SNAPSEAL_ARCHIVE_BUCKET: ARCHIVE_SETTINGS.SNAPSEAL_ARCHIVE_BUCKET,
  SNAPSEAL_ARCHIVE_PREFIX: ARCHIVE_SETTINGS.SNAPSEAL_ARCHIVE_PREFIX,
})
  .superRefine(
    ...crossCheck<
      SettingValues<
        typeof STAGING_SETTINGS &
          Pick<typeof ARCHIVE_SETTINGS, 'SNAPSEAL_ARCHIVE_BUCKET' | 'SNAPSEAL_ARCHIVE_PREFIX'>
      >
    >(
      [
        'SNAPSEAL_STAGING_BUCKET',
        'SNAPSEAL_STAGING_PREFIX',
        'SNAPSEAL_ARCHIVE_BUCKET',
        'SNAPSEAL_ARCHIVE_PREFIX',
      ],
      (s) =>
        // Staging is cleaned up by prefix and has its own lifecycle: sealed archives must never lie under it.
        s.SNAPSEAL_STAGING_BUCKET === s.SNAPSEAL_ARCHIVE_BUCKET &&
        (s.SNAPSEAL_STAGING_PREFIX.startsWith(s.SNAPSEAL_ARCHIVE_PREFIX) ||
          s.SNAPSEAL_ARCHIVE_PREFIX.startsWith(s.SNAPSEAL_STAGING_PREFIX))
          ? `SNAPSEAL_STAGING_BUCKET and SNAPSEAL_ARCHIVE_BUCKET are both "${s.SNAPSEAL_ARCHIVE_BUCKET}" and the prefixes overlap (staging "${s.SNAPSEAL_STAGING_PREFIX}", archive "${s.SNAPSEAL_ARCHIVE_PREFIX}"): use two buckets (recommended: the archive bucket has Object Lock and its own lifecycle), or disjoint non-empty prefixes such as staging/ and archives/`
          : undefined,
    ),
  )
  .transform((s) => ({ bucket: s.SNAPSEAL_STAGING_BUCKET, prefix: s.SNAPSEAL_STAGING_PREFIX }));
export type StagingConfig = z.infer<typeof stagingSchema>;

// ---- Witness (where each seal's chain head is recorded beyond the archive bucket's writers)

/** SNAPSEAL_WITNESS_BUCKET=none: the explicit opt-out of the witness (on by default). */
export const WITNESS_OFF = 'none';

/** The witness bucket when SNAPSEAL_WITNESS_BUCKET is empty: named after the archive bucket. */
export const defaultWitnessBucket = (archiveBucket: string): string => `${archiveBucket}-witness`;

/** The witness bucket the settings name: their own, the default one, or undefined when opted out. */
function witnessBucketOf(setting: string, archiveBucket: string): string | undefined {
  if (setting === WITNESS_OFF) return undefined;
  return setting === '' ? defaultWitnessBucket(archiveBucket) : setting;
}

const WITNESS_SETTINGS = {
  SNAPSEAL_WITNESS_BUCKET: {
    schema: z.union([z.literal(''), z.literal(WITNESS_OFF), bucket]),
    default: '',
    about: `bucket with Object Lock where each seal writes the chain head under COMPLIANCE retention, for verify --chain (empty: <archive bucket>-witness; ${WITNESS_OFF}: no witness, a cut tail goes unnoticed)`,
  },
  SNAPSEAL_WITNESS_PREFIX: { schema: keyPrefix, default: 'witness/', about: 'prefix of the witness records' },
  SNAPSEAL_WITNESS_RETENTION: {
    schema: z
      .string()
      .regex(/^[1-9]\d*[dhms]$/, 'expected a duration such as 2557d (days), 12h, 30m or 90s')
      .transform((v) => Number(v.slice(0, -1)) * { d: 86_400, h: 3_600, m: 60, s: 1 }[v.slice(-1) as 'd']),
    default: '2557d',
    about: 'COMPLIANCE retention of each witness record (2557d is 7 years)',
  },
  SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID: {
    schema: text,
    default: '',
    about:
      'access key id of the witness writer, whose policy may only add witness records (empty: the SNAPSEAL_S3_* credentials)',
  },
  SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY: {
    schema: text,
    default: '',
    about: "the witness writer's secret access key",
    secret: true,
  },
  SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE: {
    schema: secretFile,
    default: '',
    about: "file holding the witness writer's secret access key",
  },
} as const satisfies Record<string, Setting>;

/** The witness reads the archive bucket too (without owning it): it must be another bucket. */
export const witnessSchema = settingsObject({
  ...WITNESS_SETTINGS,
  SNAPSEAL_ARCHIVE_BUCKET: ARCHIVE_SETTINGS.SNAPSEAL_ARCHIVE_BUCKET,
})
  .superRefine(
    ...crossCheck<
      SettingValues<typeof WITNESS_SETTINGS & Pick<typeof ARCHIVE_SETTINGS, 'SNAPSEAL_ARCHIVE_BUCKET'>>
    >(['SNAPSEAL_WITNESS_BUCKET', 'SNAPSEAL_ARCHIVE_BUCKET'], (s) => {
      const witness = witnessBucketOf(s.SNAPSEAL_WITNESS_BUCKET, s.SNAPSEAL_ARCHIVE_BUCKET);
      // The witness exists to outlive whoever can rewrite the archive bucket: it cannot live in it.
      if (witness === s.SNAPSEAL_ARCHIVE_BUCKET)
        return `SNAPSEAL_WITNESS_BUCKET is the archive bucket "${s.SNAPSEAL_ARCHIVE_BUCKET}": use a bucket of its own, created with Object Lock (snapseal setup creates it), such as snapseal-witness`;
      if (witness !== undefined && !bucket.safeParse(witness).success)
        return `SNAPSEAL_WITNESS_BUCKET is empty, so the witness would be "${witness}" (the archive bucket's name + -witness), which is no valid S3 bucket name (at most 63 characters): name the witness bucket yourself, such as snapseal-witness, or opt out with SNAPSEAL_WITNESS_BUCKET=${WITNESS_OFF}`;
      return undefined;
    }),
  )
  .superRefine(
    ...crossCheck<SettingValues<typeof WITNESS_SETTINGS>>(
      ['SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY', 'SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE'],
      (s) =>
        oneSource(
          'SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY',
          s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY,
          s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE,
        ),
    ),
  )
  .superRefine(
    ...crossCheck<SettingValues<typeof WITNESS_SETTINGS>>(
      [
        'SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID',
        'SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY',
        'SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE',
      ],
      (s) =>
        (s.SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID === '') !==
        ((s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE ?? s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY) === '')
          ? 'SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID and SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY go together: set both for a witness writer of its own, or neither'
          : undefined,
    ),
  )
  .transform((s) => {
    const witness = witnessBucketOf(s.SNAPSEAL_WITNESS_BUCKET, s.SNAPSEAL_ARCHIVE_BUCKET);
    return witness === undefined
      ? undefined
      : {
          bucket: witness,
          prefix: s.SNAPSEAL_WITNESS_PREFIX,
          retentionSeconds: s.SNAPSEAL_WITNESS_RETENTION,
          // The witness writer's own credentials: whoever writes volumes or manifests cannot write the witness.
          credentials:
            s.SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID === ''
              ? undefined
              : {
                  accessKeyId: s.SNAPSEAL_WITNESS_S3_ACCESS_KEY_ID,
                  secretAccessKey: new Secret(
                    s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY_FILE ?? s.SNAPSEAL_WITNESS_S3_SECRET_ACCESS_KEY,
                  ),
                },
        };
  });
export type WitnessConfig = z.infer<typeof witnessSchema>;

// ---- Evidence (RFC 3161 time-stamps of each manifest)

const EVIDENCE_SETTINGS = {
  SNAPSEAL_TSA_URL: {
    schema: url,
    default: '',
    about: 'one RFC 3161 time-stamp authority (an alias of SNAPSEAL_TSA_URLS with a single URL)',
  },
  SNAPSEAL_TSA_URLS: {
    schema: fileList.pipe(
      z.array(z.url({ message: 'expected comma-separated URLs such as http://tsa-a/,http://tsa-b/' })),
    ),
    default: '',
    about:
      'RFC 3161 time-stamp authorities that stamp each manifest (manifest.json.tsr, manifest.json.tsr.2, ...); set: verify requires the tokens',
  },
  SNAPSEAL_TSA_POLICY: {
    schema: z.union([z.enum(['all', 'any']), positiveInt], {
      message: 'expected all, any or a number of authorities such as 2',
    }),
    default: 'all',
    about: 'how many of the SNAPSEAL_TSA_URLS tokens must verify: all, any, or a number N',
  },
  SNAPSEAL_TSA_CA_FILE: {
    schema: text,
    default: '',
    about:
      'PEM CA certificate(s) the time-stamp signers must chain to (one bundle for all authorities); required with a TSA',
  },
  SNAPSEAL_TSA_TOLERANCE_SECONDS: {
    schema: positiveInt,
    default: '86400',
    about:
      "verify: how far a manifest's createdAt may lie from its token's genTime before it counts as back-dated",
  },
} as const satisfies Record<string, Setting>;

type EvidenceValues = SettingValues<typeof EVIDENCE_SETTINGS>;

/** The authorities: SNAPSEAL_TSA_URLS, or the one SNAPSEAL_TSA_URL (the same list when both are set). */
function tsaUrlsOf(s: Pick<EvidenceValues, 'SNAPSEAL_TSA_URL' | 'SNAPSEAL_TSA_URLS'>): string[] {
  return s.SNAPSEAL_TSA_URLS.length > 0
    ? s.SNAPSEAL_TSA_URLS
    : s.SNAPSEAL_TSA_URL === ''
      ? []
      : [s.SNAPSEAL_TSA_URL];
}

export const evidenceSchema = settingsObject(EVIDENCE_SETTINGS)
  .superRefine(
    ...crossCheck<EvidenceValues>(['SNAPSEAL_TSA_URL', 'SNAPSEAL_TSA_URLS'], (s) =>
      s.SNAPSEAL_TSA_URL !== '' &&
      s.SNAPSEAL_TSA_URLS.length > 0 &&
      s.SNAPSEAL_TSA_URLS.join(',') !== s.SNAPSEAL_TSA_URL
        ? `SNAPSEAL_TSA_URL (${s.SNAPSEAL_TSA_URL}) and SNAPSEAL_TSA_URLS (${s.SNAPSEAL_TSA_URLS.join(',')}) are both set and differ: set SNAPSEAL_TSA_URLS only (SNAPSEAL_TSA_URL is its one-URL alias)`
        : undefined,
    ),
  )
  .superRefine(
    ...crossCheck<EvidenceValues>(['SNAPSEAL_TSA_URLS', 'SNAPSEAL_TSA_URL'], (s) =>
      new Set(tsaUrlsOf(s)).size !== tsaUrlsOf(s).length
        ? `SNAPSEAL_TSA_URLS names an authority twice (${tsaUrlsOf(s).join(',')}): each token must come from another authority`
        : undefined,
    ),
  )
  .superRefine(
    ...crossCheck<EvidenceValues>(['SNAPSEAL_TSA_URL', 'SNAPSEAL_TSA_URLS', 'SNAPSEAL_TSA_CA_FILE'], (s) =>
      // With a TSA every manifest must carry a token, and a token is only evidence once checked against its CA.
      tsaUrlsOf(s).length > 0 && s.SNAPSEAL_TSA_CA_FILE === ''
        ? 'SNAPSEAL_TSA_URLS is set but SNAPSEAL_TSA_CA_FILE is empty: name the PEM CA bundle of the time-stamp authorities (e.g. /etc/snapseal/tsa-ca.pem), so verify can check each token'
        : undefined,
    ),
  )
  .superRefine(
    ...crossCheck<EvidenceValues>(['SNAPSEAL_TSA_URL', 'SNAPSEAL_TSA_URLS', 'SNAPSEAL_TSA_POLICY'], (s) =>
      typeof s.SNAPSEAL_TSA_POLICY === 'number' && s.SNAPSEAL_TSA_POLICY > tsaUrlsOf(s).length
        ? `SNAPSEAL_TSA_POLICY is ${s.SNAPSEAL_TSA_POLICY} but SNAPSEAL_TSA_URLS names ${tsaUrlsOf(s).length} authorit${tsaUrlsOf(s).length === 1 ? 'y' : 'ies'}: expected all, any or a number up to ${tsaUrlsOf(s).length}`
        : undefined,
    ),
  )
  .transform((s) => {
    const tsaUrls = tsaUrlsOf(s);
    const policy = s.SNAPSEAL_TSA_POLICY;
    return {
      tsaUrls,
      /** How many tokens (of tsaUrls.length) must verify: SNAPSEAL_TSA_POLICY resolved. */
      tsaRequired:
        policy === 'all' ? tsaUrls.length : policy === 'any' ? Math.min(1, tsaUrls.length) : policy,
      tsaCaFile: orUndefined(s.SNAPSEAL_TSA_CA_FILE),
      toleranceSeconds: s.SNAPSEAL_TSA_TOLERANCE_SECONDS,
    };
  });
export type EvidenceConfig = z.infer<typeof evidenceSchema>;

// ---- OpenSearch

const OPENSEARCH_SETTINGS = {
  SNAPSEAL_OPENSEARCH_URL: {
    schema: url,
    default: 'http://127.0.0.1:9200',
    about: 'cluster URL (user:password@ in it is taken as the basic-auth credentials and never shown)',
  },
  SNAPSEAL_OPENSEARCH_USERNAME: { schema: text, default: '', about: 'basic-auth user; empty for none' },
  SNAPSEAL_OPENSEARCH_PASSWORD: { schema: text, default: '', about: 'basic-auth password', secret: true },
  SNAPSEAL_OPENSEARCH_TLS_CA_FILE: {
    schema: caCertificatesFile,
    default: '',
    about: "PEM file of the CA(s) that signed the cluster's HTTPS certificate; empty: the system CAs",
  },
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
} as const satisfies Record<string, Setting>;

export const opensearchSchema = settingsObject(OPENSEARCH_SETTINGS)
  .superRefine(
    ...crossCheck<SettingValues<typeof OPENSEARCH_SETTINGS>>(
      ['SNAPSEAL_OPENSEARCH_URL', 'SNAPSEAL_OPENSEARCH_USERNAME'],
      (s) =>
        splitUrlCredentials(s.SNAPSEAL_OPENSEARCH_URL).username !== undefined &&
        s.SNAPSEAL_OPENSEARCH_USERNAME !== ''
          ? 'SNAPSEAL_OPENSEARCH_URL holds credentials and SNAPSEAL_OPENSEARCH_USERNAME is set: give them one way'
          : undefined,
    ),
  )
  .transform((s) => {
    const fromUrl = splitUrlCredentials(s.SNAPSEAL_OPENSEARCH_URL);
    return {
      url: fromUrl.url,
      username: fromUrl.username ?? orUndefined(s.SNAPSEAL_OPENSEARCH_USERNAME),
      password: secretOrUndefined(fromUrl.password ?? s.SNAPSEAL_OPENSEARCH_PASSWORD),
      /** PEM text of the CA certificates the cluster's certificate must chain to (HTTPS). */
      tlsCa: s.SNAPSEAL_OPENSEARCH_TLS_CA_FILE,
      awsSigv4Service: s.SNAPSEAL_OPENSEARCH_AWS_SIGV4 === '' ? undefined : s.SNAPSEAL_OPENSEARCH_AWS_SIGV4,
      repositoryClient: s.SNAPSEAL_REPOSITORY_S3_CLIENT,
      repositoryRoleArn: orUndefined(s.SNAPSEAL_REPOSITORY_ROLE_ARN),
      sseBucketDefault: s.SNAPSEAL_REPOSITORY_SSE_BUCKET_DEFAULT,
    };
  });
export type OpenSearchConfig = z.infer<typeof opensearchSchema>;

// ---- Keys

// ---- Signing through AWS KMS (instead of SNAPSEAL_SIGNING_KEY_FILE): src/keys/kms-signer.ts

const isoSecond = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const SIGNING_KMS_SETTINGS = {
  SNAPSEAL_SIGNING_KMS_KEY_ID: {
    schema: text,
    default: '',
    about:
      'AWS KMS asymmetric key (key id, ARN or alias/NAME) that signs manifests and rotation records instead of SNAPSEAL_SIGNING_KEY_FILE: key usage SIGN_VERIFY, RSA_2048 or larger, ECC_NIST_P256 or ECC_NIST_P384',
  },
  SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT: {
    schema: z.union([
      z.literal(''),
      text
        .regex(isoSecond, 'expected a UTC time to the second such as 2026-12-01T00:00:00Z')
        .refine((v) => !Number.isNaN(Date.parse(v)), 'not a valid date'),
    ]),
    default: '',
    about:
      "the OpenPGP creation time of the KMS key's public key, part of its fingerprint: fixed once (e.g. the KMS key's CreationDate), the same on every host, never changed",
  },
  SNAPSEAL_KMS_REGION: {
    schema: text,
    default: '',
    about: "region of the KMS client; empty: the AWS SDK's default (AWS_REGION, the profile)",
  },
  SNAPSEAL_KMS_ENDPOINT: {
    schema: url,
    default: '',
    about: 'KMS endpoint URL; empty for AWS KMS (the local stack: http://127.0.0.1:4599)',
  },
} as const satisfies Record<string, Setting>;

type SigningKmsValues = SettingValues<typeof SIGNING_KMS_SETTINGS> & { SNAPSEAL_SIGNING_KEY_FILE: string };

/** The one signing key is a file or a KMS key; a KMS key needs its fixed creation time. */
const signingKmsCheck = crossCheck<SigningKmsValues>(
  ['SNAPSEAL_SIGNING_KMS_KEY_ID', 'SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT', 'SNAPSEAL_SIGNING_KEY_FILE'],
  (s) =>
    s.SNAPSEAL_SIGNING_KMS_KEY_ID !== '' && s.SNAPSEAL_SIGNING_KEY_FILE !== ''
      ? 'SNAPSEAL_SIGNING_KEY_FILE and SNAPSEAL_SIGNING_KMS_KEY_ID are both set: the archiver key is a file or a KMS key, set one of them'
      : s.SNAPSEAL_SIGNING_KMS_KEY_ID !== '' && s.SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT === ''
        ? 'SNAPSEAL_SIGNING_KMS_KEY_ID is set but SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT is empty: fix the OpenPGP creation time of the key once (e.g. its KMS CreationDate, 2026-12-01T00:00:00Z) and give the same value on every host, or its fingerprint changes'
        : undefined,
);

function signingKmsOf(s: SigningKmsValues) {
  return {
    /** Where KMS keys are reached (the sealing key, and keys rotate-key names). */
    kms: { region: orUndefined(s.SNAPSEAL_KMS_REGION), endpoint: orUndefined(s.SNAPSEAL_KMS_ENDPOINT) },
    /** The archiver key in AWS KMS, when it signs instead of signingKeyFile. */
    signingKms:
      s.SNAPSEAL_SIGNING_KMS_KEY_ID === ''
        ? undefined
        : {
            keyId: s.SNAPSEAL_SIGNING_KMS_KEY_ID,
            createdAt: new Date(s.SNAPSEAL_SIGNING_KMS_KEY_CREATED_AT),
          },
  };
}

const KEY_SETTINGS = {
  ...SIGNING_KMS_SETTINGS,
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
    schema: secretFile,
    default: '',
    about: 'file holding that passphrase (instead of the variable)',
  },
  SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE: {
    schema: text,
    default: '',
    about:
      'rotate-key: passphrase of the old signing key (--old-key-file), if any; the new key uses SNAPSEAL_SIGNING_KEY_PASSPHRASE',
    secret: true,
  },
  SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE_FILE: {
    schema: secretFile,
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
    schema: secretFile,
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
} as const satisfies Record<string, Setting>;

export const keysSchema = settingsObject(KEY_SETTINGS)
  .superRefine(...signingKmsCheck)
  .superRefine(
    ...crossCheck<SettingValues<typeof KEY_SETTINGS>>(
      ['SNAPSEAL_SIGNING_KEY_PASSPHRASE', 'SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE'],
      (s) =>
        oneSource(
          'SNAPSEAL_SIGNING_KEY_PASSPHRASE',
          s.SNAPSEAL_SIGNING_KEY_PASSPHRASE,
          s.SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE,
        ),
    ),
  )
  .superRefine(
    ...crossCheck<SettingValues<typeof KEY_SETTINGS>>(
      ['SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE', 'SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE_FILE'],
      (s) =>
        oneSource(
          'SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE',
          s.SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE,
          s.SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE_FILE,
        ),
    ),
  )
  .superRefine(
    ...crossCheck<SettingValues<typeof KEY_SETTINGS>>(
      ['SNAPSEAL_DECRYPTION_KEY_PASSPHRASE', 'SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE'],
      (s) =>
        oneSource(
          'SNAPSEAL_DECRYPTION_KEY_PASSPHRASE',
          s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE,
          s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE,
        ),
    ),
  )
  .transform((s) => ({
    recipientKeyFiles: s.SNAPSEAL_RECIPIENT_KEY_FILES,
    ...signingKmsOf(s),
    signingKeyFile: orUndefined(s.SNAPSEAL_SIGNING_KEY_FILE),
    signingKeyPassphrase: secretOrUndefined(
      s.SNAPSEAL_SIGNING_KEY_PASSPHRASE_FILE ?? s.SNAPSEAL_SIGNING_KEY_PASSPHRASE,
    ),
    oldSigningKeyPassphrase: secretOrUndefined(
      s.SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE_FILE ?? s.SNAPSEAL_OLD_SIGNING_KEY_PASSPHRASE,
    ),
    verifyKeyFiles: s.SNAPSEAL_VERIFY_KEY_FILES,
    trustedSignerFingerprints: s.SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS,
    decryptionKeyFile: orUndefined(s.SNAPSEAL_DECRYPTION_KEY_FILE),
    decryptionKeyPassphrase: secretOrUndefined(
      s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE_FILE ?? s.SNAPSEAL_DECRYPTION_KEY_PASSPHRASE,
    ),
  }));
export type KeysConfig = z.infer<typeof keysSchema>;

// ---- Schedule

const SCHEDULE_SETTINGS = {
  SNAPSEAL_SCHEDULE_ID: { schema: nonEmpty, default: 'snapseal-daily', about: 'id of the daily Schedule' },
  SNAPSEAL_SCHEDULE_CRON: {
    schema: nonEmpty,
    default: '30 1 * * *',
    about: 'when the daily run starts (cron as Temporal reads it: "30 1 * * *", "0 2 * * MON-FRI", "@daily")',
  },
  SNAPSEAL_SCHEDULE_TIMEZONE: {
    schema: nonEmpty,
    default: 'UTC',
    about: 'time zone of the cron and of "yesterday"',
  },
  SNAPSEAL_DAY_SETTLE_MINUTES: {
    schema: z.union([z.literal('0'), positiveInt]).transform(Number),
    // Shippers buffer and retry (Filebeat, Logstash, Fluent Bit hold minutes of events through an outage), so a
    // day's last documents land after midnight; an hour covers that and still fits before the default 01:30 run.
    default: '60',
    about:
      'minutes after a day ends (in SNAPSEAL_SCHEDULE_TIMEZONE) before it may be archived: late documents settle first',
  },
} as const satisfies Record<string, Setting>;

export const scheduleSchema = settingsObject(SCHEDULE_SETTINGS).transform((s) => ({
  id: s.SNAPSEAL_SCHEDULE_ID,
  cron: s.SNAPSEAL_SCHEDULE_CRON,
  timeZone: s.SNAPSEAL_SCHEDULE_TIMEZONE,
  settleMinutes: s.SNAPSEAL_DAY_SETTLE_MINUTES,
}));
export type ScheduleConfig = z.infer<typeof scheduleSchema>;

// ---- Worker

const WORKER_SETTINGS = {
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
} as const satisfies Record<string, Setting>;

export const workerSchema = settingsObject(WORKER_SETTINGS).transform((s) => ({
  /** Empty: the roles the configured keys allow (rolesForKeys). */
  roles: [...new Set(s.SNAPSEAL_WORKER_ROLES)],
  streamSlots: s.SNAPSEAL_STREAM_SLOTS === '' ? availableParallelism() : s.SNAPSEAL_STREAM_SLOTS,
  maxActivities: s.SNAPSEAL_WORKER_MAX_ACTIVITIES,
  maxWorkflowTasks: s.SNAPSEAL_WORKER_MAX_WORKFLOW_TASKS,
  shutdownGraceSeconds: s.SNAPSEAL_WORKER_SHUTDOWN_GRACE_SECONDS,
}));
export type WorkerConfig = z.infer<typeof workerSchema>;

// ---- Metrics and logging

const METRICS_SETTINGS = {
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
} as const satisfies Record<string, Setting>;

export const metricsSchema = settingsObject(METRICS_SETTINGS).transform((s) => ({
  port: s.SNAPSEAL_METRICS_PORT,
  host: s.SNAPSEAL_METRICS_HOST,
}));
export type MetricsConfig = z.infer<typeof metricsSchema>;

const LOGGING_SETTINGS = {
  SNAPSEAL_LOG_LEVEL: {
    schema: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']),
    default: 'INFO',
    about: 'worker log level (logs are JSON lines on stderr)',
  },
} as const satisfies Record<string, Setting>;

export const loggingSchema = settingsObject(LOGGING_SETTINGS).transform((s) => ({
  level: s.SNAPSEAL_LOG_LEVEL,
}));
export type LoggingConfig = z.infer<typeof loggingSchema>;

// ---- The whole configuration

/** Every environment variable snapseal reads: its schema, default and a one-line meaning (for README and errors). */
export const SETTINGS: Record<string, Setting> = {
  ...TEMPORAL_SETTINGS,
  ...S3_SETTINGS,
  ...STAGING_SETTINGS,
  ...WITNESS_SETTINGS,
  ...EVIDENCE_SETTINGS,
  ...ARCHIVE_SETTINGS,
  ...OPENSEARCH_SETTINGS,
  ...KEY_SETTINGS,
  ...SCHEDULE_SETTINGS,
  ...WORKER_SETTINGS,
  ...METRICS_SETTINGS,
  ...LOGGING_SETTINGS,
};

/**
 * Each section reads its variables from the same environment (a zod object ignores the others). A check
 * across settings lives in a section that reads all of them, so it runs whenever they are valid.
 */
const SECTIONS = {
  temporal: temporalSchema,
  s3: s3Schema,
  staging: stagingSchema,
  witness: witnessSchema,
  evidence: evidenceSchema,
  archive: archiveSchema,
  opensearch: opensearchSchema,
  keys: keysSchema,
  schedule: scheduleSchema,
  worker: workerSchema,
  metrics: metricsSchema,
  logging: loggingSchema,
};

export const configSchema = z.object(SECTIONS);
export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** "scheme://user:pass@host" shown as "scheme://***@host": an invalid URL may still hold a password. */
const withoutUserinfo = (raw: string): string => raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');

/** One line per problem: a setting's own as NAME="value": problem (meaning); a cross-field one as it reads. */
function describeProblems(issues: readonly z.core.$ZodIssue[], raw: Record<string, string>): string[] {
  const problems: string[] = [];
  const named = new Set<string>();
  for (const issue of issues) {
    // [section, NAME] or deeper (an item of a list setting); a cross-field problem has no NAME in its path.
    const name = issue.path.map(String).find((key) => key in SETTINGS);
    const spec = name === undefined ? undefined : SETTINGS[name];
    if (name === undefined || !spec) {
      problems.push(issue.message);
      continue;
    }
    if (named.has(name)) continue; // the first problem of a setting says enough
    named.add(name);
    const shown = spec.secret ? '(hidden)' : JSON.stringify(withoutUserinfo(raw[name] ?? ''));
    problems.push(`${name}=${shown}: ${issue.message} (${spec.about})`);
  }
  return problems;
}

/**
 * SNAPSEAL_* variables that are not settings yet belong to snapseal: the CLI's own (the settings file, debug
 * output) and those of the development stack and its tests (scripts/stack.sh writes some into .stack/env).
 */
const NOT_SETTINGS = new Set([
  'SNAPSEAL_ENV_FILE',
  'SNAPSEAL_DEBUG',
  'SNAPSEAL_CACHE_DIR',
  'SNAPSEAL_CI_SECOND_TARGET',
  'SNAPSEAL_RECORD_HISTORIES',
  'SNAPSEAL_FAULT_WORKER_LOG',
  'SNAPSEAL_OPENSEARCH_FS_REPO_PATH',
  'SNAPSEAL_CI_ELASTICSEARCH',
  'SNAPSEAL_NODE',
  'SNAPSEAL_ADVERSARY_FULL',
  'SNAPSEAL_ADVERSARY_REPORT',
]);
const isToolingVariable = (name: string): boolean =>
  NOT_SETTINGS.has(name) || name.startsWith('SNAPSEAL_STACK_');

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The known setting nearest in spelling to `name`. */
export function closestSetting(name: string): string {
  let best = '';
  let bestDistance = Infinity;
  for (const known of Object.keys(SETTINGS)) {
    const distance = editDistance(name, known);
    if (distance < bestDistance) [best, bestDistance] = [known, distance];
  }
  return best;
}

/**
 * A SNAPSEAL_* name that is no setting is a typo until proven otherwise: taken silently, the setting it meant
 * would keep its default (another bucket, another time zone). One problem line per name, naming the closest.
 */
function unknownSettingProblems(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('SNAPSEAL_') && !(name in SETTINGS) && !isToolingVariable(name))
    .sort()
    .map(
      (name) =>
        `${name} is not a snapseal setting: did you mean ${closestSetting(name)}? Correct the name or remove it (every setting is listed in the README).`,
    );
}

/** The configuration of an environment; every problem of every setting at once, in one ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.entries(SETTINGS).map(([name, spec]) => [name, env[name] ?? spec.default]),
  );
  const parsed = configSchema.safeParse(Object.fromEntries(Object.keys(SECTIONS).map((key) => [key, raw])));
  const problems = [
    ...unknownSettingProblems(env),
    ...(parsed.success ? [] : describeProblems(parsed.error.issues, raw)),
  ];
  if (!parsed.success || problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
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

/**
 * The variables of a settings file (as scripts/stack.sh writes .stack/env) under an env object, parsed by
 * Node's own dotenv parser: comments, quotes and `export` lines as it reads them. Variables already set in
 * `base` win, so a user can override one setting on the command line.
 */
export function withEnvFile(path: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the settings file ${path}: ${fileErrorCode(err)}`);
  }
  return { ...parseEnv(content), ...base };
}
