// Small S3 operations the activities share: list a prefix, delete a prefix, read/write small JSON documents.
import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { classifyS3Error, describeS3Error, isNotFound } from './s3-errors';

export interface ListedObject {
  key: string;
  size: number;
  /** As the server sends it, quotes included (what If-Match expects). */
  etag: string;
}

/** Every object under `prefix`, in the server's (lexicographic) order. */
export async function* listObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
): AsyncGenerator<ListedObject> {
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) yield { key: o.Key!, size: o.Size ?? 0, etag: o.ETag ?? '' };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Delete every object under `prefix` (current versions) and abort unfinished multipart uploads; returns the count. */
export async function deletePrefix(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await client.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
      }),
    );
    const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
    if (failed.length > 0) {
      throw new Error(
        `Could not delete ${failed.length} objects under s3://${bucket}/${prefix}: ${failed[0]?.Code} ${failed[0]?.Message}`,
      );
    }
    deleted += batch.length;
    batch = [];
  };
  for await (const o of listObjects(client, bucket, prefix)) {
    batch.push(o.key);
    if (batch.length === 1000) await flush();
  }
  await flush();
  await abortUploads(client, bucket, prefix);
  return deleted;
}

/** Abort multipart uploads left under `prefix` by a worker that died mid-upload (every page of them). */
export async function abortUploads(client: S3Client, bucket: string, prefix: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await client.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of page.Uploads ?? []) {
      await client.send(
        new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }),
      );
      aborted += 1;
    }
    const more = page.IsTruncated === true && (page.NextKeyMarker ?? '') !== '';
    keyMarker = more ? page.NextKeyMarker : undefined;
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return aborted;
}

export async function readJson<T>(client: S3Client, bucket: string, key: string): Promise<T | undefined> {
  const text = await readText(client, bucket, key);
  return text === undefined ? undefined : (JSON.parse(text) as T);
}

export async function readText(client: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return await got.Body!.transformToString('utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new Error(`Reading s3://${bucket}/${key} failed: ${describeS3Error(err)}`, { cause: err });
  }
}

export async function writeObject(
  client: S3Client,
  bucket: string,
  key: string,
  body: string | Uint8Array,
  extra: Partial<PutObjectCommandInput> = {},
): Promise<void> {
  await client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ChecksumAlgorithm: 'SHA256', ...extra }),
  );
}

/** A bucket that could not be used; `permanent` when retrying cannot help (missing, denied, rejected). */
export class BucketUnreachableError extends Error {
  override name = 'BucketUnreachableError';
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Throws a BucketUnreachableError when the bucket cannot be used: permanent when it is missing or not ours to
 * use; not permanent for a network blip, a timeout or a 5xx, so the caller retries.
 */
export async function assertBucketReachable(client: S3Client, bucket: string, role: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const kind = classifyS3Error(err);
    throw new BucketUnreachableError(
      `The ${role} bucket "${bucket}" is not usable: ${describeS3Error(err)}`,
      kind === 'permanent' || kind === 'not-found',
      { cause: err },
    );
  }
}
