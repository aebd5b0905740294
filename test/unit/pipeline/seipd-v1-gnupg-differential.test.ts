// Differential test of the SEIPD v1 writer against GnuPG: a few hundred plaintext sizes around every boundary
// the framing has (the literal packet's and the SEIPD packet's 512 KiB partial bodies, and the one-, two- and
// five-octet lengths of the final body), in several chunkings, each decrypted by GnuPG with its session key and
// compared byte for byte. One gpg process decrypts them all (--decrypt-files).
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SeipdV1Writer } from '../../../src/pipeline/seipd-v1-writer';
import { withGnupg } from './gnupg-home';

const PARTIAL = 512 * 1024;
const FILENAME = 'volume-0001.tar';
/** The literal packet's body before the data: format, name length, name, date. */
const LITERAL_HEAD = 6 + FILENAME.length;
/** Inside the SEIPD body: the random prefix (block + 2) before the literal packet; the MDC packet after it. */
const SEIPD_AROUND = 18 + 22;
const CHUNKINGS = [Number.POSITIVE_INFINITY, 4096, 65_537, 333_333];

/** Data sizes around each place where the framing changes. */
function boundarySizes(): number[] {
  const lengths = [0, 191, 192, 8383, 8384];
  const centers = [...lengths.flatMap((b) => [b, PARTIAL + b]), 2 * PARTIAL, 2 * PARTIAL + 192];
  const overheads = [0, LITERAL_HEAD, LITERAL_HEAD + 2, LITERAL_HEAD + 6, LITERAL_HEAD + SEIPD_AROUND];
  const sizes = new Set<number>();
  for (const c of centers)
    for (const o of overheads) for (let d = -3; d <= 3; d++) if (c - o + d >= 0) sizes.add(c - o + d);
  return [...sizes].sort((a, b) => a - b);
}

function seal(plaintext: Buffer, sessionKey: Buffer, chunkBytes: number): Buffer {
  const pieces: Buffer[] = [];
  const writer = new SeipdV1Writer({
    sessionKey,
    filename: FILENAME,
    out: (p) => pieces.push(Buffer.from(p)),
  });
  for (let at = 0; at < plaintext.length; at += Math.min(chunkBytes, plaintext.length))
    writer.write(plaintext.subarray(at, at + chunkBytes));
  writer.end();
  return Buffer.concat(pieces);
}

describe('SeipdV1Writer against GnuPG (differential)', () => {
  it('GnuPG decrypts every size around the framing boundaries to the same bytes', async () => {
    const sizes = boundarySizes();
    expect(sizes.length).toBeGreaterThan(200);
    const source = randomBytes(Math.max(...sizes));
    const sessionKey = randomBytes(32);
    await withGnupg(async (gpg, dir) => {
      const files = sizes.map((size, i) => ({
        size,
        chunk: CHUNKINGS[i % CHUNKINGS.length]!,
        file: join(dir, `m${String(i).padStart(4, '0')}.gpg`),
      }));
      for (const f of files) await writeFile(f.file, seal(source.subarray(0, f.size), sessionKey, f.chunk));
      await gpg([
        '--quiet',
        '--override-session-key',
        `9:${sessionKey.toString('hex')}`,
        '--decrypt-files',
        ...files.map((f) => f.file),
      ]);
      const wrong: string[] = [];
      for (const f of files) {
        const out = await readFile(f.file.slice(0, -'.gpg'.length)).catch(() => undefined);
        if (!out) wrong.push(`${f.size} bytes (chunks of ${f.chunk}): GnuPG wrote nothing`);
        else if (!out.equals(source.subarray(0, f.size)))
          wrong.push(`${f.size} bytes (chunks of ${f.chunk}): ${out.length} bytes differ`);
      }
      expect(wrong).toEqual([]);
    });
  });
});
