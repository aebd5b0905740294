import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  parseManifest,
  serializeManifest,
  signManifest,
  verifyManifestSignature,
  type ArchiveManifest,
} from '../../../src/pipeline/manifest';
import { generateDemoKeys, readSigningKey, readVerificationKeys } from '../../../src/pipeline/openpgp-keys';
import { withGnupg } from './gnupg-home';

const digest = (c: string): string => c.repeat(64);

const manifest: ArchiveManifest = {
  format: 'snapseal-manifest/1',
  archiveId: '2026-11-21_logdata-21112026',
  sequence: 2,
  date: '2026-11-21',
  createdAt: '2026-11-22T01:30:00.000Z',
  tool: { name: 'snapseal', version: '0.1.0' },
  cluster: { name: 'c', uuid: 'u', version: '2.19.1', distribution: 'opensearch' },
  snapshot: { name: 'snapseal-x', uuid: 'su', repositoryBasePath: 'staging/x/r/repository' },
  indices: [{ name: 'logdata-21112026', uuid: 'iu', docCount: 12000 }],
  recipients: ['AB'],
  signer: 'CD',
  previous: { archiveId: '2026-11-20_logdata-20112026', manifestSha256: digest('a') },
  volumes: [
    {
      index: 1,
      key: 'archives/x/volume-0001.tar.gpg',
      plaintextBytes: 2048,
      plaintextSha256: digest('b'),
      ciphertextBytes: 2100,
      ciphertextSha256: digest('c'),
      files: [{ path: 'index-0', size: 10, sha256: digest('d') }],
    },
  ],
};

describe('manifest', () => {
  it('serialises canonically and parses back', () => {
    const text = serializeManifest(manifest);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.indexOf('"archiveId"')).toBeLessThan(text.indexOf('"cluster"')); // sorted keys
    expect(parseManifest(text)).toEqual(manifest);
    const reordered = {
      ...manifest,
      volumes: manifest.volumes,
      archiveId: manifest.archiveId,
    } as ArchiveManifest;
    expect(serializeManifest(reordered)).toBe(text);
  });

  it("names each volume's S3 version when it has one; manifests without versions stay as they were", () => {
    const versioned: ArchiveManifest = {
      ...manifest,
      volumes: [{ ...manifest.volumes[0]!, versionId: 'v-1' }],
    };
    const text = serializeManifest(versioned);
    expect(JSON.parse(text).volumes[0].versionId).toBe('v-1');
    expect(parseManifest(text)).toEqual(versioned);
    // An older manifest (no versionId) serialises to the same bytes as before: its signature still holds.
    expect(serializeManifest(manifest)).not.toContain('versionId');
    expect(() => parseManifest(text.replace('"v-1"', '""'))).toThrow('volumes.0.versionId');
  });

  it('says where a malformed manifest is wrong', () => {
    const broken = JSON.parse(serializeManifest(manifest));
    broken.volumes[0].ciphertextSha256 = 'xyz';
    expect(() => parseManifest(JSON.stringify(broken))).toThrow(
      'volumes.0.ciphertextSha256: expected a sha256 hex digest',
    );
    expect(() => parseManifest('{')).toThrow('not valid JSON');
  });

  describe('signature', () => {
    it('verifies with snapseal and with gpg --verify; rejects other signers and changed bytes', async () => {
      const archiver = await generateDemoKeys({ name: 'Archiver', email: 'a@example.invalid' });
      const impostor = await generateDemoKeys({ name: 'Impostor', email: 'i@example.invalid' });
      const bytes = Buffer.from(serializeManifest(manifest));
      const signature = await signManifest(bytes, await readSigningKey(archiver.privateKey));
      expect(signature).toContain('-----BEGIN PGP SIGNATURE-----');

      const trusted = await readVerificationKeys([archiver.publicKey]);
      expect(await verifyManifestSignature(bytes, signature, trusted)).toBe(archiver.fingerprint);

      const tampered = Buffer.from(serializeManifest({ ...manifest, sequence: 3 }));
      await expect(verifyManifestSignature(tampered, signature, trusted)).rejects.toThrow(
        'is not valid for this manifest',
      );

      const forged = await signManifest(bytes, await readSigningKey(impostor.privateKey));
      await expect(verifyManifestSignature(bytes, forged, trusted)).rejects.toThrow(
        'which is not a trusted archiver key',
      );

      await withGnupg(async (gpg, dir) => {
        await writeFile(join(dir, 'archiver.asc'), archiver.publicKey);
        await writeFile(join(dir, 'manifest.json'), bytes);
        await writeFile(join(dir, 'manifest.json.asc'), signature);
        await gpg(['--import', join(dir, 'archiver.asc')]);
        const { stderr } = await gpg([
          '--verify',
          join(dir, 'manifest.json.asc'),
          join(dir, 'manifest.json'),
        ]);
        expect(Buffer.from(stderr).toString()).toContain(
          'Good signature from "Archiver <a@example.invalid>"',
        );
      });
    });
  });
});
