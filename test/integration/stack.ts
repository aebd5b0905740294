// Shared helpers for integration tests: clients for the real local stack and unique, disposable names.
import { randomBytes } from 'node:crypto';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { loadConfig, type Config } from '../../src/config';
import { createS3Client } from '../../src/s3/create-s3-client';
import { createOpenSearchClient } from '../../src/opensearch/create-opensearch-client';

export function stackConfig(): Config {
  return loadConfig(process.env);
}

export function s3(): S3Client {
  return createS3Client(stackConfig().s3);
}

export function opensearch(): Client {
  const config = stackConfig();
  return createOpenSearchClient(config.opensearch, config.s3.region);
}

/** A name no other test (or earlier run) uses: lower-case, safe for buckets, indices and task queues. */
export function uniqueName(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Remove a bucket with every object version in it (buckets under Object Lock in governance mode included). */
export async function removeBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const page = await client.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const ids = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      VersionId: v.VersionId,
    }));
    if (ids.length === 0) break;
    const deleted = await client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: ids }, BypassGovernanceRetention: true }),
    );
    // A version under COMPLIANCE retention stays until its date: say so instead of listing it again forever.
    const refused = deleted.Errors?.[0];
    if (refused) {
      throw Object.assign(
        new Error(
          `cannot empty bucket ${bucket}: ${refused.Key} (${refused.VersionId}): ${refused.Code} ${refused.Message ?? ''}`.trim(),
        ),
        { name: 'BucketNotEmptied' },
      );
    }
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
