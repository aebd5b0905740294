// Rotation records in a bucket (in memory): written once under the promised retention (signatures first, the
// record last), kept when rotate-key runs again, completed after an interrupted run, never completed when
// planted, and proven only for the pair of keys they name.
import type { PrivateKey } from 'openpgp';
import { rotationRecordLayout } from '../../../src/archive/archive-layout';
import {
  PlantedRotationRecord,
  proveRotation,
  recordKeyRotation,
  RotationRecordMissing,
} from '../../../src/archive/rotation-records';
import { KeyRotationError, serializeKeyRotation } from '../../../src/keys/key-rotation';
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
    // The record last: a record without both signatures was never written by rotate-key.
    expect(bucket.puts.map((p) => p.Key)).toEqual([oldKeySignatureKey, newKeySignatureKey, recordKey]);
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

  it('keeps an existing record when run again, and completes an interrupted run from its signature', async () => {
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

    // rotate-key stopped after the old key's signature: no record, so nothing proves a handover yet.
    const stopped = memoryBucket();
    stopped.objects.set(layout().oldKeySignatureKey, bucket.objects.get(layout().oldKeySignatureKey)!);
    await expect(proveRotation(store(stopped), oldKey.toPublic(), newKey.toPublic())).rejects.toThrow(
      RotationRecordMissing,
    );
    // Run again later (another createdAt): the record is rebuilt from the signature, made at its createdAt.
    const completed = await recordKeyRotation(store(stopped), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: '2027-01-01T00:00:00.000Z',
    });
    expect(completed).toMatchObject({
      created: false,
      sha256: first.sha256,
      rotation: { createdAt: CREATED_AT },
    });
    expect(stopped.puts.map((p) => p.Key)).toEqual([layout().newKeySignatureKey, layout().recordKey]);
  });

  it('never signs a record somebody else planted, nor completes a planted signature', async () => {
    const planted = memoryBucket();
    const record = serializeKeyRotation({
      format: 'snapseal-key-rotation/1',
      fromFingerprint: fingerprint(oldKey),
      toFingerprint: fingerprint(newKey),
      toPublicKey: newKey.toPublic().armor(),
      createdAt: '2026-03-01T00:00:00.000Z',
      reason: 'planted',
    });
    planted.objects.set(layout().recordKey, record);
    const err = await recordKeyRotation(store(planted), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlantedRotationRecord);
    expect((err as Error).message).toContain(
      `s3://archive/${layout().recordKey} is there but proves no handover`,
    );
    expect(planted.puts).toEqual([]); // nothing signed, nothing written

    // A signature of another key where the old key's belongs, without a record: not completed either.
    const forged = memoryBucket();
    const other = memoryBucket();
    await recordKeyRotation(store(other), fileSigner(otherKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    });
    const otherLayout = rotationRecordLayout(PREFIX, fingerprint(otherKey), fingerprint(newKey));
    forged.objects.set(layout().oldKeySignatureKey, other.objects.get(otherLayout.oldKeySignatureKey)!);
    const err2 = await recordKeyRotation(store(forged), fileSigner(oldKey), fileSigner(newKey), {
      createdAt: CREATED_AT,
    }).catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(PlantedRotationRecord);
    expect((err2 as Error).message).toContain(
      `s3://archive/${layout().oldKeySignatureKey} is there without its record`,
    );
    expect(forged.puts).toEqual([]);
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
