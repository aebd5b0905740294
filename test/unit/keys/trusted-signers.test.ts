// Pinned trust: only keys pinned by fingerprint verify a manifest; a key given but not pinned does not.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config';
import { loadArchiveKeys } from '../../../src/keys/load-archive-keys';
import { loadTrustedSigners } from '../../../src/keys/trusted-signers';
import { signManifest, verifyManifestSignature } from '../../../src/pipeline/manifest';
import { generateDemoKeys, readSigningKey, type GeneratedKeyPair } from '../../../src/pipeline/openpgp-keys';

describe('trusted archiver keys', () => {
  let dir: string;
  let current: GeneratedKeyPair;
  let retired: GeneratedKeyPair;
  let stranger: GeneratedKeyPair;
  const file = (name: string) => join(dir, name);
  const bytes = Buffer.from('{"manifest":true}');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snapseal-trust-'));
    const make = (name: string) => generateDemoKeys({ name, email: `${name}@example.invalid` });
    [current, retired, stranger] = await Promise.all([make('current'), make('retired'), make('stranger')]);
    for (const [name, pair] of [
      ['current', current],
      ['retired', retired],
      ['stranger', stranger],
    ] as const) {
      await writeFile(file(`${name}.pub.asc`), pair.publicKey);
      await writeFile(file(`${name}.sec.asc`), pair.privateKey);
    }
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const keysOf = (env: Record<string, string>) => loadConfig(env).keys;
  const signedBy = async (pair: GeneratedKeyPair) =>
    signManifest(bytes, await readSigningKey(pair.privateKey));

  it('trusts the pinned keys only: a manifest signed by a given but unpinned key fails', async () => {
    const trusted = await loadTrustedSigners(
      keysOf({
        SNAPSEAL_VERIFY_KEY_FILES: ['current', 'retired', 'stranger']
          .map((n) => file(`${n}.pub.asc`))
          .join(','),
        SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: `${current.fingerprint},${retired.fingerprint}`,
      }),
    );
    expect(trusted.map((k) => k.getFingerprint().toUpperCase())).toEqual([
      current.fingerprint,
      retired.fingerprint,
    ]);
    // Key rotation: archives signed by the retired key keep verifying while it stays pinned.
    await expect(verifyManifestSignature(bytes, await signedBy(retired), trusted)).resolves.toBeDefined();
    await expect(verifyManifestSignature(bytes, await signedBy(current), trusted)).resolves.toBeDefined();
    await expect(verifyManifestSignature(bytes, await signedBy(stranger), trusted)).rejects.toThrow(
      'which is not a trusted archiver key',
    );
  });

  it("defaults to the signing key's own fingerprint, and names a pin without a key", async () => {
    const signing = await readSigningKey(current.privateKey);
    const keys = keysOf({ SNAPSEAL_VERIFY_KEY_FILES: file('stranger.pub.asc') });
    const trusted = await loadTrustedSigners(keys, signing);
    expect(trusted.map((k) => k.getFingerprint().toUpperCase())).toEqual([current.fingerprint]);
    await expect(loadTrustedSigners(keys)).rejects.toThrow(
      'SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS is empty and no signing key is configured',
    );
    await expect(
      loadTrustedSigners(keysOf({ SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS: retired.fingerprint })),
    ).rejects.toThrow(
      `SNAPSEAL_TRUSTED_SIGNER_FINGERPRINTS pins ${retired.fingerprint}, but no such key is in SNAPSEAL_VERIFY_KEY_FILES: add its public key file`,
    );
  });

  it('loads per role: no private key without its role, trusted keys only with restore', async () => {
    const warnings: string[] = [];
    const keys = keysOf({
      SNAPSEAL_RECIPIENT_KEY_FILES: file('stranger.pub.asc'),
      SNAPSEAL_SIGNING_KEY_FILE: file('current.sec.asc'),
      SNAPSEAL_DECRYPTION_KEY_FILE: file('stranger.sec.asc'),
    });
    const stream = await loadArchiveKeys(keys, ['archive', 'stream'], (m) => warnings.push(m));
    expect(stream.signing).toBeUndefined();
    expect(stream.decryption).toBeUndefined();
    expect(stream.verify).toEqual([]);
    expect(stream.recipients).toHaveLength(1);
    expect(warnings).toHaveLength(2);
    const restore = await loadArchiveKeys(
      {
        ...keys,
        signingKeyFile: undefined,
        verifyKeyFiles: [file('current.pub.asc')],
        trustedSignerFingerprints: [current.fingerprint],
      },
      ['restore'],
      () => undefined,
    );
    expect(restore.decryption).toBeDefined();
    expect(restore.signing).toBeUndefined();
    expect(restore.recipients).toEqual([]);
    expect(restore.verify.map((k) => k.getFingerprint().toUpperCase())).toEqual([current.fingerprint]);
  });
});
