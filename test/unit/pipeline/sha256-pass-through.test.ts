import { pipeline } from 'node:stream/promises';
import { PassThrough, Readable } from 'node:stream';
import { createByteProgress } from '../../../src/pipeline/byte-progress';
import { Sha256PassThrough } from '../../../src/pipeline/sha256-pass-through';
import { bytesOf, collect, sha256 } from './streams';

describe('Sha256PassThrough', () => {
  it('forwards every byte unchanged and knows their sha256 and count', async () => {
    const data = bytesOf(300_000, 1);
    const stage = new Sha256PassThrough();
    const out = collect(stage);
    await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), stage);
    expect((await out).equals(data)).toBe(true);
    expect(stage.bytes).toBe(data.length);
    expect(stage.digestHex()).toBe(sha256(data));
  });

  it('refuses to give a digest before the stream has finished', () => {
    const stage = new Sha256PassThrough();
    stage.write(Buffer.from('partial'));
    expect(() => stage.digestHex()).toThrow('before the stream finished');
  });
});

describe('createByteProgress', () => {
  it('reports growing totals and the final total', async () => {
    const seen: number[] = [];
    const stage = createByteProgress((n) => seen.push(n), 0);
    await pipeline(
      Readable.from([Buffer.alloc(10), Buffer.alloc(20), Buffer.alloc(5)]),
      stage,
      new PassThrough().resume(),
    );
    expect(seen[seen.length - 1]).toBe(35);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('throttles reports', async () => {
    const seen: number[] = [];
    const stage = createByteProgress((n) => seen.push(n), 60_000);
    await pipeline(
      Readable.from(Array.from({ length: 100 }, () => Buffer.alloc(10))),
      stage,
      new PassThrough().resume(),
    );
    expect(seen).toEqual([10, 1000]); // the first chunk, then the end
  });
});
