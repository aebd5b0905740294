// The settings of a run's staging snapshot repository, chosen for the cluster's distribution and version.
import type { Config } from '../config';
import type { ClusterInfo, S3RepositorySettings } from '../opensearch/snapshot-api';
import type { ArchiveTarget } from './archive-types';

function versionAtLeast(version: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

export function stagingRepositorySettings(
  config: Config,
  target: ArchiveTarget,
  cluster: ClusterInfo,
): S3RepositorySettings {
  const opensearch = cluster.distribution === 'opensearch';
  const sse = config.opensearch.sseBucketDefault;
  return {
    bucket: config.staging.bucket,
    base_path: target.folders.repositoryBasePath,
    client: config.opensearch.repositoryClient,
    // From OpenSearch 2.17 a hashed shard path may put blobs outside base_path; FIXED keeps them inside.
    ...(opensearch && versionAtLeast(cluster.version, 2, 17) ? { shard_path_type: 'FIXED' as const } : {}),
    // OpenSearch 3.x asks for an explicit server-side encryption type; the bucket's default is the sane one.
    ...(sse === 'true' || (sse === 'auto' && opensearch && versionAtLeast(cluster.version, 3, 0))
      ? { server_side_encryption_type: 'bucket_default' as const }
      : {}),
    ...(config.opensearch.repositoryRoleArn ? { role_arn: config.opensearch.repositoryRoleArn } : {}),
  };
}
