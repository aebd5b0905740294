import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as openpgp from 'openpgp';
import { checkMessageHead, createSeipdV1Assertion } from '../../../src/pipeline/assert-seipd-v1';
import { generateDemoKeys, readRecipientKeys } from '../../../src/pipeline/openpgp-keys';
import { bytesOf, collect } from './streams';
import { encryptedAsVolume } from './encrypt-as-volume';

/** A new-format packet: tag, one-octet length, body. */
const packet = (tag: number, body: number[]): Buffer => Buffer.from([0xc0 | tag, body.length, ...body]);

async function through(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = createSeipdV1Assertion();
  sink.on('data', (c: Buffer) => out.push(c));
  await pipeline(Readable.from(chunks), sink);
  return Buffer.concat(out);
}

describe('SEIPD v1 assertion', () => {
  it('passes PKESK v3 + SEIPD v1 through unchanged, even one byte per chunk', async () => {
    const message = Buffer.concat([packet(1, [3, 9, 9, 9]), packet(1, [3, 8]), packet(18, [1, 0xaa, 0xbb])]);
    const tail = bytesOf(10_000, 3);
    const bytes = Buffer.concat([message, tail]);
    expect(await through([bytes])).toEqual(bytes);
    expect(
      await through([...bytes.subarray(0, 40)].map((b) => Buffer.from([b])).concat(bytes.subarray(40))),
    ).toEqual(bytes);
  });

  it('reads two-octet and five-octet lengths and legacy headers', () => {
    const longBody = [3, ...new Array<number>(300).fill(7)];
    const twoOctet = Buffer.concat([
      Buffer.from([0xc1, 192 + ((301 - 192) >> 8), (301 - 192) & 0xff]),
      Buffer.from(longBody),
    ]);
    expect(checkMessageHead(Buffer.concat([twoOctet, packet(18, [1])]))).toBe('ok');
    const fiveOctet = Buffer.concat([Buffer.from([0xc1, 255, 0, 0, 0, 2, 3, 0])]);
    expect(checkMessageHead(Buffer.concat([fiveOctet, packet(18, [1])]))).toBe('ok');
    const legacy = Buffer.from([0x84, 2, 3, 0]); // tag 1, one-octet length
    expect(checkMessageHead(Buffer.concat([legacy, packet(18, [1])]))).toBe('ok');
    expect(checkMessageHead(packet(1, [3, 0]).subarray(0, 3))).toBe('more');
  });

  it('fails the stream on SEIPD v2, PKESK v6, AEAD packets, no recipients, or a truncated head', async () => {
    await expect(through([Buffer.concat([packet(1, [3, 0]), packet(18, [2, 9])])])).rejects.toThrow(
      'encrypted volume is not readable by GnuPG 2.2: SEIPD version 2 (AEAD, RFC 9580); GnuPG 2.2 decrypts version 1 only',
    );
    await expect(through([Buffer.concat([packet(1, [6, 0]), packet(18, [1])])])).rejects.toThrow(
      'PKESK version 6',
    );
    await expect(through([Buffer.concat([packet(1, [3, 0]), packet(20, [1])])])).rejects.toThrow(
      'packet tag 20',
    );
    await expect(through([packet(18, [1])])).rejects.toThrow('no PKESK packet');
    await expect(through([packet(1, [3, 0])])).rejects.toThrow('the message ended before its encrypted data');
  });

  it('accepts what a volume encryption writes and rejects what openpgp.js writes by default for SEIPDv2 keys', async () => {
    // A v4 key whose self-signature advertises SEIPDv2 (openpgp.js sets the feature with aeadProtect).
    const { publicKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'aead@example.invalid' }],
      config: { v6Keys: false, aeadProtect: true },
    });
    const recipients = await readRecipientKeys([publicKey]);
    const ours = await collect(encryptedAsVolume(Readable.from([bytesOf(5000, 1)]), recipients));
    expect(checkMessageHead(ours)).toBe('ok');
    const byDefault = await openpgp.encrypt({
      message: await openpgp.createMessage({ binary: bytesOf(5000, 1) }),
      encryptionKeys: recipients,
      format: 'binary',
      config: { aeadProtect: false },
    });
    expect(() => checkMessageHead(Buffer.from(byDefault))).toThrow('PKESK version 6');
    const demo = await generateDemoKeys({ name: 'd', email: 'd@example.invalid' });
    const plain = await collect(
      encryptedAsVolume(Readable.from([bytesOf(10, 1)]), await readRecipientKeys([demo.publicKey])),
    );
    expect(checkMessageHead(plain)).toBe('ok');
  });
});
