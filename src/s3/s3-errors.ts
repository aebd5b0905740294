// The one home of S3 error classification: which errors are permanent (retrying cannot help), which mean
// "not there", and how to describe any S3 error in one line with the operation, bucket and key it concerns.

interface S3LikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  /** Set by the S3 client's middleware (createS3Client): which request failed. */
  $snapseal?: S3Operation;
  cause?: unknown;
}

/** The request an S3 error belongs to, e.g. `{ action: 'PutObject', bucket: 'b', key: 'k' }`. */
export interface S3Operation {
  action: string;
  bucket?: string;
  key?: string;
}

/**
 * What an S3 error means for the caller:
 * - `not-found`: the key (or, for HeadObject/HeadBucket, the object or bucket) is not there;
 * - `permanent`: access denied, bad credentials, a missing bucket or a request the server will never accept;
 * - `precondition-failed`: a conditional write lost its race;
 * - `transient`: everything else (network errors, timeouts, throttling, 5xx): retry.
 */
export type S3ErrorKind = 'not-found' | 'permanent' | 'precondition-failed' | 'transient';

const PERMANENT = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'Forbidden',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidBucketName',
  'InvalidRequest',
  'InvalidArgument',
  'InvalidObjectState',
  'NotImplemented',
  'MethodNotAllowed',
]);

// 400s a retry can cure: a slow client, an expired session token a credential provider renews.
const TRANSIENT_400 = new Set(['RequestTimeout', 'ExpiredToken', 'TokenRefreshRequired', 'Throttling']);

function code(err: unknown): string | undefined {
  const e = err as S3LikeError;
  return e?.Code ?? e?.name;
}

function status(err: unknown): number | undefined {
  return (err as S3LikeError)?.$metadata?.httpStatusCode;
}

/** Whether an error is one the S3 service (or the SDK on its behalf) answered: it carries HTTP metadata. */
function isServiceError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && '$metadata' in err;
}

export function classifyS3Error(err: unknown): S3ErrorKind {
  const c = code(err);
  const s = status(err);
  if (c === 'PreconditionFailed' || s === 412) return 'precondition-failed';
  if (c === 'NoSuchBucket') return 'permanent';
  if (c === 'NoSuchKey' || c === 'NotFound' || s === 404) return 'not-found';
  if (c && TRANSIENT_400.has(c)) return 'transient';
  if (c && PERMANENT.has(c)) return 'permanent';
  if (s === 400 || s === 401 || s === 403 || s === 405 || s === 501) return 'permanent';
  return 'transient';
}

export function isNotFound(err: unknown): boolean {
  return classifyS3Error(err) === 'not-found';
}

export function isPreconditionFailed(err: unknown): boolean {
  return classifyS3Error(err) === 'precondition-failed';
}

/** Whether S3 answered that the bucket itself does not exist (NoSuchBucket), as opposed to a missing key. */
export function isMissingBucket(err: unknown): boolean {
  return code(err) === 'NoSuchBucket';
}

/** Permanent: a missing bucket, denied access, bad credentials or a request the server will never accept. */
export function isPermanentS3Error(err: unknown): boolean {
  return classifyS3Error(err) === 'permanent';
}

/** Whether access was refused (403 or its codes), as opposed to other permanent errors. */
export function isAccessDenied(err: unknown): boolean {
  const c = code(err);
  return status(err) === 403 || c === 'AccessDenied' || c === 'Forbidden' || c === 'AllAccessDisabled';
}

/** The S3 error in an error's cause chain (wrappers keep it as `cause`), if any. */
export function findS3Error(err: unknown): (Error & S3LikeError) | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as S3LikeError).cause, depth++) {
    if (isServiceError(e) || (e as S3LikeError).$snapseal) return e as Error & S3LikeError;
  }
  return undefined;
}

/** The request an S3 error came from, as recorded by the client middleware. */
export function s3OperationOf(err: unknown): S3Operation | undefined {
  return (err as S3LikeError)?.$snapseal;
}

