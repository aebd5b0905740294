// A pass-through stage that hashes (sha256) and counts the bytes flowing through it: it sits in the
// stream instead of beside it, so a slow consumer slows the producer (a tee would buffer instead).
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export class Sha256PassThrough extends Transform {
  #hash: Hash = createHash('sha256');
  #digest: string | undefined;
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.#digest = this.#hash.digest('hex');
    callback();
  }

  /** The hex digest of everything that passed; only once the stream has finished. */
  digestHex(): string {
    if (this.#digest === undefined) throw new Error('sha256 digest requested before the stream finished');
    return this.#digest;
  }
}
