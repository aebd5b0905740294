// The blobs of a run's snapshot repository, as tar entries: every object under base_path except the
// repository verification blobs (tests-*), named by their path relative to base_path.
import type { S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../s3/s3-objects';

export interface StagingBlob {
  /** Path inside the repository (and inside the tar), e.g. indices/<uuid>/0/__abc */
  key: string;
  size: number;
  /** The version listed: volumes fetch it with If-Match, so a blob changed after planning is never archived. */
  etag: string;
}

export async function listStagingBlobs(
  client: S3Client,
  bucket: string,
  basePath: string,
): Promise<StagingBlob[]> {
  const prefix = `${basePath}/`;
  const blobs: StagingBlob[] = [];
  for await (const o of listObjects(client, bucket, prefix)) {
    if (!o.key.startsWith(prefix)) {
      throw new Error(`Listing ${prefix} returned ${o.key}, which lies outside it`);
    }
    const key = o.key.slice(prefix.length);
    if (key === '' || key.startsWith('tests-')) continue;
    if (!o.etag) throw new Error(`Listing ${prefix} returned ${o.key} without an ETag`);
    blobs.push({ key, size: o.size, etag: o.etag });
  }
  return blobs;
}
