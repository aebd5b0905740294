// Recipient keys from Sequoia (sq), GnuPG 2.2 and openpgp.js: the ones GnuPG 2.2 can use are accepted and get
// volumes it decrypts (even when they advertise SEIPDv2); the others are refused with the reason.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import { readRecipientKeys } from '../../../src/pipeline/openpgp-keys';
import { encryptAsVolume } from './encrypt-as-volume';
import { withGnupg } from './gnupg-home';
import { bytesOf } from './streams';

const run = promisify(execFile);

/** Encrypt as volumes are encrypted (the volume crypto thread); the head must be PKESK v3 + SEIPD v1. */
const encryptFor = (publicKey: string): Promise<Buffer> => encryptAsVolume(publicKey, bytesOf(70_000, 9));

type Gpg = (args: string[]) => Promise<{ stdout: string; stderr: string }>;

async function gnupgDecrypts(gpg: Gpg, dir: string, ciphertext: Buffer): Promise<void> {
  await writeFile(join(dir, 'v.tar.gpg'), ciphertext);
  const { stdout } = await gpg(['--decrypt', join(dir, 'v.tar.gpg')]);
  expect(Buffer.from(stdout).equals(bytesOf(70_000, 9))).toBe(true);
}

describe('recipient keys GnuPG 2.2 must be able to use', () => {
  it('accepts a Sequoia (sq) key, and GnuPG 2.2 decrypts the volume with its secret key', async () => {
    await withGnupg(async (gpg, dir) => {
      const secret = join(dir, 'sq.sec.pgp');
      await run('sq', ['key', 'generate', '--userid', '<sq@example.invalid>', '--export', secret]);
      const { stdout: cert } = await run('sq', ['key', 'extract-cert', secret]);
      const ciphertext = await encryptFor(cert);
      await gpg(['--import', secret]);
      await gnupgDecrypts(gpg, dir, ciphertext);
    });
  });

  it('accepts a GnuPG 2.2 key (RSA and Curve25519), and GnuPG decrypts', async () => {
    await withGnupg(async (gpg, dir) => {
      for (const [algo, email] of [
        ['default', 'rsa@example.invalid'], // rsa3072 + rsa3072 encryption subkey in 2.2
        ['future-default', 'cv@example.invalid'], // ed25519 + cv25519
      ] as const) {
        await gpg(['--passphrase', '', '--quick-gen-key', email, algo, 'default', 'never']);
        const { stdout } = await gpg(['--armor', '--export', email]);
        await gnupgDecrypts(gpg, dir, await encryptFor(Buffer.from(stdout).toString('utf8')));
      }
    });
  });

  it('forces SEIPD v1 for a v4 key that advertises SEIPDv2; GnuPG 2.2 decrypts it', async () => {
    const { publicKey, privateKey } = await openpgp.generateKey({
      type: 'ecc',
      curve: 'curve25519Legacy',
      userIDs: [{ email: 'aead@example.invalid' }],
      format: 'armored',
      config: { v6Keys: false, aeadProtect: true },
    });
    const key = await openpgp.readKey({ armoredKey: publicKey });
    // The SEIPDv2 bit (0x08) of the Features subpacket: openpgp.js would pick AEAD for this key by default.
    const { selfCertification } = await key.getPrimaryUser();
    expect((selfCertification.features?.[0] ?? 0) & 0x08).toBe(0x08);
    const ciphertext = await encryptFor(publicKey);
    await withGnupg(async (gpg, dir) => {
      await writeFile(join(dir, 'aead.sec.asc'), privateKey);
      await gpg(['--import', join(dir, 'aead.sec.asc')]);
      await gnupgDecrypts(gpg, dir, ciphertext);
    });
  });

  it('refuses a v6 key, naming its fingerprint', async () => {
    const { publicKey } = await openpgp.generateKey({
      userIDs: [{ email: 'v6@example.invalid' }],
      format: 'armored',
      config: { v6Keys: true },
    });
    const fpr = (await openpgp.readKey({ armoredKey: publicKey })).getFingerprint().toUpperCase();
    await expect(readRecipientKeys([publicKey])).rejects.toThrow(
      `recipient key 1 (${fpr}) is a v6 key (RFC 9580): GnuPG 2.2 cannot read it`,
    );
  });

  it('refuses a v4 key with the RFC 9580-only X25519/Ed25519 algorithms', async () => {
    const { publicKey } = await openpgp.generateKey({
      type: 'curve25519',
      userIDs: [{ email: 'x25519@example.invalid' }],
      format: 'armored',
      config: { v6Keys: false },
    });
    const key = await openpgp.readKey({ armoredKey: publicKey });
    expect(key.keyPacket.version).toBe(4);
    await expect(readRecipientKeys([publicKey])).rejects.toThrow(
      new RegExp(
        `recipient key 1 \\(${key.getFingerprint().toUpperCase()}\\) uses ed25519 .*RFC 9580-only algorithm GnuPG 2.2 cannot use`,
      ),
    );
  });
});
