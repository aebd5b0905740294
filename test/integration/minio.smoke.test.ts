import { createHash, randomBytes } from 'node:crypto';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { removeBucket, s3, uniqueName } from './stack';

const sha256 = (data: Buffer | Uint8Array): string => createHash('sha256').update(data).digest('hex');

describe('MinIO', () => {
  let client: S3Client;
  const buckets: string[] = [];

  beforeAll(() => {
    client = s3();
  });
  afterAll(async () => {
    for (const bucket of buckets) await removeBucket(client, bucket);
    client.destroy();
  });

  async function newBucket(objectLock = false): Promise<string> {
    const bucket = uniqueName('smoke');
    await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: objectLock }));
    buckets.push(bucket);
    return bucket;
  }

  it('round-trips an object byte for byte', async () => {
    const bucket = await newBucket();
    const body = randomBytes(100_000);
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.bin', Body: body }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.bin' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));
  });

  it('completes a multipart upload with checksums into an Object Lock bucket', async () => {
    const bucket = await newBucket(true);
    const body = randomBytes(12 * 1024 * 1024 + 123); // three parts of 5 MiB
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: 'multi.bin', Body: body, ChecksumAlgorithm: 'SHA256' },
      partSize: 5 * 1024 * 1024,
      queueSize: 2,
    });
    const parts: number[] = [];
    upload.on('httpUploadProgress', (p) => parts.push(p.part ?? 0));
    await upload.done();
    expect(new Set(parts).size).toBeGreaterThanOrEqual(3);

    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi.bin' }));
    expect(sha256(await got.Body!.transformToByteArray())).toBe(sha256(body));

    const versioning = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    expect(versioning.Status).toBe('Enabled');
    const lock = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled).toBe('Enabled');
  });

  it('stores a lifecycle configuration (expiry is applied later by the server scanner)', async () => {
    const bucket = await newBucket();
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'expire-after-retention',
              Status: 'Enabled',
              Filter: { Prefix: 'archives/' },
              Expiration: { Days: 2555 },
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 },
            },
          ],
        },
      }),
    );
    const got = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    expect(got.Rules?.[0]).toMatchObject({
      ID: 'expire-after-retention',
      Status: 'Enabled',
      Expiration: { Days: 2555 },
    });
  });
});
