import {
  classifyS3Error,
  describeS3Error,
  describeS3Failure,
  findS3Error,
  isMissingBucket,
  isNotFound,
  isPermanentS3Error,
  isPreconditionFailed,
  nameBucketSettings,
  s3ProblemExitsAsConfig,
} from '../../../src/s3/s3-errors';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
/** What the SDK throws when the connection drops or times out: no HTTP status at all. */
const networkError = (code: string) =>
  Object.assign(new Error(`socket ${code}`), { name: code === 'ETIMEDOUT' ? 'TimeoutError' : 'Error', code });

describe('S3 error classification', () => {
  it('treats a missing key as "not found" but a missing bucket as permanent', () => {
    expect(isNotFound(s3Error('NoSuchKey', 404))).toBe(true);
    expect(isNotFound(s3Error('NotFound', 404))).toBe(true);
    expect(isNotFound(s3Error('NoSuchBucket', 404))).toBe(false);
    expect(isPermanentS3Error(s3Error('NoSuchBucket', 404))).toBe(true);
    expect(isPermanentS3Error(s3Error('NoSuchKey', 404))).toBe(false);
    expect(isMissingBucket(s3Error('NoSuchBucket', 404))).toBe(true);
    expect(isMissingBucket(s3Error('NoSuchKey', 404))).toBe(false);
  });

  it('treats denied access and bad credentials as permanent and server trouble as retryable', () => {
    expect(isPermanentS3Error(s3Error('AccessDenied', 403))).toBe(true);
    expect(isPermanentS3Error(s3Error('InvalidAccessKeyId', 403))).toBe(true);
    expect(isPermanentS3Error(s3Error('InternalError', 500))).toBe(false);
    expect(isPermanentS3Error(s3Error('SlowDown', 503))).toBe(false);
  });

  it('retries network errors, timeouts and the 400s a retry can cure', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'])
      expect(classifyS3Error(networkError(code))).toBe('transient');
    expect(classifyS3Error(s3Error('RequestTimeout', 400))).toBe('transient');
    expect(classifyS3Error(s3Error('ExpiredToken', 400))).toBe('transient');
    expect(classifyS3Error(s3Error('InvalidArgument', 400))).toBe('permanent');
  });

  it('recognises a lost conditional write', () => {
    expect(isPreconditionFailed(s3Error('PreconditionFailed', 412))).toBe(true);
    expect(isPreconditionFailed(s3Error('InternalError', 500))).toBe(false);
  });

  it('finds the S3 error inside wrappers and names the request it came from', () => {
    const denied = Object.assign(s3Error('AccessDenied', 403), {
      $snapseal: { action: 'PutObject', bucket: 'b', key: 'k' },
    });
    const wrapped = new Error('Uploading failed', { cause: new Error('stream failed', { cause: denied }) });
    expect(findS3Error(wrapped)).toBe(denied);
    expect(findS3Error(new Error('plain'))).toBeUndefined();
  });

  it('says what to do', () => {
    expect(describeS3Error(s3Error('NoSuchBucket', 404))).toContain('snapseal setup');
    expect(describeS3Error(s3Error('AccessDenied', 403))).toContain('check the S3 credentials');
    expect(describeS3Error(networkError('ECONNREFUSED'))).toContain('SNAPSEAL_S3_ENDPOINT');
  });

  it('names the request, the bucket and key, and the setting that names the bucket', () => {
    nameBucketSettings({ SNAPSEAL_ARCHIVE_BUCKET: 'team-audit-archive', SNAPSEAL_WITNESS_BUCKET: undefined });
    const missing = Object.assign(s3Error('NoSuchBucket', 404), {
      $snapseal: { action: 'ListObjectsV2', bucket: 'team-audit-archive' },
    });
    expect(describeS3Failure(new Error('listing failed', { cause: missing }))).toBe(
      'S3 ListObjectsV2 s3://team-audit-archive/ (bucket of SNAPSEAL_ARCHIVE_BUCKET) failed: the bucket does not exist: create it first, e.g. with `snapseal setup`',
    );
    expect(describeS3Failure(new Error('plain'))).toBeUndefined();
  });

  it('tells configuration problems (exit code 3) from outages', () => {
    expect(s3ProblemExitsAsConfig(new Error('x', { cause: s3Error('NoSuchBucket', 404) }))).toBe(true);
    expect(s3ProblemExitsAsConfig(s3Error('SignatureDoesNotMatch', 403))).toBe(true);
    expect(s3ProblemExitsAsConfig(s3Error('InvalidStorageClass', 400))).toBe(true);
    expect(s3ProblemExitsAsConfig(s3Error('AccessDenied', 403))).toBe(true);
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(s3ProblemExitsAsConfig(noCredentials)).toBe(true);
    expect(describeS3Error(noCredentials)).toContain('SNAPSEAL_S3_ACCESS_KEY_ID');
    expect(describeS3Error(s3Error('InvalidStorageClass', 400))).toContain(
      'SNAPSEAL_LIFECYCLE_TRANSITIONS=false',
    );
    expect(s3ProblemExitsAsConfig(networkError('ECONNREFUSED'))).toBe(false);
    expect(s3ProblemExitsAsConfig(s3Error('InternalError', 500))).toBe(false);
  });
});
