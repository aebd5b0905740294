import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { extract } from 'tar-stream';
import { createDeterministicTar, TAR_MTIME, type TarSource } from '../../../src/pipeline/deterministic-tar';
import { bytesOf, collect, generated, sha256 } from './streams';

const run = promisify(execFile);

function sources(files: [string, Buffer][]): TarSource[] {
  return files.map(([path, data]) => ({ path, size: data.length, open: async () => Readable.from([data]) }));
}

const sample: [string, Buffer][] = [
  ['index-0', Buffer.from('{"snapshots":[]}')],
  ['indices/Ab3/0/__data', bytesOf(70_001, 2)],
  ['indices/Ab3/0/snap-x.dat', bytesOf(512, 3)],
  ['snap-x.dat', Buffer.alloc(0)],
];

describe('createDeterministicTar', () => {
  it('writes a tar that tar-stream reads back byte for byte, with deterministic headers', async () => {
    const tar = createDeterministicTar(sources(sample));
    const bytes = await collect(tar.stream);
    const seen: { name: string; data: Buffer; mtime?: Date; uid?: number; mode?: number }[] = [];
    const reader = extract();
    reader.on('entry', (header, stream, next) => {
      void collect(stream as unknown as Readable).then((data) => {
        seen.push({ name: header.name, data, mtime: header.mtime, uid: header.uid, mode: header.mode });
        next();
      });
    });
    reader.end(bytes);
    await new Promise<void>((resolve) => reader.on('finish', () => resolve()));
    expect(seen.map((e) => e.name)).toEqual(sample.map(([p]) => p));
    for (const [i, e] of seen.entries()) {
      expect(e.data.equals(sample[i]![1])).toBe(true);
      expect(e.mtime).toEqual(TAR_MTIME);
      expect(e.uid).toBe(0);
      expect(e.mode).toBe(0o644);
    }
    expect(await tar.files).toEqual(
      sample.map(([path, data]) => ({ path, size: data.length, sha256: sha256(data) })),
    );
  });

  it('gives identical bytes for identical input', async () => {
    const a = await collect(createDeterministicTar(sources(sample)).stream);
    const b = await collect(createDeterministicTar(sources(sample)).stream);
    expect(sha256(a)).toBe(sha256(b));
  });

  it('is extracted by GNU tar with the same contents', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'snapseal-tar-'));
    try {
      await writeFile(join(dir, 'v.tar'), await collect(createDeterministicTar(sources(sample)).stream));
      const listing = (await run('tar', ['-tvf', join(dir, 'v.tar')])).stdout;
      expect(listing).toContain('2000-01-01');
      await run('tar', ['-xf', join(dir, 'v.tar'), '-C', dir]);
      for (const [path, data] of sample) expect((await readFile(join(dir, path))).equals(data)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens each source only when its turn comes', async () => {
    const opened: string[] = [];
    const lazy = sample.map(([path, data]) => ({
      path,
      size: data.length,
      open: async () => {
        opened.push(path);
        return Readable.from([data]);
      },
    }));
    const tar = createDeterministicTar(lazy);
    expect(opened.length).toBeLessThanOrEqual(1);
    await collect(tar.stream);
    expect(opened).toEqual(sample.map(([p]) => p));
  });

  it('streams a large file and hashes it on the way', async () => {
    const size = 40 * 1024 * 1024 + 7;
    const tar = createDeterministicTar([{ path: 'big', size, open: async () => generated(size, 9) }]);
    let total = 0;
    for await (const chunk of tar.stream) total += (chunk as Buffer).length;
    expect(total).toBe(512 + Math.ceil(size / 512) * 512 + 1024);
    expect((await tar.files)[0]?.sha256).toBe(sha256(await collect(generated(size, 9))));
  });

  it('rejects unsorted or duplicate paths before writing anything', () => {
    expect(() => createDeterministicTar(sources([sample[1]!, sample[0]!]))).toThrow(
      'must be sorted and unique',
    );
    expect(() => createDeterministicTar(sources([sample[0]!, sample[0]!]))).toThrow(
      'must be sorted and unique',
    );
  });

  it('fails the stream when a source is shorter or longer than listed', async () => {
    const short = createDeterministicTar([
      { path: 'a', size: 10, open: async () => Readable.from([Buffer.alloc(4)]) },
    ]);
    await expect(collect(short.stream)).rejects.toThrow('a ended after 4 of its listed 10 bytes');
    await expect(short.files).rejects.toThrow('ended after 4');
    const long = createDeterministicTar([
      { path: 'b', size: 2, open: async () => Readable.from([Buffer.alloc(4)]) },
    ]);
    await expect(collect(long.stream)).rejects.toThrow('b is longer than its listed size 2 bytes');
  });

  it('fails the stream with the cause when a source errors', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('connection reset by peer'));
      },
    });
    const tar = createDeterministicTar([
      { path: 'a', size: 1, open: async () => Readable.from([Buffer.alloc(1)]) },
      { path: 'b', size: 5, open: async () => failing },
    ]);
    await expect(collect(tar.stream)).rejects.toThrow('Reading b failed: connection reset by peer');
    expect(tar.stream.destroyed).toBe(true);
  });
});
