// A multipart upload fed by a stream, with bounded memory: parts of an explicit size (S3 allows 10,000
// parts, so the part size bounds the largest object), at most `queueSize` in flight, each with a CRC32
// checksum we compute once (Object Lock buckets require a checksum) and sent without a SigV4 payload
// hash, so no byte is SHA-256-hashed on the way out. An object smaller than one part is a single PutObject.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Writable } from 'node:stream';
import { crc32Base64 } from './part-checksum';
import { unsignedPayload } from './unsigned-payload';

/** How long aborting a failed upload may take before the stream gives up on it (it stays for cleanup). */
export const ABORT_UPLOAD_TIMEOUT_MS = 30_000;

export interface UploadTarget {
  bucket: string;
  key: string;
  partSizeBytes: number;
  queueSize: number;
}

/** The object S3 stored: its version (versioned buckets) and ETag, as the completing request answered them. */
export interface UploadedObject {
  versionId?: string;
  etag?: string;
}

export interface StreamUpload {
  /** Write the object's bytes here; end it to complete the upload. */
  body: Writable;
  /** Resolves once S3 has the whole object, with what S3 answered; rejects (and aborts the upload) on failure. */
  done: Promise<UploadedObject>;
  abort(): Promise<void>;
}

/** What S3 says it stored. */
export interface UploadedObject {
  /** The version S3 created (absent where the bucket is not versioned). */
  versionId?: string;
}

export function startStreamUpload(
  s3: S3Client,
  target: UploadTarget,
  contentType = 'application/pgp-encrypted',
): StreamUpload {
  const { bucket, key, partSizeBytes, queueSize } = target;
  // Part buffers are reused: at most queueSize in flight plus the one being filled, allocated once each, so
  // a volume of any size leaves no dead part for the garbage collector to find late.
  const spare: Buffer[] = [];
  let filling: Buffer | undefined;
  let filled = 0;
  let uploadId: Promise<string> | undefined;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let uploaded: UploadedObject = {};
  // Every request of the upload is cancelled when the stream is destroyed (an abort, a stall, a failure):
  // else the SDK may retry a part or the object after the caller gave up, and a late copy of an abandoned
  // attempt could land over the next attempt's object.
  const requests = new AbortController();
  const signal = { abortSignal: requests.signal };

  const createUpload = (): Promise<string> =>
    (uploadId ??= s3
      .send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: contentType,
          ChecksumAlgorithm: 'CRC32',
        }),
        signal,
      )
      .then((r) => r.UploadId!));

  const sendPart = (partNumber: number, data: Buffer): void => {
    const checksum = crc32Base64(data);
    const sent = createUpload()
      .then((id) =>
        s3.send(
          unsignedPayload(
            new UploadPartCommand({
              Bucket: bucket,
              Key: key,
              UploadId: id,
              PartNumber: partNumber,
              Body: data,
              ContentLength: data.length,
              ChecksumCRC32: checksum,
            }),
          ),
          signal,
        ),
      )
      .then((r) => {
        parts[partNumber - 1] = { PartNumber: partNumber, ETag: r.ETag, ChecksumCRC32: checksum };
        if (data.length === partSizeBytes) spare.push(data); // S3 has it all: the buffer is free again
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  };

  const whileFull = async (): Promise<void> => {
    while (inFlight.size >= queueSize) await Promise.race(inFlight);
    if (failure) throw failure;
  };

  // Best effort within ABORT_UPLOAD_TIMEOUT_MS: a failed volume must give its slot back while S3 is still away;
  // an upload left open is aborted by the run's cleanup (and the bucket's lifecycle rule).
  const abortUpload = async (): Promise<void> => {
    const id = await uploadId?.catch(() => undefined);
    if (id)
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }), {
        abortSignal: AbortSignal.timeout(ABORT_UPLOAD_TIMEOUT_MS),
      });
  };

  let nextPart = 1;
  const body = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      (async () => {
        // Copied into the part at once: the chunk is garbage from here on, while it is still young.
        for (let at = 0; at < chunk.length;) {
          filling ??= spare.pop() ?? Buffer.allocUnsafeSlow(partSizeBytes);
          const n = chunk.copy(filling, filled, at);
          at += n;
          filled += n;
          if (filled === partSizeBytes) {
            await whileFull();
            sendPart(nextPart++, filling);
            filling = undefined;
            filled = 0;
          }
        }
      })().then(() => callback(), callback);
    },
    final(callback) {
      (async () => {
        const rest = filling?.subarray(0, filled) ?? Buffer.alloc(0);
        if (uploadId === undefined) {
          const data = rest;
          const put = await s3.send(
            unsignedPayload(
              new PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: data,
                ContentLength: data.length,
                ContentType: contentType,
                ChecksumCRC32: crc32Base64(data),
              }),
            ),
            signal,
          );
          uploaded = { versionId: put.VersionId, etag: put.ETag };
          return;
        }
        if (rest.length > 0) {
          await whileFull();
          sendPart(nextPart++, rest);
        }
        await Promise.all(inFlight);
        if (failure) throw failure;
        const completed = await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: await uploadId,
            MultipartUpload: { Parts: parts },
          }),
          signal,
        );
        uploaded = { versionId: completed.VersionId, etag: completed.ETag };
      })().then(() => callback(), callback);
    },
    destroy(err, callback) {
      if (err) requests.abort(err);
      filling = undefined;
      spare.length = 0;
      callback(err);
    },
  });

  const done = new Promise<UploadedObject>((resolve, reject) => {
    body.once('finish', () => resolve(uploaded));
    body.once('error', reject);
  }).catch(async (err: unknown) => {
    await Promise.allSettled(inFlight);
    await abortUpload().catch(() => undefined);
    throw new Error(`Uploading s3://${bucket}/${key} failed: ${(err as Error).message}`, { cause: err });
  });
  done.catch(() => undefined); // callers await it; an unawaited failure must not crash the process
  return {
    body,
    done,
    abort: async () => {
      requests.abort(new Error(`Upload of s3://${bucket}/${key} aborted`));
      body.destroy();
      await Promise.allSettled(inFlight);
      await abortUpload();
    },
  };
}
