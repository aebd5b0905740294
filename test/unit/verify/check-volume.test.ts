// checkVolume with crafted volumes (an in-memory S3 answering one GetObject): an unsafe tar entry stops the
// unpack before the sink sees it, and the volume does not count as checked.
import type { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pack as createPack, type Header } from 'tar-stream';
import type { PrivateKey } from 'openpgp';
import { generateDemoKeys, readDecryptionKey, readRecipientKeys } from '../../../src/pipeline/openpgp-keys';
import type { ArchiveManifest } from '../../../src/pipeline/manifest';
import { checkVolume } from '../../../src/verify/verify-archive';
import { encryptedAsVolume } from '../pipeline/encrypt-as-volume';

type TarHeader = Partial<Header> & Pick<Header, 'name'>;

type Volume = ArchiveManifest['volumes'][number];
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe('checkVolume', () => {
  let decryptionKey: PrivateKey;
  let recipientKey: string;
  beforeAll(async () => {
    const pair = await generateDemoKeys({ name: 'Team', email: 'team@example.invalid' });
    recipientKey = pair.publicKey;
    decryptionKey = await readDecryptionKey(pair.privateKey);
  });

  /** An encrypted volume of `entries`, with a manifest entry that matches its bytes exactly. */
  async function craftedVolume(entries: [TarHeader, string?][]): Promise<{ volume: Volume; s3: S3Client }> {
    const pack = createPack();
    for (const [header, body] of entries) {
      if (body === undefined) pack.entry(header);
      else pack.entry(header, body);
    }
    pack.finalize();
    const tar = await collect(pack as AsyncIterable<Buffer>);
    const ciphertext = await collect(
      encryptedAsVolume(Readable.from([tar]), await readRecipientKeys([recipientKey])),
    );
    const volume: Volume = {
      index: 1,
      key: 'archives/x/volume-0001.tar.gpg',
      plaintextBytes: tar.length,
      plaintextSha256: sha256(tar),
      ciphertextBytes: ciphertext.length,
      ciphertextSha256: sha256(ciphertext),
      files: entries
        .filter(([h]) => (h.type ?? 'file') === 'file')
        .map(([h, body]) => ({
          path: h.name,
          size: Buffer.byteLength(body ?? ''),
          sha256: sha256(Buffer.from(body ?? '')),
        })),
    };
    const s3 = { send: async () => ({ Body: Readable.from([ciphertext]) }) } as unknown as S3Client;
    return { volume, s3 };
  }

  const check = async (entries: [TarHeader, string?][], edit: (volume: Volume) => Volume = (v) => v) => {
    const crafted = await craftedVolume(entries);
    const { s3 } = crafted;
    const volume = edit(crafted.volume);
    const sunk: string[] = [];
    const result = await checkVolume(
      { s3, bucket: 'b', decryptionKeys: [decryptionKey] },
      volume,
      async (path, content) => {
        sunk.push(path);
        await collect(content as AsyncIterable<Buffer>);
      },
    );
    return { result, sunk };
  };

  it('checks a volume of regular files', async () => {
    const { result, sunk } = await check([
      [{ name: 'index-0' }, 'zero'],
      [{ name: 'indices/u/0/__a' }, 'blob'],
    ]);
    expect(result).toMatchObject({ readable: true, files: 2, problems: [] });
    expect(sunk).toEqual(['index-0', 'indices/u/0/__a']);
  });

  it.each([
    ['a symlink', { name: 'indices/u/0/__a', type: 'symlink', linkname: '/etc/shadow' }, 'is a symlink'],
    ['a path out of the folder', { name: '../../outside' }, 'climbs out of its folder (..)'],
    ['an absolute path', { name: '/etc/cron.d/x' }, 'has an absolute path'],
    ['a device', { name: 'dev', type: 'character-device' }, 'is a character-device'],
  ] as [string, TarHeader, string][])(
    'stops at %s before the sink sees it, and does not count the volume as checked',
    async (_what, header, reason) => {
      const { result, sunk } = await check([
        [{ name: 'index-0' }, 'zero'],
        [header, header.type && header.type !== 'file' ? undefined : 'evil'],
        [{ name: 'snap-z.dat' }, 'after'],
      ]);
      expect(sunk).toEqual(['index-0']);
      expect(result.readable).toBe(false);
      expect(result.problems).toEqual([
        {
          volume: 1,
          file: header.name,
          problem: expect.stringMatching(
            new RegExp(`^unsafe volume: tar entry .* ${reason.replace(/[().]/g, '\\$&')}`),
          ),
        },
      ]);
    },
  );

  it('stops a plaintext longer than the manifest says as it passes that size, before the sink sees more', async () => {
    let sunkBytes = 0;
    const big = 'x'.repeat(64 * 1024);
    const crafted = await craftedVolume([
      [{ name: 'index-0' }, 'zero'],
      [{ name: 'indices/u/0/__a' }, big],
    ]);
    // The manifest promises less than the volume holds: only the first file and its header fit.
    const volume = { ...crafted.volume, plaintextBytes: 2048 };
    const result = await checkVolume(
      { s3: crafted.s3, bucket: 'b', decryptionKeys: [decryptionKey] },
      volume,
      async (_path, content) => {
        for await (const chunk of content as AsyncIterable<Buffer>) sunkBytes += chunk.length;
      },
    );
    expect(result.readable).toBe(false);
    expect(result.problems).toContainEqual({
      volume: 1,
      problem: 'decrypted tar is longer than the 2048 bytes of its manifest entry: unpacking stopped there',
    });
    expect(result.plaintextBytes).toBeLessThanOrEqual(2048);
    expect(sunkBytes).toBeLessThanOrEqual(2048);
  });

  it('never hands the sink a file the manifest does not list, or one of another size', async () => {
    const { result, sunk } = await check(
      [
        [{ name: 'index-0' }, 'zero'],
        [{ name: 'indices/u/0/__a' }, 'blob'],
        [{ name: 'indices/u/0/__planted' }, 'evil'],
      ],
      (v) => ({
        ...v,
        files: v.files
          .filter((f) => f.path !== 'indices/u/0/__planted')
          .map((f) => (f.path === 'index-0' ? { ...f, size: 3 } : f)),
      }),
    );
    expect(sunk).toEqual(['indices/u/0/__a']);
    expect(result.problems).toEqual([
      { volume: 1, file: 'index-0', problem: 'file is 4 bytes, not the 3 of its manifest entry' },
      { volume: 1, file: 'indices/u/0/__planted', problem: 'file is not in the manifest' },
    ]);
  });

  it("does not decrypt a volume whose stored size is not the manifest's", async () => {
    const crafted = await craftedVolume([[{ name: 'index-0' }, 'zero']]);
    let read = false;
    const s3 = {
      send: async () => {
        read = true;
        return {
          ContentLength: crafted.volume.ciphertextBytes + 10,
          Body: Readable.from([Buffer.alloc(10)]),
        };
      },
    } as unknown as S3Client;
    const result = await checkVolume({ s3, bucket: 'b', decryptionKeys: [decryptionKey] }, crafted.volume);
    expect(read).toBe(true);
    expect(result).toMatchObject({ readable: false, files: 0 });
    expect(result.problems).toEqual([
      {
        volume: 1,
        problem: `volume cannot be read or decrypted: it is ${crafted.volume.ciphertextBytes + 10} bytes, not the ${crafted.volume.ciphertextBytes} of its manifest entry (not decrypted)`,
      },
    ]);
  });
});
