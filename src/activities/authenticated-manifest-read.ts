// Activities re-read a manifest only through the reference its authentication produced; a swapped or vanished
// manifest fails the step at once (ArchiveTampered), never retried and never trusted.
import type { S3Client } from '@aws-sdk/client-s3';
import {
  ManifestNotAuthentic,
  readAuthenticatedManifest,
  type ManifestRef,
} from '../archive/authenticated-manifest';
import type { ArchiveManifest } from '../pipeline/manifest';
import { FailureType, permanentFailure } from './failure-types';

export async function authenticatedManifest(
  s3: S3Client,
  bucket: string,
  ref: ManifestRef,
): Promise<ArchiveManifest> {
  try {
    return await readAuthenticatedManifest(s3, bucket, ref);
  } catch (err) {
    if (err instanceof ManifestNotAuthentic) {
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `Archive ${ref.archiveId}: ${err.message}; nothing read from it is trusted`,
        err,
      );
    }
    throw err;
  }
}
