// Which S3 errors are permanent (retrying cannot help) and how to describe any S3 error in one line.

interface S3LikeError {
  name?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const PERMANENT = new Set([
  'NoSuchBucket',
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidBucketName',
  'InvalidRequest',
  'InvalidArgument',
  'NotImplemented',
]);

function code(err: unknown): string | undefined {
  const e = err as S3LikeError;
  return e?.Code ?? e?.name;
}

function status(err: unknown): number | undefined {
  return (err as S3LikeError)?.$metadata?.httpStatusCode;
}

export function isNotFound(err: unknown): boolean {
  const c = code(err);
  return c === 'NoSuchKey' || c === 'NotFound' || (status(err) === 404 && c !== 'NoSuchBucket');
}

export function isPreconditionFailed(err: unknown): boolean {
  return code(err) === 'PreconditionFailed' || status(err) === 412;
}

/** Permanent: a missing bucket, denied access, bad credentials or a request the server will never accept. */
export function isPermanentS3Error(err: unknown): boolean {
  const c = code(err);
  if (c && PERMANENT.has(c)) return true;
  const s = status(err);
  return s === 403 || (s === 404 && c !== 'NoSuchKey') || s === 400;
}

export function describeS3Error(err: unknown): string {
  const c = code(err);
  const s = status(err);
  if (c === 'NotFound' && s === 404) return 'not found (404): create it first, e.g. with `snapseal setup`';
  if (c === 'NoSuchBucket') return 'the bucket does not exist: create it first, e.g. with `snapseal setup`';
  if (s === 403 || c === 'AccessDenied' || c === 'Forbidden')
    return 'access denied (403): check the S3 credentials and the bucket policy';
  const message = (err as S3LikeError)?.message;
  return (
    [c, s ? `(${s})` : undefined, message && message !== c ? message : undefined].filter(Boolean).join(' ') ||
    String(err)
  );
}
