import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { checkMessageHead } from '../../../src/pipeline/assert-seipd-v1';
import { definiteLength, PartialBodyFramer, SeipdV1Writer } from '../../../src/pipeline/seipd-v1-writer';
import { withGnupg } from './gnupg-home';

const KiB = 1024;
const PARTIAL = 512 * KiB;

/** The SEIPD packet for `plaintext`, written in chunks of `chunkBytes`. */
function seal(plaintext: Buffer, sessionKey: Buffer, chunkBytes: number, filename = 'v.tar'): Buffer {
  const pieces: Uint8Array[] = [];
  const writer = new SeipdV1Writer({ sessionKey, filename, out: (p) => pieces.push(Buffer.from(p)) });
  for (let at = 0; at < plaintext.length; at += chunkBytes)
    writer.write(plaintext.subarray(at, at + chunkBytes));
  writer.end();
  return Buffer.concat(pieces);
}

async function openpgpDecrypts(packet: Buffer, sessionKey: Buffer): Promise<{ data: Buffer; name: string }> {
  const message = await openpgp.readMessage({ binaryMessage: packet });
  const { data, filename } = await openpgp.decrypt({
    message,
    sessionKeys: { data: sessionKey, algorithm: 'aes256' },
    format: 'binary',
    expectSigned: false,
  });
  return { data: Buffer.from(data as Uint8Array), name: filename };
}

describe('definiteLength (RFC 4880 4.2.2)', () => {
  it('uses one, two and five octets at the boundaries', () => {
    expect([...definiteLength(0)]).toEqual([0]);
    expect([...definiteLength(191)]).toEqual([191]);
    expect([...definiteLength(192)]).toEqual([192, 0]);
    expect([...definiteLength(8383)]).toEqual([223, 255]);
    expect([...definiteLength(8384)]).toEqual([255, 0, 0, 0x20, 0xc0]);
  });
});

describe('PartialBodyFramer', () => {
  it('frames 512 KiB partial bodies and a final definite length, handing on views, not copies', () => {
    const pieces: Uint8Array[] = [];
    const framer = new PartialBodyFramer(11, (p) => pieces.push(p));
    const chunk = Buffer.alloc(PARTIAL + 10, 1);
    framer.write(chunk);
    framer.end();
    const headers = pieces.filter((p) => p.buffer !== chunk.buffer).map((p) => [...p]);
    expect(headers).toEqual([[0xcb], [224 + 19], [10]]);
    expect(pieces.filter((p) => p.buffer === chunk.buffer).reduce((n, p) => n + p.length, 0)).toBe(
      chunk.length,
    );
  });

  it('writes a body of one partial size with a definite length, and of two as one partial body and the rest', () => {
    const framed = (bytes: number): number[][] => {
      const pieces: number[][] = [];
      const framer = new PartialBodyFramer(18, (p) => pieces.push(p.length > 8 ? [p.length] : [...p]));
      framer.write(Buffer.alloc(bytes));
      framer.end();
      return pieces;
    };
    expect(framed(PARTIAL)).toEqual([[0xd2], [0xff, 0, 8, 0, 0], [PARTIAL]]);
    expect(framed(2 * PARTIAL)).toEqual([[0xd2], [224 + 19], [PARTIAL], [0xff, 0, 8, 0, 0], [PARTIAL]]);
  });
});

describe('SeipdV1Writer', () => {
  const sessionKey = randomBytes(32);

  it.each([
    ['empty', 0, 1],
    ['one byte', 1, 1],
    ['just under the first partial body', PARTIAL - 12, 4 * KiB],
    ['one partial body, exactly', PARTIAL, PARTIAL],
    ['just over one partial body', PARTIAL + 1, 100_000],
    ['several partial bodies in odd chunks', 3 * 1024 * KiB + 7, 333_333],
  ])('round-trips %s (%i bytes) through openpgp.js, MDC checked', async (_name, size, chunkBytes) => {
    const plaintext = randomBytes(size);
    const packet = seal(plaintext, sessionKey, chunkBytes);
    expect(packet[0]).toBe(0xd2); // SEIPD, new format
    const { data, name } = await openpgpDecrypts(packet, sessionKey);
    expect(data.equals(plaintext)).toBe(true);
    expect(name).toBe('v.tar');
  });

  it('writes what the message-head check accepts behind a key packet', async () => {
    const { publicKey } = await openpgp.generateKey({
      userIDs: [{ name: 'Alice' }],
      curve: 'curve25519Legacy',
      format: 'object',
    });
    const keyPackets = await openpgp.encryptSessionKey({
      data: sessionKey,
      algorithm: 'aes256',
      encryptionKeys: publicKey,
      format: 'binary',
    });
    const message = Buffer.concat([keyPackets, seal(randomBytes(2000), sessionKey, 700)]);
    expect(checkMessageHead(message)).toBe('ok');
  });

  it('fails the MDC when one ciphertext bit is flipped', async () => {
    const packet = seal(randomBytes(PARTIAL + 5000), sessionKey, 64 * KiB);
    packet[packet.length - 100]! ^= 0x01;
    await expect(openpgpDecrypts(packet, sessionKey)).rejects.toThrow(/Modification detected|MDC/i);
  });

  it('writes a packet GnuPG 2.2 decrypts with the session key given', async () => {
    const plaintext = randomBytes(2 * PARTIAL + 3);
    const packet = seal(plaintext, sessionKey, 256 * KiB);
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'v.gpg'), packet);
      const { stdout } = await gpg([
        '--override-session-key',
        `9:${sessionKey.toString('hex')}`,
        '--decrypt',
        join(dir, 'v.gpg'),
      ]);
      expect(Buffer.from(stdout).equals(plaintext)).toBe(true);
    });
  });

  it('refuses a key of the wrong length and a file name of over 255 bytes', () => {
    const out = (): void => undefined;
    expect(() => new SeipdV1Writer({ sessionKey: randomBytes(16), filename: 'v', out })).toThrow(/32 bytes/);
    expect(() => new SeipdV1Writer({ sessionKey, filename: 'x'.repeat(256), out })).toThrow(/255 bytes/);
  });
});
