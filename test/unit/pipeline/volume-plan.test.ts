import { Readable } from 'node:stream';
import { createDeterministicTar } from '../../../src/pipeline/deterministic-tar';
import { UnsafeTarEntry } from '../../../src/pipeline/safe-tar-entry';
import { MIN_VOLUME_BYTES, pagePlan, planVolumes, type PlannedBlob } from '../../../src/pipeline/volume-plan';
import { collect } from './streams';

const MiB = 1024 * 1024;
const blob = (key: string, size: number): PlannedBlob => ({ key, size, etag: `"${key}-${size}"` });

describe('planVolumes', () => {
  it('plans nothing for nothing', () => {
    expect(planVolumes([], MiB)).toEqual([]);
  });

  it('predicts the exact size of the tar each volume becomes', async () => {
    const blobs = [
      blob('index-0', 300),
      blob('indices/u1/0/__a', 700_000),
      blob('indices/u1/0/__b', 1),
      blob('meta-x.dat', 0),
    ];
    const [volume] = planVolumes(blobs, MiB);
    const tar = createDeterministicTar(
      volume!.entries.map((e) => ({
        path: e.key,
        size: e.size,
        open: async () => Readable.from([Buffer.alloc(e.size)]),
      })),
    );
    expect((await collect(tar.stream)).length).toBe(volume!.tarBytes);
  });

  it('never lets a volume exceed the maximum, except a single blob larger than it', () => {
    const blobs = [
      blob('a', 400_000),
      blob('b', 400_000),
      blob('c', 400_000),
      blob('d', 3 * MiB),
      blob('e', 10),
    ];
    const volumes = planVolumes(blobs, MiB);
    expect(volumes.map((v) => v.entries.map((e) => e.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
    for (const v of volumes) if (v.entries.length > 1) expect(v.tarBytes).toBeLessThanOrEqual(MiB);
    expect(volumes[2]!.tarBytes).toBeGreaterThan(MiB);
    expect(volumes.map((v) => v.index)).toEqual([1, 2, 3, 4]);
  });

  it('fills a volume exactly to the maximum', () => {
    // one entry: 512 header + data; plus 1024 end: MiB - 1536 bytes of data fit exactly
    const [only, ...rest] = planVolumes([blob('x', MiB - 1536)], MiB);
    expect(only!.tarBytes).toBe(MiB);
    expect(rest).toEqual([]);
  });

  it('orders blobs by byte order, whatever the input order', () => {
    const blobs = [blob('b', 1), blob('B', 1), blob('a/z', 1), blob('a', 1), blob('_', 1)];
    const once = planVolumes(blobs, MiB);
    const again = planVolumes([...blobs].reverse(), MiB);
    expect(once[0]!.entries.map((e) => e.key)).toEqual(['B', '_', 'a', 'a/z', 'b']);
    expect(again).toEqual(once);
  });

  it('refuses a blob whose name restore would refuse, naming it, before any volume is planned', () => {
    for (const [name, reason] of [
      ['indices/u1/../../etc/x', 'climbs out of its folder'],
      ['a/../b', 'climbs out of its folder'],
      ['/abs/path', 'absolute path'],
      ['a\\..\\b', 'backslash'],
      ['a//b', 'empty or "." path segment'],
      ['a\u0001b', 'control character'],
    ]) {
      const plan = () => planVolumes([blob('indices/u1/0/__a', 10), blob(name!, 1)], MiB);
      expect(plan).toThrow(UnsafeTarEntry);
      expect(plan).toThrow(`tar entry ${JSON.stringify(name)}`);
      expect(plan).toThrow(reason!);
    }
  });

  it("keeps each blob's ETag, the version the volume must read", () => {
    const [volume] = planVolumes([blob('a', 10)], MiB);
    expect(volume!.entries).toEqual([{ key: 'a', size: 10, etag: '"a-10"' }]);
  });

  it("pages whole volumes, at most the page's file limit each (one volume alone may exceed it)", () => {
    const volumes = planVolumes(
      Array.from({ length: 12 }, (_, i) => blob(`b${String(i).padStart(2, '0')}`, MiB / 2)),
      MiB,
    ); // one blob per volume: a blob plus its header does not fit twice in 1 MiB
    expect(volumes).toHaveLength(12);
    const pages = pagePlan(volumes, 5);
    expect(pages.map((p) => p.map((v) => v.index))).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12],
    ]);
    const big = planVolumes(
      Array.from({ length: 7 }, (_, i) => blob(`f${i}`, 1)),
      MiB,
    );
    expect(pagePlan(big, 5)).toEqual([big]);
    expect(pagePlan([], 5)).toEqual([]);
  });

  it('rejects a maximum below 1 MiB and duplicate keys', () => {
    expect(() => planVolumes([], MIN_VOLUME_BYTES - 1)).toThrow('at least 1048576 bytes (1 MiB)');
    expect(() => planVolumes([blob('a', 1), blob('a', 2)], MiB)).toThrow('Blob listed twice: a');
  });
});
