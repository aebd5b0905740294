// A pass-through stage that lets at most `limit` bytes through: the chunk that would pass it is not forwarded,
// and the stream fails at once, so nothing past a known size is ever handed on.
import { Transform, type TransformCallback } from 'node:stream';

export class ByteLimitExceeded extends Error {
  override name = 'ByteLimitExceeded';
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what} is longer than ${limit} bytes`);
  }
}

export function createByteLimit(limit: number, what: string): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      bytes += chunk.length;
      if (bytes > limit) callback(new ByteLimitExceeded(what, limit));
      else callback(null, chunk);
    },
  });
}
