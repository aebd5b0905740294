// startStreamUpload against a recording S3 client: parts of the set size with their CRC32, bounded parts in
// flight, a small object as one PutObject, and an aborted multipart upload when a part fails.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { crc32 } from 'node:zlib';
import { startStreamUpload } from '../../../src/s3/upload-stream';

const MIB = 1024 * 1024;

function recordingS3(options: { failPart?: number } = {}) {
  const sent: unknown[] = [];
  /** Each part's bytes as they were when it was sent (the stream reuses its part buffers). */
  const partBytes: Buffer[] = [];
  const partBuffers = new Set<ArrayBufferLike>();
  let inFlight = 0;
  let maxInFlight = 0;
  const send = async (command: unknown): Promise<unknown> => {
    sent.push(command);
    if (command instanceof CreateMultipartUploadCommand) return { UploadId: 'u1' };
    if (command instanceof UploadPartCommand) {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const body = command.input.Body as Buffer;
      const atSend = Buffer.from(body);
      partBytes[command.input.PartNumber! - 1] = atSend;
      partBuffers.add(body.buffer);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (!body.equals(atSend)) throw new Error('the part buffer changed while the part was in flight');
      if (command.input.PartNumber === options.failPart) throw new Error('part refused');
      return { ETag: `"e${command.input.PartNumber}"` };
    }
    return {};
  };
  return {
    client: { send } as unknown as S3Client,
    sent,
    partBytes,
    partBuffers,
    maxInFlight: () => maxInFlight,
  };
}

const crcBase64 = (b: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString('base64');
};

const unsigned = (command: { middlewareStack: { identify(): string[] } }): boolean =>
  command.middlewareStack.identify().some((m) => m.startsWith('snapseal-unsigned-payload'));

describe('startStreamUpload', () => {
  it('uploads parts of the set size with CRC32 checksums, unsigned payloads, at most queueSize at once', async () => {
    const s3 = recordingS3();
    const data = Buffer.alloc(5 * MIB + 12345, 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 131) & 0xff;
    const upload = startStreamUpload(s3.client, { bucket: 'b', key: 'k', partSizeBytes: MIB, queueSize: 2 });
    for (let at = 0; at < data.length; at += 300_000) upload.body.write(data.subarray(at, at + 300_000));
    upload.body.end();
    await upload.done;
    const parts = s3.sent.filter((c): c is UploadPartCommand => c instanceof UploadPartCommand);
    expect(s3.partBytes.map((b) => b.length)).toEqual([MIB, MIB, MIB, MIB, MIB, 12345]);
    expect(Buffer.concat(s3.partBytes).equals(data)).toBe(true);
    parts.forEach((p, i) => {
      expect(p.input.ChecksumCRC32).toBe(crcBase64(s3.partBytes[i]!));
      expect(unsigned(p)).toBe(true);
    });
    expect(s3.maxInFlight()).toBeLessThanOrEqual(2);
    const complete = s3.sent.find((c) => c instanceof CompleteMultipartUploadCommand);
    expect(complete!.input.MultipartUpload!.Parts!.map((p) => p.PartNumber)).toEqual([1, 2, 3, 4, 5, 6]);
    const create = s3.sent.find((c) => c instanceof CreateMultipartUploadCommand);
    expect(create!.input.ChecksumAlgorithm).toBe('CRC32');
  });

  it('reuses queueSize + 1 part buffers for any number of parts, none changed while in flight', async () => {
    const s3 = recordingS3();
    const upload = startStreamUpload(s3.client, { bucket: 'b', key: 'k', partSizeBytes: 1024, queueSize: 2 });
    for (let i = 0; i < 40; i++) upload.body.write(Buffer.alloc(700, i));
    upload.body.end();
    await upload.done;
    expect(s3.partBytes).toHaveLength(28); // 40 × 700 bytes in 1 KiB parts: 27 full, 1 of 352
    expect(
      Buffer.concat(s3.partBytes).equals(
        Buffer.concat([...Array(40).keys()].map((i) => Buffer.alloc(700, i))),
      ),
    ).toBe(true);
    expect(s3.partBuffers.size).toBeLessThanOrEqual(3);
  });

  it('writes an object smaller than one part (even an empty one) as one PutObject with its CRC32', async () => {
    for (const size of [0, 1000]) {
      const s3 = recordingS3();
      const upload = startStreamUpload(s3.client, {
        bucket: 'b',
        key: 'k',
        partSizeBytes: MIB,
        queueSize: 2,
      });
      upload.body.end(Buffer.alloc(size, 1));
      await upload.done;
      expect(s3.sent).toHaveLength(1);
      const put = s3.sent[0] as PutObjectCommand;
      expect(put).toBeInstanceOf(PutObjectCommand);
      expect(put.input.ChecksumCRC32).toBe(crcBase64(Buffer.alloc(size, 1)));
      expect(unsigned(put)).toBe(true);
    }
  });

  it('fails with the cause and aborts the multipart upload when a part fails', async () => {
    const s3 = recordingS3({ failPart: 2 });
    const upload = startStreamUpload(s3.client, { bucket: 'b', key: 'k', partSizeBytes: MIB, queueSize: 1 });
    upload.body.on('error', () => undefined);
    for (let i = 0; i < 4; i++) upload.body.write(Buffer.alloc(MIB));
    upload.body.end();
    await expect(upload.done).rejects.toThrow(/Uploading s3:\/\/b\/k failed: part refused/);
    expect(s3.sent.some((c) => c instanceof AbortMultipartUploadCommand)).toBe(true);
    expect(s3.sent.some((c) => c instanceof CompleteMultipartUploadCommand)).toBe(false);
  });
});
