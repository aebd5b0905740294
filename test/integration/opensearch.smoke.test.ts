import { CreateBucketCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@opensearch-project/opensearch';
import { opensearch, removeBucket, s3, uniqueName } from './stack';

describe('OpenSearch node', () => {
  let search: Client;
  let storage: S3Client;
  const index = uniqueName('smoke-logs');
  const bucket = uniqueName('smoke-repo');
  const repository = uniqueName('smoke-repo');
  const basePath = `runs/${uniqueName('run')}`;

  beforeAll(async () => {
    search = opensearch();
    storage = s3();
    await storage.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    await search.indices.delete({ index: `${index}*` }, { ignore: [404] });
    await search.snapshot.deleteRepository({ repository }, { ignore: [404] });
    await removeBucket(storage, bucket);
    storage.destroy();
    await search.close();
  });

  it('indexes and searches documents', async () => {
    await search.bulk({
      refresh: true,
      body: [1, 2, 3].flatMap((n) => [
        { index: { _index: index } },
        { '@timestamp': `2026-11-21T0${n}:00:00Z`, action: n === 2 ? 'REJECT' : 'ACCEPT', bytes: n * 100 },
      ]),
    });
    const found = await search.search({ index, body: { query: { term: { action: 'reject' } } } });
    expect(found.body.hits.hits).toHaveLength(1);
  });

  it('snapshots into a MinIO bucket under the repository base_path and restores from it', async () => {
    const { body: info } = await search.info();
    // The official 3.x plugin asks for server-side encryption on every upload unless told to use the
    // bucket's default; MinIO without KMS answers 501 to that.
    const sse =
      Number.parseInt(info.version.number, 10) >= 3 ? { server_side_encryption_type: 'bucket_default' } : {};
    await search.snapshot.createRepository({
      repository,
      // The client's types list only the fs settings; the s3 ones pass through as they are.
      body: {
        type: 's3',
        settings: { bucket, base_path: basePath, shard_path_type: 'FIXED', ...sse } as object,
      },
    });
    const created = await search.snapshot.create({
      repository,
      snapshot: 'snap-1',
      wait_for_completion: true,
      body: { indices: index, include_global_state: false },
    });
    expect(created.body.snapshot?.state).toBe('SUCCESS');

    const listed = await storage.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys.every((k) => k.startsWith(`${basePath}/`))).toBe(true);
    expect(keys.some((k) => k.startsWith(`${basePath}/indices/`))).toBe(true);

    await search.indices.delete({ index });
    await search.snapshot.restore({
      repository,
      snapshot: 'snap-1',
      wait_for_completion: true,
      body: { indices: index, rename_pattern: '(.+)', rename_replacement: '$1-restored' },
    });
    const count = await search.count({ index: `${index}-restored` });
    expect(count.body.count).toBe(3);
  });
});
