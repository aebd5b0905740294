// Rotation records in a bucket (in memory): written once under the promised retention, kept when rotate-key runs
// again, completed after an interrupted run, and proven only for the pair of keys they name.
import type { PrivateKey } from 'openpgp';
import { rotationRecordLayout } from '../../../src/archive/archive-layout';
import {
  proveRotation,
  recordKeyRotation,
  RotationRecordMissing,
} from '../../../src/archive/rotation-records';
import { KeyRotationError } from '../../../src/keys/key-rotation';
import { fingerprint } from '../../../src/pipeline/openpgp-keys';
import { memoryBucket } from '../s3/memory-bucket';
import { signingKeys } from '../keys/signing-keys';
import { fileSigner } from '../../../src/keys/signer';

const PREFIX = 'archives/';
const CREATED_AT = '2026-12-02T18:00:00.000Z';
const objectLock = { objectLockDays: 3, objectLockMode: 'COMPLIANCE' as const };

describe('rotation records', () => {
  let oldKey: PrivateKey;
  let newKey: PrivateKey;
  let otherKey: PrivateKey;

  beforeAll(async () => {
    [oldKey, newKey, otherKey] = (await signingKeys('old', 'new', 'other')) as [
      PrivateKey,
      PrivateKey,
      PrivateKey,
    ];
  });

  const store = (bucket: ReturnType<typeof memoryBucket>) => ({
    s3: bucket.client,
    bucket: 'archive',
    archivePrefix: PREFIX,
    objectLock,
  });
  const layout = () => rotationRecordLayout(PREFIX, fingerprint(oldKey), fingerprint(newKey));

  it('writes the record and both signatures once, under the promised retention, and proves them', async () => {
    const bucket = memoryBucket();
    const recorded = await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    });
    const { recordKey, oldKeySignatureKey, newKeySignatureKey } = layout();
    expect(recorded).toMatchObject({ key: recordKey, created: true });
    expect(bucket.puts.map((p) => p.Key)).toEqual([recordKey, oldKeySignatureKey, newKeySignatureKey]);
    for (const put of bucket.puts) {
      expect(put).toMatchObject({
        IfNoneMatch: '*',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(Date.parse(CREATED_AT) + 3 * 86_400_000),
      });
    }
    expect(await proveRotation(store(bucket), oldKey.toPublic(), newKey.toPublic())).toEqual({
      key: recordKey,
      sha256: recorded.sha256,
    });
  });

  it('keeps an existing record when run again, and completes one whose signatures are missing', async () => {
    const bucket = memoryBucket();
    const first = await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    });
    const again = await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: '2027-01-01T00:00:00.000Z',
    });
    expect(again).toMatchObject({
      created: false,
      sha256: first.sha256,
      rotation: { createdAt: CREATED_AT },
    });
    expect(bucket.puts).toHaveLength(3);

    bucket.objects.delete(layout().newKeySignatureKey); // rotate-key stopped after the old key's signature
    await expect(proveRotation(store(bucket), oldKey.toPublic(), newKey.toPublic())).rejects.toThrow(
      new RotationRecordMissing(
        `the rotation record from ${fingerprint(oldKey)} to ${fingerprint(newKey)} (s3://archive/${layout().recordKey}) lacks its new key's signature: rotate-key was interrupted; run it again`,
      ),
    );
    const completed = await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    });
    expect(completed).toMatchObject({ created: false, sha256: first.sha256 });
    expect(bucket.puts.map((p) => p.Key).slice(3)).toEqual([layout().newKeySignatureKey]);
  });

  it('says no record exists for a pair of keys never rotated', async () => {
    const bucket = memoryBucket();
    await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), { createdAt: CREATED_AT });
    const err = await proveRotation(store(bucket), newKey.toPublic(), otherKey.toPublic()).catch((e) => e);
    expect(err).toBeInstanceOf(RotationRecordMissing);
    expect((err as Error).message).toBe(
      `no rotation record from ${fingerprint(newKey)} to ${fingerprint(otherKey)} exists (s3://archive/${rotationRecordLayout(PREFIX, fingerprint(newKey), fingerprint(otherKey)).recordKey})`,
    );
  });

  it('refuses a record whose handover signature was replaced by another key’s', async () => {
    const bucket = memoryBucket();
    await recordKeyRotation(store(bucket), fileSigner(oldKey), fileSigner(newKey), { createdAt: CREATED_AT });
    const forged = memoryBucket();
    await recordKeyRotation(store(forged), fileSigner(otherKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    });
    // The other key's signature over other bytes, put where the old key's belongs.
    const otherLayout = rotationRecordLayout(PREFIX, fingerprint(otherKey), fingerprint(newKey));
    bucket.objects.set(layout().oldKeySignatureKey, forged.objects.get(otherLayout.oldKeySignatureKey)!);
    const err = await proveRotation(store(bucket), oldKey.toPublic(), newKey.toPublic()).catch((e) => e);
    expect(err).toBeInstanceOf(KeyRotationError);
    expect((err as Error).message).toContain(
      `s3://archive/${layout().recordKey}: it is not signed by the old key ${fingerprint(oldKey)}`,
    );
  });
});
