// sealArchive across a change of archiver key, on a bucket in memory: a key the chain was not handed over to is
// refused before anything is claimed or signed; after rotate-key's record, the new key's first manifest names
// it, later ones do not, and the chain verifies.
import type { Client } from '@opensearch-project/opensearch';
import { ApplicationFailure } from '@temporalio/common';
import type { PrivateKey } from 'openpgp';
import { createSealArchive, type SealInput } from '../../../src/activities/seal-archive';
import { createBuckets } from '../../../src/buckets/buckets';
import { readChainHead } from '../../../src/archive/archive-chain';
import { archiveLayout, runFolders, volumeRecordKey } from '../../../src/archive/archive-layout';
import { recordKeyRotation } from '../../../src/archive/rotation-records';
import { batchDigest, recordDigest } from '../../../src/archive/volume-digests';
import { loadConfig } from '../../../src/config';
import { parseManifest } from '../../../src/pipeline/manifest';
import { fingerprint } from '../../../src/pipeline/openpgp-keys';
import { verifyChain } from '../../../src/verify/verify-chain';
import { memoryBucket, type MemoryBucket } from '../s3/memory-bucket';
import { signingKeys } from '../keys/signing-keys';
import { fileSigner } from '../../../src/keys/signer';

// The memory bucket has no Object Lock and no witness bucket beside it: both explicitly off (on by default).
const config = loadConfig({ SNAPSEAL_OBJECT_LOCK_DAYS: '0', SNAPSEAL_WITNESS_BUCKET: 'none' });
const digest = (c: string) => c.repeat(64);

describe('sealArchive and key rotation', () => {
  let a: PrivateKey;
  let b: PrivateKey;
  let c: PrivateKey;
  let bucket: MemoryBucket;

  beforeAll(async () => {
    [a, b, c] = (await signingKeys('a', 'b', 'c')) as [PrivateKey, PrivateKey, PrivateKey];
    bucket = memoryBucket();
  });

  const trusted = () => [a, b, c].map((k) => k.toPublic());

  /** Seals the archive of 2026-09-0<day> with `signing`, its one volume record staged as archive-volume leaves it. */
  function seal(day: number, signing: PrivateKey) {
    const archiveId = `2026-09-0${day}_logs`;
    const folders = runFolders(config.staging.prefix, archiveId, 'run-1');
    const volumeKey = archiveLayout(config.archive.prefix, archiveId).volumeKey(1);
    const record = Buffer.from(
      JSON.stringify({
        index: 1,
        key: volumeKey,
        plaintextBytes: 10,
        plaintextSha256: digest('a'),
        ciphertextBytes: 20,
        ciphertextSha256: digest('b'),
        files: [],
      }),
    );
    bucket.objects.set(volumeRecordKey(folders, 1), record);
    bucket.objects.set(volumeKey, Buffer.alloc(20));
    const sealArchive = createSealArchive({
      config,
      s3: bucket.client,
      buckets: createBuckets(config, bucket.client),
      opensearch: undefined as unknown as Client,
      keys: {
        recipients: [],
        recipientFingerprints: [],
        signing: fileSigner(signing),
        signingFingerprint: fingerprint(signing),
        verify: trusted(),
      },
    });
    const input: SealInput = {
      target: {
        archiveId,
        date: `2026-09-0${day}`,
        indexPattern: 'logs',
        repository: 'r',
        snapshot: `s${day}`,
        folders,
      },
      createdAt: `2026-09-0${day}T01:30:00.000Z`,
      snapshotUuid: `su${day}`,
      cluster: { name: 'c', uuid: 'u', version: '2.19.1', distribution: 'opensearch' },
      indices: [],
      planDigest: digest('c'),
      volumeCount: 1,
      // As the archive workflow passes them: the one batch's digest over its record (from history).
      volumeDigests: {
        volumesPerBatch: 100,
        batches: [batchDigest([{ index: 1, recordSha256: recordDigest(record) }])],
      },
    };
    return sealArchive(input);
  }
  const manifestOf = (archiveId: string) =>
    parseManifest(
      bucket.objects.get(archiveLayout(config.archive.prefix, archiveId).manifestKey)!.toString(),
    );

  it('refuses a key the chain was not handed over to, naming both keys and the command; nothing is claimed', async () => {
    const first = await seal(1, a);
    expect(manifestOf(first.archiveId).rotation).toBeUndefined();

    const err = await seal(2, b).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe('KeyUnusable');
    expect((err as ApplicationFailure).nonRetryable).toBe(true);
    expect((err as Error).message).toBe(
      `Refusing to seal 2026-09-02_logs: this worker signs with key ${fingerprint(b)}, but ${fingerprint(a)} signed the chain's newest archive #1 (2026-09-01_logs), and no rotation record from ${fingerprint(a)} to ${fingerprint(b)} exists (s3://${config.archive.bucket}/${config.archive.prefix}chain/rotations/${fingerprint(a)}-${fingerprint(b)}.json). Hand the chain over first: snapseal rotate-key --old-key-file <private key ${fingerprint(a)}> --new-key-file <private key ${fingerprint(b)}> (or give the sealing worker the key ${fingerprint(a)} again). Nothing was signed.`,
    );
    expect((await readChainHead(createBuckets(config, bucket.client).archive))?.sequence).toBe(1);
    expect(bucket.objects.has(archiveLayout(config.archive.prefix, '2026-09-02_logs').signatureKey)).toBe(
      false,
    );
  });

  it('after the handover, names the record in the new key’s first manifest only; the chain verifies', async () => {
    const recorded = await recordKeyRotation(
      {
        s3: bucket.client,
        bucket: config.archive.bucket,
        archivePrefix: config.archive.prefix,
        objectLock: config.archive,
      },
      fileSigner(a),
      fileSigner(b),
      { createdAt: '2026-09-02T00:00:00.000Z' },
    );
    const second = await seal(2, b);
    const third = await seal(3, b);
    expect(manifestOf(second.archiveId)).toMatchObject({
      signer: fingerprint(b),
      rotation: { key: recorded.key, sha256: recorded.sha256 },
    });
    expect(manifestOf(third.archiveId).rotation).toBeUndefined();

    // A third key, pinned too, is still refused: only B was handed the chain.
    await expect(seal(4, c)).rejects.toThrow(
      `no rotation record from ${fingerprint(b)} to ${fingerprint(c)} exists`,
    );
    const report = await verifyChain({
      s3: bucket.client,
      bucket: config.archive.bucket,
      archivePrefix: config.archive.prefix,
      trustedKeys: trusted(),
    });
    expect(report).toMatchObject({ ok: true, archives: 3, problems: [] });
  });
});
