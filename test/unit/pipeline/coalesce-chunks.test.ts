import { Readable } from 'node:stream';
import { createChunkCoalescer } from '../../../src/pipeline/coalesce-chunks';
import { bytesOf } from './streams';

async function chunksOf(stream: Readable): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of stream) out.push(chunk as Buffer);
  return out;
}

describe('createChunkCoalescer', () => {
  it('passes the same bytes in order, in chunks of at least the target size except the last', async () => {
    const data = bytesOf(10_000, 3);
    const small = Array.from({ length: 100 }, (_, i) => data.subarray(i * 100, i * 100 + 100));
    const chunks = await chunksOf(Readable.from(small).pipe(createChunkCoalescer(1024)));
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    expect(chunks.slice(0, -1).every((c) => c.length >= 1024)).toBe(true);
    expect(chunks.length).toBeGreaterThan(1); // 10,000 bytes never wait for one chunk at the end
  });

  it('passes an empty stream through empty, and a large chunk through whole', async () => {
    expect(await chunksOf(Readable.from([]).pipe(createChunkCoalescer(1024)))).toEqual([]);
    const big = bytesOf(5000, 1);
    const chunks = await chunksOf(Readable.from([big]).pipe(createChunkCoalescer(1024)));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.equals(big)).toBe(true);
  });
});
