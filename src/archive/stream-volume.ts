// Composes the pipeline stages for one volume: S3 blobs → tar → 512 KiB chunks → [crypto thread: per-file
// sha256, sha256, OpenPGP, sha256] → S3 upload (CRC32 parts).
// The event loop only moves bytes (S3 I/O, tar framing); the per-byte CPU work runs on the volume's own
// thread. Nothing touches local disk; memory is bounded by stream buffers and the upload's in-flight parts.
import type { S3Client } from '@aws-sdk/client-s3';
import type { PublicKey } from 'openpgp';
import { pipeline } from 'node:stream/promises';
import { createByteProgress } from '../pipeline/byte-progress';
import { createChunkCoalescer } from '../pipeline/coalesce-chunks';
import { createDeterministicTar, TarSourceError, type TarFileRecord } from '../pipeline/deterministic-tar';
import { createSeipdV1Assertion } from '../pipeline/assert-seipd-v1';
import { VolumeCryptoStream } from '../pipeline/volume-crypto-stream';
import type { StagingBucket } from '../buckets/buckets';
import { startStreamUpload, type UploadedObject, type UploadTarget } from '../s3/upload-stream';
import { volumeName } from './archive-layout';
import type { VolumeResult } from './archive-types';

/**
 * What archive-volume records of an uploaded volume (in staging, bound to history by its sha256): the manifest's
 * volume entry, and the version and ETag S3 gave the upload.
 */
export interface VolumeRecord extends Omit<VolumeResult, 'fileCount' | 'recordSha256'> {
  files: TarFileRecord[];
  /** The upload's ETag as S3 answered it (how a resumed attempt recognises its own upload). */
  etag?: string;
}

export interface StreamVolumeInput {
  /** The client the volume is uploaded with. */
  s3: S3Client;
  /** The run's snapshot repository: its staging adapter and base path. */
  source: { staging: StagingBucket; basePath: string };
  destination: UploadTarget;
  index: number;
  /**
   * `versionId` and `etag`: the version planned; a blob changed since fails its read (a TamperedObjectError,
   * or 412 with only an ETag) instead of being archived.
   */
  entries: { key: string; size: number; etag?: string; versionId?: string }[];
  recipients: PublicKey[];
  signal?: AbortSignal;
  onProgress?: (plaintextBytes: number, filesDone: number) => void;
}

export async function streamVolume(input: StreamVolumeInput): Promise<VolumeRecord> {
  const { s3, source, destination, signal } = input;
  let filesDone = 0;
  const tar = createDeterministicTar(
    input.entries.map((e) => ({
      path: e.key,
      size: e.size,
      open: () => source.staging.openPlannedBlob(source.basePath, e, signal),
    })),
    { onFile: () => (filesDone += 1), hashFiles: false },
  );
  const progress = createByteProgress((bytes) => input.onProgress?.(bytes, filesDone));
  const crypto = new VolumeCryptoStream({
    recipients: input.recipients,
    filename: volumeName(input.index).replace(/\.gpg$/, ''),
    fileSizes: input.entries.map((e) => e.size),
  });
  const upload = startStreamUpload(s3, destination);
  let uploaded: UploadedObject;
  try {
    [, uploaded] = await Promise.all([
      pipeline(tar.stream, createChunkCoalescer(), progress, crypto, createSeipdV1Assertion(), upload.body, {
        signal,
      }),
      upload.done,
    ]);
  } catch (err) {
    // A source that failed says what went wrong; downstream stages only that their input broke.
    const sourceError = tar.stream.errored;
    tar.stream.destroy();
    crypto.destroy();
    await upload.abort().catch(() => undefined);
    throw sourceError instanceof TarSourceError ? sourceError : err;
  }
  const [listed, digests] = await Promise.all([tar.files, crypto.result]);
  const files = listed.map((f, i) => ({ ...f, sha256: digests.fileSha256[i]! }));
  input.onProgress?.(digests.plaintextBytes, files.length);
  return {
    index: input.index,
    key: destination.key,
    files,
    plaintextBytes: digests.plaintextBytes,
    plaintextSha256: digests.plaintextSha256,
    ciphertextBytes: digests.ciphertextBytes,
    ciphertextSha256: digests.ciphertextSha256,
    ...(uploaded.versionId ? { versionId: uploaded.versionId } : {}),
    ...(uploaded.etag ? { etag: uploaded.etag } : {}),
  };
}
