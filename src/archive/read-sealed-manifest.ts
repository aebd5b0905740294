// Reads a stored manifest and its digest (as the chain records it); a manifest that cannot be read says why:
// missing, malformed, access denied, rejected or unreachable.
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { ManifestError, parseManifest, type ArchiveManifest } from '../pipeline/manifest';
import { classifyS3Error, findS3Error, isAccessDenied } from '../s3/s3-errors';
import { readText } from '../s3/s3-objects';

/** Why a manifest could not be read; only `unreachable` may pass by retrying. */
export type ManifestProblem = 'missing' | 'malformed' | 'access-denied' | 'rejected' | 'unreachable';

export class ManifestUnreadableError extends Error {
  override name = 'ManifestUnreadableError';
  constructor(
    message: string,
    readonly problem: ManifestProblem,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

function problemOf(err: unknown): ManifestProblem {
  if (err instanceof ManifestError) return 'malformed';
  const s3 = findS3Error(err);
  if (s3 && isAccessDenied(s3)) return 'access-denied';
  if (s3 && classifyS3Error(s3) === 'permanent') return 'rejected';
  return 'unreachable';
}

export async function readSealedManifest(
  s3: S3Client,
  bucket: string,
  key: string,
): Promise<{ manifest: ArchiveManifest; text: string; sha256: string }> {
  try {
    const text = await readText(s3, bucket, key);
    if (text === undefined)
      throw new ManifestUnreadableError(
        `No manifest at s3://${bucket}/${key}: the archive is missing or was never sealed`,
        'missing',
      );
    return {
      manifest: parseManifest(text),
      text,
      sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
    };
  } catch (err) {
    if (err instanceof ManifestUnreadableError) throw err;
    throw new ManifestUnreadableError((err as Error).message, problemOf(err), { cause: err });
  }
}
