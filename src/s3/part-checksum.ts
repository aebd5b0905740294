// The checksum S3 stores with each part and object: CRC32 from zlib's native code (GB/s, far cheaper than
// SHA-256). Integrity against tampering is the signed manifest's ciphertext sha256; this one guards transfer
// and satisfies Object Lock buckets, which refuse writes without a checksum or Content-MD5.
import { crc32 } from 'node:zlib';

/** Base64 of the big-endian CRC32, as S3's x-amz-checksum-crc32 header carries it. */
export function crc32Base64(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString('base64');
}
