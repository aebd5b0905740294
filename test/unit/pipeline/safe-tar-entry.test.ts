// Crafted tars (tar-stream's packer writes any header) read back through tar-stream, as unpacking sees them.
import { Readable } from 'node:stream';
import { pack as createPack, extract, type Header } from 'tar-stream';
import { assertSafeTarEntry, UnsafeTarEntry } from '../../../src/pipeline/safe-tar-entry';

type TarHeader = Partial<Header> & Pick<Header, 'name'>;

async function craftedTar(headers: TarHeader[]): Promise<Buffer> {
  const pack = createPack();
  for (const h of headers) {
    if (h.type === 'file' || h.type === undefined) pack.entry(h, 'data');
    else pack.entry(h);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** The verdict for each entry of a tar, as the unpacker reads it: 'ok' or the UnsafeTarEntry message. */
async function verdicts(tar: Buffer): Promise<string[]> {
  const out: string[] = [];
  const unpack = extract();
  unpack.on('entry', (header, stream, next) => {
    try {
      assertSafeTarEntry(header);
      out.push('ok');
    } catch (err) {
      expect(err).toBeInstanceOf(UnsafeTarEntry);
      out.push((err as Error).message);
    }
    stream.on('end', () => next()).resume();
  });
  await new Promise<void>((resolve, reject) => {
    unpack.on('finish', resolve).on('error', reject);
    Readable.from([tar]).pipe(unpack);
  });
  return out;
}

describe('assertSafeTarEntry', () => {
  it('accepts regular files with relative names, as snapshot repositories hold them', async () => {
    const tar = await craftedTar([
      { name: 'index-0' },
      { name: 'indices/Qv3yq/0/__H2kL', type: 'file' },
      { name: 'snap-abc.dat' },
      { name: `${'d/'.repeat(60)}deep-but-relative` },
    ]);
    expect(await verdicts(tar)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it.each([
    ['an absolute path', { name: '/etc/passwd' }, 'has an absolute path'],
    ['a drive-letter path', { name: 'C:/windows/x' }, 'has an absolute path'],
    ['a parent segment', { name: 'indices/../../escape' }, 'climbs out of its folder (..)'],
    ['a leading parent segment', { name: '../escape' }, 'climbs out of its folder (..)'],
    ['an empty segment', { name: 'indices//x' }, 'has an empty or "." path segment'],
    ['a dot segment', { name: './index-0' }, 'has an empty or "." path segment'],
    ['a backslash', { name: 'indices\\..\\x' }, 'has a backslash in its name'],
    ['a symlink', { name: 'index-0', type: 'symlink', linkname: '/etc/passwd' }, 'is a symlink'],
    ['a hard link', { name: 'index-0', type: 'link', linkname: 'snap-abc.dat' }, 'is a link'],
    ['a character device', { name: 'tty', type: 'character-device' }, 'is a character-device'],
    ['a block device', { name: 'sda', type: 'block-device' }, 'is a block-device'],
    ['a fifo', { name: 'pipe', type: 'fifo' }, 'is a fifo'],
    ['a directory', { name: 'indices', type: 'directory' }, 'is a directory'],
  ] as [string, TarHeader, string][])('refuses %s', async (_what, header, reason) => {
    const [verdict] = await verdicts(await craftedTar([header]));
    expect(verdict).toContain(reason);
    expect(verdict).toContain('snapseal volumes hold only regular files with relative names');
  });

  it('refuses control characters and an empty name (headers written by hand)', () => {
    expect(() => assertSafeTarEntry({ name: 'a\u0000b' })).toThrow('has a control character');
    expect(() => assertSafeTarEntry({ name: 'a\nb' })).toThrow('has a control character');
    expect(() => assertSafeTarEntry({ name: '' })).toThrow('has an empty name');
  });

  it('names the entry in its error', () => {
    const err = (() => {
      try {
        assertSafeTarEntry({ name: '../x', type: 'file' });
      } catch (e) {
        return e as UnsafeTarEntry;
      }
      return undefined;
    })();
    expect(err?.entry).toBe('../x');
    expect(err?.message).toMatch(/^tar entry "\.\.\/x" climbs out of its folder/);
  });
});
