import { runFolders } from '../../../src/archive/archive-layout';
import { stagingRepositorySettings } from '../../../src/archive/staging-repository';
import { loadConfig } from '../../../src/config';
import type { ClusterInfo } from '../../../src/opensearch/snapshot-api';

const target = {
  archiveId: '2026-11-21_logdata-21112026',
  date: '2026-11-21',
  indexPattern: 'logdata-21112026',
  repository: 'snapseal-abc',
  snapshot: 'snapseal-2026-11-21_logdata-21112026',
  folders: runFolders('staging/', '2026-11-21_logdata-21112026', 'abc'),
};
const cluster = (distribution: string, version: string): ClusterInfo => ({
  name: 'c',
  uuid: 'u',
  distribution,
  version,
});

describe('staging repository settings', () => {
  it("keeps every blob under the run's own base_path", () => {
    const s = stagingRepositorySettings(loadConfig({}), target, cluster('opensearch', '2.19.1'));
    expect(s).toEqual({
      bucket: 'snapseal-staging',
      base_path: 'staging/2026-11-21_logdata-21112026/abc/repository',
      client: 'default',
      shard_path_type: 'FIXED',
    });
  });

  // Elasticsearch compresses snapshot metadata unless told not to; the document count reads snap-*.dat plain.
  it('keeps snapshot metadata uncompressed on Elasticsearch (7.x to 9.x), and sends nothing for it to OpenSearch', () => {
    for (const version of ['7.17.29', '8.19.21', '9.5.3']) {
      expect(
        stagingRepositorySettings(loadConfig({}), target, cluster('elasticsearch', version)).compress,
      ).toBe(false);
    }
    expect(
      stagingRepositorySettings(loadConfig({}), target, cluster('opensearch', '3.8.0')),
    ).not.toHaveProperty('compress');
  });

  it('asks for bucket-default encryption on OpenSearch 3.x, and leaves OpenSearch-only settings off Elasticsearch', () => {
    expect(
      stagingRepositorySettings(loadConfig({}), target, cluster('opensearch', '3.1.0'))
        .server_side_encryption_type,
    ).toBe('bucket_default');
    const es = stagingRepositorySettings(loadConfig({}), target, cluster('elasticsearch', '8.15.0'));
    expect(es.shard_path_type).toBeUndefined();
    expect(es.server_side_encryption_type).toBeUndefined();
    expect(es.compress).toBe(false);
    expect(
      stagingRepositorySettings(loadConfig({}), target, cluster('opensearch', '2.11.0')).shard_path_type,
    ).toBeUndefined();
  });

  it("passes the role and the bucket's region for Amazon OpenSearch Service", () => {
    const config = loadConfig({
      SNAPSEAL_REPOSITORY_ROLE_ARN: 'arn:aws:iam::123456789012:role/snapshots',
      SNAPSEAL_S3_REGION: 'eu-central-1',
    });
    expect(stagingRepositorySettings(config, target, cluster('opensearch', '2.19.1'))).toMatchObject({
      role_arn: 'arn:aws:iam::123456789012:role/snapshots',
      region: 'eu-central-1',
    });
    expect(
      stagingRepositorySettings(loadConfig({}), target, cluster('opensearch', '2.19.1')).region,
    ).toBeUndefined();
  });
});
