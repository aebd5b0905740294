// retention.json is written once: a retried seal finds its own bytes and goes on; a record somebody else put
// there first is refused by name (ArchiveTampered), so the witness never vouches for a record the seal did not
// read back itself.
import type { Client } from '@opensearch-project/opensearch';
import { ApplicationFailure } from '@temporalio/common';
import { archiveLayout, retentionRecordKey } from '../../../src/archive/archive-layout';
import { createBuckets } from '../../../src/buckets/buckets';
import { loadConfig } from '../../../src/config';
import { recordSealEvidence } from '../../../src/evidence/record-seal-evidence';
import type { ArchiveManifest } from '../../../src/pipeline/manifest';
import { memoryBucket } from '../s3/memory-bucket';

const config = loadConfig({});
const manifest = {
  archiveId: '2026-09-01_logs',
  sequence: 1,
  createdAt: '2026-09-01T01:30:00.000Z',
  volumes: [{ key: archiveLayout(config.archive.prefix, '2026-09-01_logs').volumeKey(1) }],
} as unknown as ArchiveManifest;
const key = retentionRecordKey(archiveLayout(config.archive.prefix, manifest.archiveId));

function depsOf(bucket: ReturnType<typeof memoryBucket>) {
  return {
    config,
    s3: bucket.client,
    buckets: createBuckets(config, bucket.client),
    opensearch: undefined as unknown as Client,
    keys: { recipients: [], recipientFingerprints: [], verify: [] },
  };
}

describe('recordSealEvidence: retention.json', () => {
  it('is written once, and a retried seal accepts its own record', async () => {
    const bucket = memoryBucket();
    await recordSealEvidence(depsOf(bucket), manifest, 'f'.repeat(64), []);
    const written = bucket.objects.get(key)!;
    await recordSealEvidence(depsOf(bucket), manifest, 'f'.repeat(64), []);
    expect(bucket.puts.filter((p) => p.Key === key)).toEqual([expect.objectContaining({ IfNoneMatch: '*' })]);
    expect(bucket.objects.get(key)).toEqual(written);
  });

  it('refuses a record somebody else put there before the seal', async () => {
    const bucket = memoryBucket();
    const planted = JSON.stringify({
      format: 'snapseal-retention/1',
      archiveId: manifest.archiveId,
      promised: null,
      objects: [],
    });
    bucket.objects.set(key, Buffer.from(planted));
    const err = await recordSealEvidence(depsOf(bucket), manifest, 'f'.repeat(64), []).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('ArchiveTampered');
    expect((err as Error).message).toContain(
      `Refusing to witness ${manifest.archiveId}: s3://${config.archive.bucket}/${key} holds a retention record`,
    );
    expect(bucket.objects.get(key)!.toString('utf8')).toBe(planted);
  });
});
