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
    // Elasticsearch compresses snapshot metadata by default; the shard snapshots (snap-*.dat) must stay plain
    // SMILE for the document count to name the Lucene commit they copied (count-snapshot-documents.ts).
    ...(opensearch ? {} : { compress: false }),
    ...managedServiceSettings(config),
  };
}

/**
 * Amazon OpenSearch Service writes to S3 as the role it is given, in the bucket's region: its documented
 * request carries both `role_arn` and `region` among the s3 settings
 * (docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-snapshot-registerdirectory.html).
 * Self-managed clusters take the region from their s3 client settings, so neither is sent to them.
 */
export function managedServiceSettings(config: Config): Pick<S3RepositorySettings, 'role_arn' | 'region'> {
  const roleArn = config.opensearch.repositoryRoleArn;
  return roleArn ? { role_arn: roleArn, region: config.s3.region } : {};
}
