// The staging bucket's restore folder: verified plaintext is written here for the cluster to read, so every
// object must be a version snapseal wrote and nothing else. Versioning makes any later write visible (a new
// version or delete marker); cleanup therefore removes every version, not just the current one.
import { DeleteObjectsCommand, GetBucketVersioningCommand, type ObjectIdentifier } from '@aws-sdk/client-s3';
import { isMissingBucket } from '../s3/s3-errors';
import { abortUploads } from '../s3/s3-objects';
import { startStreamUpload, type StreamUpload } from '../s3/upload-stream';
import type { Bucket, KeyHistory } from './bucket';

/** The bucket's versioning as S3 reports it: 'Enabled', 'Suspended' or 'off'. */
export async function versioningOf(bucket: Bucket): Promise<string> {
  const got = await bucket.s3.send(new GetBucketVersioningCommand({ Bucket: bucket.name }));
  return got.Status ?? 'off';
}

/** A streamed write of `key`; its `done` gives the version S3 created. */
export function startStagedUpload(
  bucket: Bucket,
  key: string,
  sizes: { partSizeBytes: number; queueSize: number },
): StreamUpload {
  return startStreamUpload(bucket.s3, { bucket: bucket.name, key, ...sizes }, 'application/octet-stream');
}

/**
 * Removes every version and delete marker under `prefix` (and unfinished uploads), so nothing staged outlives
 * the run in a noncurrent version; `which` narrows it to some keys (default: all). Returns how many keys it removed.
 * A bucket that no longer exists holds nothing to remove: 0, so the rest of a cleanup (unsealed volumes) still runs.
 */
export async function deleteEveryVersion(
  bucket: Bucket,
  prefix: string,
  which: (key: string) => boolean = () => true,
): Promise<number> {
  let listed: KeyHistory[];
  try {
    listed = await bucket.histories(prefix);
  } catch (err) {
    if (isMissingBucket(err)) return 0;
    throw err;
  }
  const histories = listed.filter((h) => which(h.key));
  const ids: ObjectIdentifier[] = histories.flatMap((h) =>
    [...h.versions, ...h.deleteMarkers].map((v) => ({ Key: h.key, VersionId: v.versionId })),
  );
  for (let at = 0; at < ids.length; at += 1000) {
    const result = await bucket.s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket.name,
        Delete: { Objects: ids.slice(at, at + 1000), Quiet: true },
      }),
    );
    const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey' && e.Code !== 'NoSuchVersion');
    if (failed.length > 0) {
      throw new Error(
        `Could not delete ${failed.length} object version(s) under ${bucket.url(prefix)}: ${failed[0]?.Key} ${failed[0]?.Code} ${failed[0]?.Message ?? ''}`.trim(),
      );
    }
  }
  await abortUploads(bucket.s3, bucket.name, prefix);
  return histories.length;
}
