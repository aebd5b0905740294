// Reads a stored manifest and its digest (as the chain records it).
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { parseManifest, type ArchiveManifest } from '../pipeline/manifest';
import { readText } from '../s3/s3-objects';

export async function readSealedManifest(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ manifest: ArchiveManifest; text: string; sha256: string }> {
  const text = await readText(s3, bucket, key);
  if (text === undefined)
    throw new Error(`No manifest at s3://${bucket}/${key}: the archive is missing or was never sealed`);
  return {
    manifest: parseManifest(text),
    text,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}
