// verify --chain and changes of signer, on a bucket in memory: a change backed by the rotation record the new
// signer's first manifest names passes; a pinned key that takes over without one, a manifest that names no record,
// and a record replaced after sealing are each named.
import { createHash } from 'node:crypto';
import type { PrivateKey } from 'openpgp';
import { archiveLayout, chainEntryKey } from '../../../src/archive/archive-layout';
import { recordKeyRotation, type RotationRef } from '../../../src/archive/rotation-records';
import { signKeyRotation } from '../../../src/keys/key-rotation';
import { serializeManifest, signManifest, type ArchiveManifest } from '../../../src/pipeline/manifest';
import { fingerprint } from '../../../src/pipeline/openpgp-keys';
import { verifyChain } from '../../../src/verify/verify-chain';
import { memoryBucket, type MemoryBucket } from '../s3/memory-bucket';
import { signingKeys } from '../keys/signing-keys';
import { fileSigner } from '../../../src/keys/signer';

const PREFIX = 'archives/';
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('verify --chain across key rotations', () => {
  let a: PrivateKey;
  let b: PrivateKey;
  let c: PrivateKey;

  beforeAll(async () => {
    [a, b, c] = (await signingKeys('a', 'b', 'c')) as [PrivateKey, PrivateKey, PrivateKey];
  });

  const deps = (bucket: MemoryBucket) => ({
    s3: bucket.client,
    bucket: 'archive',
    archivePrefix: PREFIX,
    trustedKeys: [a, b, c].map((k) => k.toPublic()),
  });

  /** Seals archives signed by `signers` in order, as the seal writes them; `rotations[i]` goes in manifest i. */
  async function sealChain(
    bucket: MemoryBucket,
    signers: PrivateKey[],
    rotations: (RotationRef | undefined)[] = [],
  ): Promise<string[]> {
    let previous: ArchiveManifest['previous'] = null;
    const ids: string[] = [];
    for (const [i, key] of signers.entries()) {
      const archiveId = `2026-09-0${i + 1}_logs`;
      const manifest: ArchiveManifest = {
        format: 'snapseal-manifest/1',
        archiveId,
        sequence: i + 1,
        date: `2026-09-0${i + 1}`,
        createdAt: `2026-09-0${i + 2}T01:30:00.000Z`,
        tool: { name: 'snapseal', version: '0.1.0' },
        cluster: { name: 'c', uuid: 'u', version: '2.19.1', distribution: 'opensearch' },
        snapshot: { name: `s${i}`, uuid: `su${i}`, repositoryBasePath: 'staging/r' },
        indices: [],
        recipients: [],
        signer: fingerprint(key),
        previous,
        ...(rotations[i] ? { rotation: rotations[i] } : {}),
        volumes: [],
      };
      const bytes = Buffer.from(serializeManifest(manifest));
      const layout = archiveLayout(PREFIX, archiveId);
      bucket.objects.set(layout.manifestKey, bytes);
      bucket.objects.set(layout.signatureKey, Buffer.from(await signManifest(bytes, key)));
      const entry = {
        sequence: i + 1,
        archiveId,
        manifestKey: layout.manifestKey,
        manifestSha256: sha256(bytes),
      };
      bucket.objects.set(chainEntryKey(PREFIX, i + 1), Buffer.from(JSON.stringify({ ...entry, previous })));
      previous = { archiveId, manifestSha256: sha256(bytes) };
      ids.push(archiveId);
    }
    return ids;
  }

  const rotate = async (bucket: MemoryBucket, from: PrivateKey, to: PrivateKey) =>
    recordKeyRotation(
      {
        s3: bucket.client,
        bucket: 'archive',
        archivePrefix: PREFIX,
        objectLock: { objectLockDays: 0, objectLockMode: 'GOVERNANCE' },
      },
      fileSigner(from),
      fileSigner(to),
      { createdAt: '2026-09-02T12:00:00.000Z' },
    );

  it('accepts a change of signer backed by the record the new signer’s first manifest names', async () => {
    const bucket = memoryBucket();
    const ab = await rotate(bucket, a, b);
    const bc = await rotate(bucket, b, c);
    await sealChain(bucket, [a, b, b, c], [undefined, ab, undefined, bc]);
    const report = await verifyChain(deps(bucket));
    expect(report).toMatchObject({ ok: true, archives: 4, problems: [] });
  });

  it('names a pinned key that takes over without a rotation record', async () => {
    const bucket = memoryBucket();
    const ab = await rotate(bucket, a, b);
    const ids = await sealChain(bucket, [a, b, c], [undefined, ab]);
    const report = await verifyChain(deps(bucket));
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      {
        archiveId: ids[2],
        sequence: 3,
        problem: `archive ${ids[2]} (#3) is signed by ${fingerprint(c)}, but ${fingerprint(b)} signed #2 and no rotation record from ${fingerprint(b)} to ${fingerprint(c)} exists (s3://archive/${PREFIX}chain/rotations/${fingerprint(b)}-${fingerprint(c)}.json): an unendorsed key took over the chain`,
      },
    ]);
  });

  it('names a first manifest of the new key that does not name the record', async () => {
    const bucket = memoryBucket();
    const ab = await rotate(bucket, a, b);
    const ids = await sealChain(bucket, [a, b]);
    const report = await verifyChain(deps(bucket));
    expect(report.problems).toEqual([
      expect.objectContaining({
        sequence: 2,
        problem: `archive ${ids[1]} (#2) is signed by ${fingerprint(b)}, but ${fingerprint(a)} signed #1 and names no rotation record (one from ${fingerprint(a)} to ${fingerprint(b)} is at ${ab.key}): the handover is not part of the chain`,
      }),
    ]);
  });

  it('names a record replaced after sealing, even when both keys signed the replacement', async () => {
    const bucket = memoryBucket();
    const ab = await rotate(bucket, a, b);
    await sealChain(bucket, [a, b], [undefined, ab]);
    const { signed } = await signKeyRotation(fileSigner(a), fileSigner(b), {
      createdAt: '2026-10-01T00:00:00.000Z',
    });
    bucket.objects.set(ab.key, Buffer.from(signed.bytes));
    bucket.objects.set(`${ab.key}.old-key.asc`, Buffer.from(signed.oldKeySignature));
    bucket.objects.set(`${ab.key}.new-key.asc`, Buffer.from(signed.newKeySignature));
    const report = await verifyChain(deps(bucket));
    expect(report.problems).toEqual([
      expect.objectContaining({
        sequence: 2,
        problem: expect.stringContaining(
          `names the rotation record ${ab.key} with sha256 ${ab.sha256}, but ${ab.key} has sha256 ${sha256(signed.bytes)}: replaced after sealing`,
        ),
      }),
    ]);
  });

  it('names a record the old key did not sign', async () => {
    const bucket = memoryBucket();
    const ab = await rotate(bucket, a, b);
    await sealChain(bucket, [a, b], [undefined, ab]);
    bucket.objects.set(`${ab.key}.old-key.asc`, bucket.objects.get(`${ab.key}.new-key.asc`)!);
    const report = await verifyChain(deps(bucket));
    expect(report.problems).toEqual([
      expect.objectContaining({
        sequence: 2,
        problem: expect.stringContaining(
          `and the rotation record proves no handover (s3://archive/${ab.key}: it is not signed by the old key ${fingerprint(a)}`,
        ),
      }),
    ]);
  });
});
