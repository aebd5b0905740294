// Test helpers: collect a stream, make sources of known bytes.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** `size` pseudo-random bytes derived from `seed`, produced in 64 KiB chunks without holding them all. */
export function generated(size: number, seed: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= size) return void this.push(null);
      const n = Math.min(65536, size - offset);
      const chunk = Buffer.alloc(n);
      for (let i = 0; i < n; i++) chunk[i] = (offset + i) * 31 + seed * 7;
      offset += n;
      this.push(chunk);
    },
  });
}

export function bytesOf(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = i * 31 + seed * 7;
  return b;
}
