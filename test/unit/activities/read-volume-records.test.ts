// The seal's reading of the volume records, on a bucket in memory: records that match the batch digests from
// history are returned as written; a record changed after it was written, a missing digest, or a volume object
// written over is refused as tampering (or as unvouched), naming the batch or the volume, before anything is signed.
import type { Client } from '@opensearch-project/opensearch';
import { ApplicationFailure } from '@temporalio/common';
import { readVolumeRecords } from '../../../src/activities/read-volume-records';
import { archiveLayout, runFolders, volumeRecordKey } from '../../../src/archive/archive-layout';
import type { ArchiveTarget } from '../../../src/archive/archive-types';
import { batchDigest, recordDigest, type VolumeDigests } from '../../../src/archive/volume-digests';
import { createBuckets } from '../../../src/buckets/buckets';
import { loadConfig } from '../../../src/config';
import { memoryBucket, type MemoryBucket } from '../s3/memory-bucket';

const config = loadConfig({});

describe('readVolumeRecords', () => {
  let bucket: MemoryBucket;
  const archiveId = '2026-09-01_logs';
  const folders = runFolders(config.staging.prefix, archiveId, 'run-1');
  const target: ArchiveTarget = {
    archiveId,
    date: '2026-09-01',
    indexPattern: 'logs',
    repository: 'r',
    snapshot: 's',
    folders,
  };
  const layout = archiveLayout(config.archive.prefix, archiveId);
  const deps = () => ({
    config,
    s3: bucket.client,
    buckets: createBuckets(config, bucket.client),
    opensearch: undefined as unknown as Client,
    keys: { recipients: [], recipientFingerprints: [], verify: [] },
  });

  /** Stages volumes 1..count as archiveVolume leaves them; returns the batch digests history would hold. */
  function stage(count: number, volumesPerBatch: number): VolumeDigests {
    const digests: string[] = [];
    for (let index = 1; index <= count; index++) {
      const record = Buffer.from(
        JSON.stringify({
          index,
          key: layout.volumeKey(index),
          plaintextBytes: 10,
          plaintextSha256: String(index % 10).repeat(64),
          ciphertextBytes: 20 + index,
          ciphertextSha256: 'c'.repeat(64),
          etag: `"${20 + index}"`,
          files: [{ path: `f${index}`, size: 10, sha256: 'd'.repeat(64) }],
        }),
      );
      bucket.objects.set(volumeRecordKey(folders, index), record);
      bucket.objects.set(layout.volumeKey(index), Buffer.alloc(20 + index));
      digests.push(recordDigest(record));
    }
    const batches: string[] = [];
    for (let first = 1; first <= count; first += volumesPerBatch) {
      const volumes = digests
        .slice(first - 1, first - 1 + volumesPerBatch)
        .map((recordSha256, i) => ({ index: first + i, recordSha256 }));
      batches.push(batchDigest(volumes));
    }
    return { volumesPerBatch, batches };
  }

  const failure = async (promise: Promise<unknown>): Promise<ApplicationFailure> => {
    const err = await promise.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    return err as ApplicationFailure;
  };

  beforeEach(() => {
    bucket = memoryBucket();
  });

  it('returns the records the batch digests vouch for, in order', async () => {
    const digests = stage(5, 2);
    const records = await readVolumeRecords(deps(), target, 5, digests);
    expect(records.map((r) => r.index)).toEqual([1, 2, 3, 4, 5]);
    expect(records[2]).toMatchObject({ key: layout.volumeKey(3), ciphertextBytes: 23 });
  });

  it('refuses a record changed after it was written, naming its batch', async () => {
    const digests = stage(5, 2);
    const key = volumeRecordKey(folders, 3);
    const forged = JSON.parse(bucket.objects.get(key)!.toString()) as { plaintextSha256: string };
    forged.plaintextSha256 = 'e'.repeat(64);
    bucket.objects.set(key, Buffer.from(JSON.stringify(forged)));
    const err = await failure(readVolumeRecords(deps(), target, 5, digests));
    expect(err.type).toBe('ArchiveTampered');
    expect(err.message).toContain(
      `Refusing to seal ${archiveId}: the volume records of batch 2 (volumes 3-4) read back from staging are not the ones archiveVolume wrote`,
    );
    expect(err.message).toContain('Nothing was signed');
  });

  it('refuses a missing record, naming it', async () => {
    const digests = stage(3, 10);
    bucket.objects.delete(volumeRecordKey(folders, 2));
    const err = await failure(readVolumeRecords(deps(), target, 3, digests));
    expect(err.type).toBe('ArchiveTampered');
    expect(err.message).toContain(
      `the record of volume 2 (s3://${config.staging.bucket}/${volumeRecordKey(folders, 2)}) is missing`,
    );
  });

  it('refuses a volume object written over after its upload, naming the volume', async () => {
    const digests = stage(3, 10);
    bucket.objects.set(layout.volumeKey(2), Buffer.alloc(99));
    const err = await failure(readVolumeRecords(deps(), target, 3, digests));
    expect(err.type).toBe('ArchiveTampered');
    expect(err.message).toContain(
      `volume 2 (s3://${config.archive.bucket}/${layout.volumeKey(2)}) was written over after its upload`,
    );
  });

  it('refuses records that history holds no digest of (runs of older code)', async () => {
    const digests = stage(3, 2);
    const none = await failure(readVolumeRecords(deps(), target, 3, undefined));
    expect(none.type).toBe('InvalidInput');
    expect(none.message).toContain('the seal was given none');
    const hole = await failure(
      readVolumeRecords(deps(), target, 3, { ...digests, batches: [digests.batches[0]!, null] }),
    );
    expect(hole.message).toContain('Temporal history holds no digest of the volume records of batch(es) 2');
  });
});
