// OpenPGP keys and signatures built around a key whose private half signs digests elsewhere: here OpenSSL's
// `pkeyutl -sign` over a precomputed digest, which returns what AWS KMS Sign (MessageType DIGEST) returns (RSA:
// the PKCS#1 v1.5 signature; ECDSA: a DER ECDSA-Sig-Value). Checked with openpgp.js and GnuPG 2.2.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as openpgp from 'openpgp';
import { verifyManifestSignature } from '../../../src/pipeline/manifest';
import {
  certifiedPublicKey,
  ecdsaIntegersFromDer,
  materialFromSpki,
  remoteKeyIdentity,
  signDetached,
  type SignDigest,
} from '../../../src/keys/remote-openpgp-key';
import { withGnupg } from '../pipeline/gnupg-home';

const run = promisify(execFile);
const CREATED = new Date('2026-12-01T00:00:00Z');

interface Fixture {
  dir: string;
  spki: Buffer;
  signDigest: SignDigest;
}

/** A key pair whose private key signs digests only through `openssl pkeyutl`, as KMS would. */
async function opensslKey(
  kind: 'rsa' | 'P-256' | 'P-384',
  dir: string,
): Promise<Omit<Fixture, 'dir'> & { calls: () => number }> {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: kind });
  const keyFile = join(dir, `${kind}.pem`);
  await writeFile(keyFile, pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  let calls = 0;
  const signDigest: SignDigest = async (digest, hash) => {
    calls++;
    const digestFile = join(dir, `digest-${calls}`);
    const outFile = join(dir, `sig-${calls}`);
    await writeFile(digestFile, digest);
    await run('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      keyFile,
      '-pkeyopt',
      `digest:${hash}`,
      '-in',
      digestFile,
      '-out',
      outFile,
    ]);
    const signature = await readFile(outFile);
    return kind === 'rsa' ? [signature] : ecdsaIntegersFromDer(signature);
  };
  return {
    spki: pair.publicKey.export({ format: 'der', type: 'spki' }),
    signDigest,
    calls: () => calls,
  };
}

describe.each(['rsa', 'P-256', 'P-384'] as const)('a remotely held %s key', (kind) => {
  let dir: string;
  let fixture: Awaited<ReturnType<typeof opensslKey>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snapseal-remote-key-'));
    fixture = await opensslKey(kind, dir);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('has a fingerprint fixed by its public numbers and creation time, and a self-certified user ID', async () => {
    const identity = remoteKeyIdentity(materialFromSpki(fixture.spki), CREATED);
    const key = await certifiedPublicKey(identity, 'snapseal archiver (test)', fixture.signDigest);
    expect(key.getFingerprint().toUpperCase()).toBe(identity.fingerprint.toString('hex').toUpperCase());
    expect(key.getCreationTime()).toEqual(CREATED);
    await expect(key.verifyPrimaryKey()).resolves.toBeUndefined();
    // The same key and time give the same fingerprint (another host, a restart); another time another one.
    const again = remoteKeyIdentity(materialFromSpki(fixture.spki), CREATED);
    expect(again.fingerprint).toEqual(identity.fingerprint);
    const later = remoteKeyIdentity(materialFromSpki(fixture.spki), new Date('2026-12-02T00:00:00Z'));
    expect(later.fingerprint).not.toEqual(identity.fingerprint);
  });

  it('makes detached signatures that openpgp.js and GnuPG 2.2 verify, and that fail on other bytes', async () => {
    const identity = remoteKeyIdentity(materialFromSpki(fixture.spki), CREATED);
    const key = await certifiedPublicKey(identity, 'snapseal archiver (test)', fixture.signDigest);
    const bytes = Buffer.from('{"format":"snapseal-manifest/1"}\n'.repeat(300)); // longer than one KMS message
    const before = fixture.calls();
    const signature = await signDetached(identity, bytes, fixture.signDigest);
    expect(fixture.calls()).toBe(before + 1);
    expect(signature).toMatch(/^-----BEGIN PGP SIGNATURE-----/);

    await expect(verifyManifestSignature(bytes, signature, [key])).resolves.toBe(
      key.getFingerprint().toUpperCase(),
    );
    const other = Buffer.from(bytes);
    other[10] = other[10]! ^ 1;
    await expect(verifyManifestSignature(other, signature, [key])).rejects.toThrow(
      /is not valid for this manifest/,
    );

    await withGnupg(async (gpg, home) => {
      const keyFile = join(home, 'key.asc');
      const dataFile = join(home, 'data');
      const sigFile = join(home, 'data.asc');
      await writeFile(keyFile, key.armor());
      await writeFile(dataFile, bytes);
      await writeFile(sigFile, signature);
      await gpg(['--import', keyFile]);
      const listed = String((await gpg(['--with-colons', '--fingerprint'])).stdout);
      expect(listed).toContain(`fpr:::::::::${key.getFingerprint().toUpperCase()}:`);
      // gpgv with a keyring holding only this key, as the README's by-hand check does.
      const keyring = join(home, 'pinned.gpg');
      await gpg(['--output', keyring, '--export', key.getFingerprint()]);
      const status = await run('gpgv', ['--keyring', keyring, '--status-fd', '1', sigFile, dataFile]);
      expect(status.stdout).toContain(`[GNUPG:] VALIDSIG ${key.getFingerprint().toUpperCase()}`);
      await writeFile(dataFile, other);
      await expect(run('gpgv', ['--keyring', keyring, sigFile, dataFile])).rejects.toThrow(/BAD signature/);
    });
  });
});

describe('materialFromSpki and ecdsaIntegersFromDer', () => {
  it('refuses a key OpenPGP archives cannot be signed with, naming it', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    expect(() => materialFromSpki(publicKey.export({ format: 'der', type: 'spki' }))).toThrow(
      'the public key is an EC key on curve secp256k1: expected RSA or ECDSA on NIST P-256 or P-384',
    );
    expect(() => materialFromSpki(Buffer.from('not der'))).toThrow(/not a DER SubjectPublicKeyInfo/);
  });

  it('reads r and s of a DER signature, and refuses a malformed one', () => {
    const der = Buffer.from('3008020300ff01020101', 'hex');
    expect(ecdsaIntegersFromDer(der).map((b) => b.toString('hex'))).toEqual(['00ff01', '01']);
    expect(() => ecdsaIntegersFromDer(Buffer.from('3009020300ff01020101', 'hex'))).toThrow(
      /trailing|truncated/,
    );
    expect(() => ecdsaIntegersFromDer(Buffer.from('3108020300ff01020101', 'hex'))).toThrow(
      /expected a SEQUENCE/,
    );
  });
});

it('an openpgp.js key and the remote key agree on the v4 fingerprint of the same public numbers', async () => {
  // A key openpgp.js generated: its public numbers, rebuilt here, give the fingerprint openpgp.js computed.
  const { publicKey } = await openpgp.generateKey({
    type: 'rsa',
    rsaBits: 2048,
    userIDs: [{ name: 'x' }],
    date: CREATED,
    format: 'object',
    config: { v6Keys: false },
  });
  const params = publicKey.keyPacket.publicParams as { n: Uint8Array; e: Uint8Array };
  const identity = remoteKeyIdentity(
    { algorithm: 'rsa', n: Buffer.from(params.n), e: Buffer.from(params.e) },
    CREATED,
  );
  expect(identity.fingerprint.toString('hex')).toBe(publicKey.getFingerprint());
});
