import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decryptStream } from '../../../src/pipeline/openpgp-decrypt';
import {
  generateDemoKeys,
  readDecryptionKey,
  readRecipientKeys,
  readSigningKey,
  type GeneratedKeyPair,
} from '../../../src/pipeline/openpgp-keys';
import * as openpgp from 'openpgp';
import { withGnupg } from './gnupg-home';
import { bytesOf, collect, generated, sha256 } from './streams';
import { encryptedAsVolume } from './encrypt-as-volume';

describe('OpenPGP stages', () => {
  let alice: GeneratedKeyPair;
  let bob: GeneratedKeyPair;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      generateDemoKeys({ name: 'Alice', email: 'alice@example.invalid' }),
      generateDemoKeys({ name: 'Bob', email: 'bob@example.invalid' }),
    ]);
  });

  it('encrypts for several recipients; each one decrypts the same bytes', async () => {
    const plaintext = bytesOf(200_000, 4);
    const recipients = await readRecipientKeys([alice.publicKey, bob.publicKey]);
    const ciphertext = await collect(encryptedAsVolume(Readable.from([plaintext]), recipients));
    expect(ciphertext.includes(plaintext.subarray(0, 64))).toBe(false);
    for (const pair of [alice, bob]) {
      const key = await readDecryptionKey(pair.privateKey);
      const out = await collect(await decryptStream(Readable.from([ciphertext]), [key]));
      expect(out.equals(plaintext)).toBe(true);
    }
  });

  it('streams: a 32 MiB plaintext round-trips', async () => {
    const size = 32 * 1024 * 1024;
    const [recipient] = await readRecipientKeys([alice.publicKey]);
    const encrypted = encryptedAsVolume(generated(size, 5), [recipient!]);
    const decrypted = await decryptStream(encrypted, [await readDecryptionKey(alice.privateKey)]);
    expect(sha256(await collect(decrypted))).toBe(sha256(await collect(generated(size, 5))));
  });

  it('fails the decryption stream when one bit of the ciphertext is flipped', async () => {
    const recipients = await readRecipientKeys([alice.publicKey]);
    const ciphertext = await collect(encryptedAsVolume(Readable.from([bytesOf(100_000, 6)]), recipients));
    ciphertext[ciphertext.length - 30]! ^= 0x01;
    const key = await readDecryptionKey(alice.privateKey);
    await expect(decryptStream(Readable.from([ciphertext]), [key]).then(collect)).rejects.toThrow();
  });

  it('writes messages GnuPG 2.2 decrypts (no AEAD, no compression)', async () => {
    const plaintext = bytesOf(150_000, 7);
    const recipients = await readRecipientKeys([alice.publicKey]);
    const ciphertext = await collect(encryptedAsVolume(Readable.from([plaintext]), recipients));
    const packets = await openpgp.readMessage({ binaryMessage: ciphertext });
    expect(packets.packets.filterByTag(openpgp.enums.packet.aeadEncryptedData)).toHaveLength(0);
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'alice.sec.asc'), alice.privateKey);
      await gpg(['--import', join(dir, 'alice.sec.asc')]);
      await writeFile(join(dir, 'v.tar.gpg'), ciphertext);
      const { stdout } = await gpg(['--decrypt', join(dir, 'v.tar.gpg')]);
      expect(Buffer.from(stdout).equals(plaintext)).toBe(true);
    });
  });

  describe('keys', () => {
    it('refuses a private key where a recipient public key belongs', async () => {
      await expect(readRecipientKeys([alice.privateKey])).rejects.toThrow(
        /is a private key: give the recipient's public key/,
      );
    });

    it('refuses a public key where the signing key belongs', async () => {
      await expect(readSigningKey(alice.publicKey)).rejects.toThrow(
        /is a public key .*: a private key is needed/,
      );
    });

    it('refuses text that is no key, without echoing it', async () => {
      const error = (await readRecipientKeys(['hunter2 is not a key']).catch((e: Error) => e)) as Error;
      expect(error.message).toContain('not an ASCII-armored OpenPGP key');
      expect(error.message).not.toContain('hunter2');
    });

    it('unlocks a protected key with its passphrase and names a wrong or missing one', async () => {
      const key = await openpgp.readPrivateKey({ armoredKey: alice.privateKey });
      const locked = (await openpgp.encryptKey({ privateKey: key, passphrase: 'correct horse' })).armor();
      expect((await readSigningKey(locked, 'correct horse')).isDecrypted()).toBe(true);
      await expect(readSigningKey(locked, 'wrong')).rejects.toThrow('the passphrase does not unlock it');
      await expect(readSigningKey(locked)).rejects.toThrow(
        'protected by a passphrase, and none is configured',
      );
    });
  });
});
