// A pass-through stage that reports how many bytes have passed, at most every `intervalMs` (and at the end).
import { Transform, type TransformCallback } from 'node:stream';

export function createByteProgress(onProgress: (bytes: number) => void, intervalMs = 1000): Transform {
  let bytes = 0;
  let last = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytes += chunk.length;
      const now = Date.now();
      if (now - last >= intervalMs) {
        last = now;
        onProgress(bytes);
      }
      callback(null, chunk);
    },
    flush(callback) {
      onProgress(bytes);
      callback();
    },
  });
}
