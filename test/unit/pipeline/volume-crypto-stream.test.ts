import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as openpgp from 'openpgp';
import { createChunkCoalescer } from '../../../src/pipeline/coalesce-chunks';
import { createDeterministicTar } from '../../../src/pipeline/deterministic-tar';
import {
  generateDemoKeys,
  readRecipientKeys,
  type GeneratedKeyPair,
} from '../../../src/pipeline/openpgp-keys';
import { CryptoThreadError, VolumeCryptoStream } from '../../../src/pipeline/volume-crypto-stream';
import { encryptAsVolume } from './encrypt-as-volume';
import { withGnupg } from './gnupg-home';
import { bytesOf, collect, sha256 } from './streams';

describe('VolumeCryptoStream (crypto on a thread of its own)', () => {
  let alice: GeneratedKeyPair;
  beforeAll(async () => {
    alice = await generateDemoKeys({ name: 'Alice', email: 'alice@example.invalid' });
  });

  it('encrypts a tar GnuPG decrypts, with the same digests the tar and the bytes give', async () => {
    const sizes = [0, 1, 511, 512, 513, 3 * 1024 * 1024 + 7, 100_000];
    const contents = sizes.map((size, i) => bytesOf(size, i + 1));
    const sources = contents.map((data, i) => ({
      path: `indices/f${String(i).padStart(2, '0')}`,
      size: data.length,
      open: async () => Readable.from([data.subarray(0, 100), data.subarray(100)]),
    }));
    const tar = createDeterministicTar(sources);
    const tarBytes = await collect(createDeterministicTar(sources).stream);
    const crypto = new VolumeCryptoStream({
      recipients: await readRecipientKeys([alice.publicKey]),
      filename: 'v.tar',
      fileSizes: sizes,
    });
    const [ciphertext] = await Promise.all([
      collect(crypto),
      pipeline(tar.stream, createChunkCoalescer(64 * 1024), crypto),
    ]);
    const result = await crypto.result;
    expect(result.fileSha256).toEqual(contents.map((c) => sha256(c)));
    expect(result.fileSha256).toEqual((await tar.files).map((f) => f.sha256));
    expect(result.plaintextBytes).toBe(tarBytes.length);
    expect(result.plaintextSha256).toBe(sha256(tarBytes));
    expect(result.ciphertextBytes).toBe(ciphertext.length);
    expect(result.ciphertextSha256).toBe(sha256(ciphertext));
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'alice.sec.asc'), alice.privateKey);
      await gpg(['--import', join(dir, 'alice.sec.asc')]);
      await writeFile(join(dir, 'v.tar.gpg'), ciphertext);
      const { stdout } = await gpg(['--decrypt', join(dir, 'v.tar.gpg')]);
      expect(Buffer.from(stdout).equals(tarBytes)).toBe(true);
    });
  });

  it('writes PKESK v3 + SEIPD v1 for a v4 key that advertises SEIPDv2, and GnuPG 2.2 decrypts it', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'aead@example.invalid' }],
      format: 'armored',
      config: { v6Keys: false, aeadProtect: true },
    });
    // Every recipient advertises SEIPDv2: openpgp.js would write PKESK v6 + SEIPDv2 unless told otherwise.
    const { selfCertification } = await (await openpgp.readKey({ armoredKey: publicKey })).getPrimaryUser();
    expect((selfCertification.features?.[0] ?? 0) & 0x08).toBe(0x08);
    const plaintext = bytesOf(70_000, 3);
    const ciphertext = await encryptAsVolume(publicKey, plaintext);
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'aead.sec.asc'), privateKey);
      await gpg(['--import', join(dir, 'aead.sec.asc')]);
      await writeFile(join(dir, 'v.tar.gpg'), ciphertext);
      const { stdout } = await gpg(['--decrypt', join(dir, 'v.tar.gpg')]);
      expect(Buffer.from(stdout).equals(plaintext)).toBe(true);
    });
  });

  it('fails with a clear error when the thread dies, and does not hang', async () => {
    const crypto = new VolumeCryptoStream({
      recipients: await readRecipientKeys([alice.publicKey]),
      filename: 'v.tar',
      fileSizes: [1024 * 1024],
    });
    const failed = new Promise<Error>((resolve) => crypto.once('error', resolve));
    crypto.write(Buffer.alloc(1024));
    // A dying thread: what an out-of-memory kill or a crash inside the thread looks like from outside.
    await (await crypto.threadStarted()).terminate();
    await expect(crypto.result).rejects.toThrow(CryptoThreadError);
    await expect(crypto.result).rejects.toThrow(/encryption thread of this volume exited/);
    expect(await failed).toBeInstanceOf(CryptoThreadError);
    expect(crypto.destroyed).toBe(true);
  });
});