// Which setting names each bucket, as the process's configuration says (nameBucketSettings): an error about a
// bucket then says what to change.
const bucketSettings = new Map<string, string>();

/** Record which setting names which bucket (e.g. "team-archive" → SNAPSEAL_ARCHIVE_BUCKET), for error messages. */
export function nameBucketSettings(settings: Record<string, string | undefined>): void {
  for (const [setting, bucket] of Object.entries(settings)) if (bucket) bucketSettings.set(bucket, setting);
}

export function describeS3Operation(op: S3Operation | undefined): string {
  if (!op) return 'an S3 request';
  const setting = op.bucket ? bucketSettings.get(op.bucket) : undefined;
  const where = op.bucket
    ? ` s3://${op.bucket}/${op.key ?? ''}${setting ? ` (bucket of ${setting})` : ''}`
    : '';
  return `${op.action}${where}`;
}

// No credentials at all: the SDK's default chain found none (not an answer of the service).
const NO_CREDENTIALS = 'CredentialsProviderError';
const BAD_CREDENTIALS = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch']);
// Answers that mean a setting is wrong, whatever is retried: exit code 3 in the CLI.
const SETTING_PROBLEMS = new Set([
  'NoSuchBucket',
  'InvalidBucketName',
  'InvalidStorageClass',
  'PermanentRedirect',
  'AuthorizationHeaderMalformed',
]);

/** Whether an error (or its cause) is an S3 problem of configuration: credentials, a bucket, a storage class. */
export function s3ProblemExitsAsConfig(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 10; e = (e as S3LikeError).cause, depth++) {
    const c = code(e);
    if (c === NO_CREDENTIALS || (c && (BAD_CREDENTIALS.has(c) || SETTING_PROBLEMS.has(c)))) return true;
    if (isServiceError(e) && isAccessDenied(e)) return true;
  }
  return false;
}

/** One line for a failed S3 request: the operation, bucket and key, the setting behind them, and what to do. */
export function describeS3Failure(err: unknown): string | undefined {
  const s3Error = findS3Error(err);
  if (!s3Error) return undefined;
  return `S3 ${describeS3Operation(s3OperationOf(s3Error))} failed: ${describeS3Error(s3Error)}`;
}

export function describeS3Error(err: unknown): string {
  const c = code(err);
  const s = status(err);
  if (c === 'NoSuchBucket') return 'the bucket does not exist: create it first, e.g. with `snapseal setup`';
  if (c === 'NotFound' && s === 404) return 'not found (404): create it first, e.g. with `snapseal setup`';
  // Before access denied: a wrong key or secret is answered with 403 too.
  if (c && BAD_CREDENTIALS.has(c))
    return `${c}: check SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY`;
  if (isAccessDenied(err)) return 'access denied (403): check the S3 credentials and the bucket policy';
  if (c === NO_CREDENTIALS)
    return 'no S3 credentials found: set SNAPSEAL_S3_ACCESS_KEY_ID and SNAPSEAL_S3_SECRET_ACCESS_KEY (or _FILE), or provide AWS default credentials';
  if (c === 'InvalidStorageClass')
    return `${c}: this S3 service does not offer the cold storage class (SNAPSEAL_COLD_STORAGE_CLASS); on MinIO without a remote tier set SNAPSEAL_LIFECYCLE_TRANSITIONS=false`;
  const e = err as S3LikeError;
  const message = e?.message;
  // No HTTP answer at all (the SDK adds $metadata to network errors too, without a status).
  const network = s === undefined && e?.code ? ` (${e.code}; is SNAPSEAL_S3_ENDPOINT reachable?)` : '';
  const name = c && c !== 'Error' ? c : undefined;
  return (
    [name, s ? `(${s})` : undefined, message && message !== c ? message : undefined]
      .filter(Boolean)
      .join(' ') + network || String(err)
  );
}
