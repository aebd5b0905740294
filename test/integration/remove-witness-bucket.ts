// A test's witness bucket outlives the test by its records' COMPLIANCE retention, which nobody can shorten:
// wait until the newest record's retention has run out, then remove the bucket.
import { GetObjectRetentionCommand, type S3Client } from '@aws-sdk/client-s3';
import { removeBucket } from './stack';
import { waitFor } from './wait-for';

export async function removeWitnessBucket(
  s3: S3Client,
  bucket: string,
  newestRecordKey: string,
): Promise<void> {
  const last = await s3
    .send(new GetObjectRetentionCommand({ Bucket: bucket, Key: newestRecordKey }))
    .then((r) => r.Retention?.RetainUntilDate)
    .catch(() => undefined);
  if (last) await waitFor(() => Date.now() > new Date(last).getTime() + 1000, 'witness retention to end');
  await waitFor(
    () =>
      removeBucket(s3, bucket).then(
        () => true,
        (err: { name?: string }) => err.name === 'NoSuchBucket',
      ),
    `removal of ${bucket}`,
    { timeoutMs: 60_000, everyMs: 2000 },
  );
}
