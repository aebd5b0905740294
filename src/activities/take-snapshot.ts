// Registers the run's own staging repository and starts the snapshot (without waiting for it).
import type { ArchiveTarget } from '../archive/archive-types';
import {
  ClusterRequestError,
  registerS3Repository,
  startSnapshot,
  type S3RepositorySettings,
} from '../opensearch/snapshot-api';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createTakeSnapshot({ config, opensearch }: ActivityDeps) {
  return async function takeSnapshot(target: ArchiveTarget, indices: string[]): Promise<void> {
    const settings: S3RepositorySettings = {
      bucket: config.staging.bucket,
      base_path: target.folders.repositoryBasePath,
      client: config.opensearch.repositoryClient,
      // From OpenSearch 2.17 a hashed shard path may put blobs outside base_path; FIXED keeps them inside.
      shard_path_type: 'FIXED',
      ...(config.opensearch.sseBucketDefault
        ? { server_side_encryption_type: 'bucket_default' as const }
        : {}),
      ...(config.opensearch.repositoryRoleArn ? { role_arn: config.opensearch.repositoryRoleArn } : {}),
    };
    try {
      await registerS3Repository(opensearch, target.repository, settings);
      await startSnapshot(opensearch, target.repository, target.snapshot, indices);
    } catch (err) {
      if (err instanceof ClusterRequestError && err.permanent) {
        throw permanentFailure(FailureType.ClusterRejected, err.message, err);
      }
      throw err;
    }
  };
}
