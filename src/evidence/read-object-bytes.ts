// Reads a small binary object (a time-stamp reply) whole; undefined when it does not exist.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeS3Error, isNotFound } from '../s3/s3-errors';

export async function readObjectBytes(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<Buffer | undefined> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await got.Body!.transformToByteArray());
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw new Error(`Reading s3://${bucket}/${key} failed: ${describeS3Error(err)}`, { cause: err });
  }
}
