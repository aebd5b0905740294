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

export interface UploadTarget {
  bucket: string;
  key: string;
  partSizeBytes: number;
  queueSize: number;
}

export interface StreamUpload {
  /** Write the object's bytes here; end it to complete the upload. */
  body: Writable;
  /** Resolves once S3 has the whole object; rejects (and aborts the upload) on failure. */
  done: Promise<void>;
  abort(): Promise<void>;
}

export function startStreamUpload(
  s3: S3Client,
  target: UploadTarget,
  contentType = 'application/pgp-encrypted',
): StreamUpload {
  const { bucket, key, partSizeBytes, queueSize } = target;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let uploadId: Promise<string> | undefined;
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const createUpload = (): Promise<string> =>
    (uploadId ??= s3
      .send(
        new CreateMultipartUploadCommand({
          Bucket: bucket,
          Key: key,
          ContentType: contentType,
          ChecksumAlgorithm: 'CRC32',
        }),
      )
      .then((r) => r.UploadId!));

  const takePart = (bytes: number): Buffer => {
    const out = Buffer.allocUnsafeSlow(bytes);
    let at = 0;
    while (at < bytes) {
      const head = pending[0]!;
      const n = Math.min(head.length, bytes - at);
      head.copy(out, at, 0, n);
      at += n;
      if (n === head.length) pending.shift();
      else pending[0] = head.subarray(n);
    }
    pendingBytes -= bytes;
    return out;
  };

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
        ),
      )
      .then((r) => {
        parts[partNumber - 1] = { PartNumber: partNumber, ETag: r.ETag, ChecksumCRC32: checksum };
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

  const abortUpload = async (): Promise<void> => {
    const id = await uploadId?.catch(() => undefined);
    if (id) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: id }));
  };

  let nextPart = 1;
  const body = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      (async () => {
        while (pendingBytes >= partSizeBytes) {
          await whileFull();
          sendPart(nextPart++, takePart(partSizeBytes));
        }
      })().then(() => callback(), callback);
    },
    final(callback) {
      (async () => {
        if (uploadId === undefined) {
          const data = takePart(pendingBytes);
          await s3.send(
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
          );
          return;
        }
        if (pendingBytes > 0) {
          await whileFull();
          sendPart(nextPart++, takePart(pendingBytes));
        }
        await Promise.all(inFlight);
        if (failure) throw failure;
        await s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: await uploadId,
            MultipartUpload: { Parts: parts },
          }),
        );
      })().then(() => callback(), callback);
    },
    destroy(err, callback) {
      pending = [];
      pendingBytes = 0;
      callback(err);
    },
  });

  const done = new Promise<void>((resolve, reject) => {
    body.once('finish', resolve);
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
      body.destroy();
      await Promise.allSettled(inFlight);
      await abortUpload();
    },
  };
}
