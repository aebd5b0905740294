// Composes the pipeline stages for one volume: S3 blobs → tar → 1 MiB chunks → sha256 → OpenPGP → sha256 →
// S3 upload.
// Nothing touches local disk; memory is bounded by stream buffers and the upload's in-flight parts.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PublicKey } from 'openpgp';
import { pipeline as plaintextPipeline, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createByteProgress } from '../pipeline/byte-progress';
import { createChunkCoalescer } from '../pipeline/coalesce-chunks';
import { createDeterministicTar, TarSourceError, type TarFileRecord } from '../pipeline/deterministic-tar';
import { createSeipdV1Assertion } from '../pipeline/assert-seipd-v1';
import { encryptStream } from '../pipeline/openpgp-encrypt';
import { Sha256PassThrough } from '../pipeline/sha256-pass-through';
import { startStreamUpload, type UploadTarget } from '../s3/upload-stream';
import { volumeName } from './archive-layout';
import type { VolumeResult } from './archive-types';

export interface VolumeRecord extends Omit<VolumeResult, 'fileCount'> {
  files: TarFileRecord[];
}

export interface StreamVolumeInput {
  s3: S3Client;
  source: { bucket: string; basePath: string };
  destination: UploadTarget;
  index: number;
  /** `etag`: the version planned; a blob changed since fails its GET (412) instead of being archived. */
  entries: { key: string; size: number; etag?: string }[];
  recipients: PublicKey[];
  signal?: AbortSignal;
  onProgress?: (plaintextBytes: number, filesDone: number) => void;
}

async function openBlob(
  s3: S3Client,
  bucket: string,
  key: string,
  etag: string | undefined,
  signal?: AbortSignal,
): Promise<Readable> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfMatch: etag }), {
    abortSignal: signal,
  });
  return got.Body as Readable;
}

export async function streamVolume(input: StreamVolumeInput): Promise<VolumeRecord> {
  const { s3, source, destination, signal } = input;
  let filesDone = 0;
  const tar = createDeterministicTar(
    input.entries.map((e) => ({
      path: e.key,
      size: e.size,
      open: () => openBlob(s3, source.bucket, `${source.basePath}/${e.key}`, e.etag, signal),
    })),
    { onFile: () => (filesDone += 1) },
  );
  const plaintext = new Sha256PassThrough();
  const progress = createByteProgress((bytes) => input.onProgress?.(bytes, filesDone));
  const ciphertext = new Sha256PassThrough();
  const upload = startStreamUpload(s3, destination);

  // The plaintext side is a pipeline of its own, not .pipe(): a failing source must reach every stage as an
  // error, never surface as an unhandled 'error' event that takes the whole worker down. Its errors reach
  // the caller through the encrypted side; the callback only keeps them from being unhandled.
  const plaintextSide = plaintextPipeline(
    tar.stream,
    createChunkCoalescer(),
    plaintext,
    progress,
    () => undefined,
  );
  try {
    const encrypted = await encryptStream(plaintextSide, input.recipients, {
      filename: volumeName(input.index).replace(/\.gpg$/, ''),
    });
    await Promise.all([
      pipeline(encrypted, createSeipdV1Assertion(), ciphertext, upload.body, { signal }),
      upload.done,
    ]);
  } catch (err) {
    // A source that failed says what went wrong; downstream stages only that their input broke.
    const sourceError = tar.stream.errored;
    tar.stream.destroy();
    await upload.abort().catch(() => undefined);
    throw sourceError instanceof TarSourceError ? sourceError : err;
  }
  const files = await tar.files;
  input.onProgress?.(plaintext.bytes, files.length);
  return {
    index: input.index,
    key: destination.key,
    files,
    plaintextBytes: plaintext.bytes,
    plaintextSha256: plaintext.digestHex(),
    ciphertextBytes: ciphertext.bytes,
    ciphertextSha256: ciphertext.digestHex(),
  };
}
