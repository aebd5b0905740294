// Gathers small chunks into larger ones before a stage with a per-chunk cost. OpenPGP streaming (web streams,
// one cipher and hash call per chunk) runs about three times faster on 1 MiB chunks than on the 16 KiB chunks
// an HTTP body or tar-stream hands out; one memory copy buys that.
import { Transform, type TransformCallback } from 'node:stream';

export const COALESCED_CHUNK_BYTES = 1024 * 1024;

export function createChunkCoalescer(targetBytes = COALESCED_CHUNK_BYTES): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  return new Transform({
    readableHighWaterMark: targetBytes,
    writableHighWaterMark: targetBytes,
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= targetBytes) {
        const out = Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        callback(null, out);
      } else callback();
    },
    flush(callback: TransformCallback) {
      callback(null, pendingBytes > 0 ? Buffer.concat(pending, pendingBytes) : undefined);
    },
  });
}
