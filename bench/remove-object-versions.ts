// Removes what a bench run wrote to a versioned bucket (the archive bucket has versioning and Object Lock, and
// the bench sets no retention): every version and delete marker under a prefix.
import { DeleteObjectsCommand, ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';

export async function removeObjectVersions(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  if (!prefix.startsWith('runs/') && !prefix.startsWith('shell/')) {
    throw new Error(`Refusing to remove s3://${bucket}/${prefix}: not a bench run folder`);
  }
  let removed = 0;
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        VersionIdMarker: versionMarker,
      }),
    );
    const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key as string,
      VersionId: v.VersionId,
    }));
    if (objects.length > 0) {
      const result = await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }),
      );
      if ((result.Errors ?? []).length > 0) {
        const e = result.Errors?.[0];
        throw new Error(`Could not remove s3://${bucket}/${e?.Key}: ${e?.Code} ${e?.Message}`);
      }
      removed += objects.length;
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  return removed;
}
