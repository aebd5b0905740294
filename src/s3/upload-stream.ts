// A multipart upload fed by a stream: explicit part size (S3 allows 10,000 parts, so the part size bounds
// the largest object), SHA-256 checksums on every part (Object Lock buckets require checksums).
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PassThrough } from 'node:stream';

export interface UploadTarget {
  bucket: string;
  key: string;
  partSizeBytes: number;
  queueSize: number;
}

export interface StreamUpload {
  /** Write the object's bytes here; end it to complete the upload. */
  body: PassThrough;
  /** Resolves once S3 has the whole object; rejects (and aborts the upload) on failure. */
  done: Promise<void>;
  abort(): Promise<void>;
}

export function startStreamUpload(
  s3: S3Client,
  target: UploadTarget,
  contentType = 'application/pgp-encrypted',
): StreamUpload {
  // Hold at most one part in the body's buffer; lib-storage itself buffers queueSize parts.
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: body,
      ContentType: contentType,
      ChecksumAlgorithm: 'SHA256',
    },
    partSize: target.partSizeBytes,
    queueSize: target.queueSize,
    leavePartsOnError: false,
  });
  const done = upload.done().then(
    () => undefined,
    (err: unknown) => {
      body.destroy(err as Error);
      throw new Error(`Uploading s3://${target.bucket}/${target.key} failed: ${(err as Error).message}`, {
        cause: err,
      });
    },
  );
  return { body, done, abort: () => upload.abort() };
}
