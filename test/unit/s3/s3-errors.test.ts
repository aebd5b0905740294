import {
  describeS3Error,
  isNotFound,
  isPermanentS3Error,
  isPreconditionFailed,
} from '../../../src/s3/s3-errors';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('S3 error classification', () => {
  it('treats a missing key as "not found" but a missing bucket as permanent', () => {
    expect(isNotFound(s3Error('NoSuchKey', 404))).toBe(true);
    expect(isNotFound(s3Error('NoSuchBucket', 404))).toBe(false);
    expect(isPermanentS3Error(s3Error('NoSuchBucket', 404))).toBe(true);
  });

  it('treats denied access as permanent and server trouble as retryable', () => {
    expect(isPermanentS3Error(s3Error('AccessDenied', 403))).toBe(true);
    expect(isPermanentS3Error(s3Error('InternalError', 500))).toBe(false);
    expect(isPermanentS3Error(s3Error('SlowDown', 503))).toBe(false);
  });

  it('recognises a lost conditional write', () => {
    expect(isPreconditionFailed(s3Error('PreconditionFailed', 412))).toBe(true);
    expect(isPreconditionFailed(s3Error('InternalError', 500))).toBe(false);
  });

  it('says what to do', () => {
    expect(describeS3Error(s3Error('NoSuchBucket', 404))).toContain('snapseal setup');
    expect(describeS3Error(s3Error('AccessDenied', 403))).toContain('check the S3 credentials');
  });
});
