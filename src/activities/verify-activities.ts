// Verification as activities, so a large archive is checked volume by volume by any worker, with progress.
import { Context } from '@temporalio/activity';
import { readChainHead } from '../archive/archive-chain';
import { archiveLayout } from '../archive/archive-layout';
import { readSealedManifest } from '../archive/read-sealed-manifest';
import { deleteIndices } from '../opensearch/snapshot-api';
import { verifyManifestSignature } from '../pipeline/manifest';
import { readText } from '../s3/s3-objects';
import { unpackVolume, type VerifyProblem } from '../verify/verify-archive';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createVerifyActivities({ config, s3, opensearch, keys }: ActivityDeps) {
  const manifestOf = (archiveId: string) =>
    readSealedManifest(
      s3,
      config.archive.bucket,
      archiveLayout(config.archive.prefix, archiveId).manifestKey,
    );

  return {
    /** Checks the signature; returns the volume numbers to check next (none when the manifest is not authentic). */
    async verifyManifest(
      archiveId: string,
    ): Promise<{ signer?: string; volumes: number[]; problems: VerifyProblem[] }> {
      const { manifest, text } = await manifestOf(archiveId);
      const signature = await readText(
        s3,
        config.archive.bucket,
        archiveLayout(config.archive.prefix, archiveId).signatureKey,
      );
      try {
        if (signature === undefined) throw new Error('its signature is missing');
        const signer = await verifyManifestSignature(Buffer.from(text, 'utf8'), signature, keys.verify);
        return { signer, volumes: manifest.volumes.map((v) => v.index), problems: [] };
      } catch (err) {
        return {
          volumes: [],
          problems: [{ archiveId, problem: `manifest signature does not verify: ${(err as Error).message}` }],
        };
      }
    },

    async verifyVolume(
      archiveId: string,
      index: number,
    ): Promise<{ files: number; bytes: number; problems: VerifyProblem[] }> {
      if (!keys.decryption) {
        throw permanentFailure(
          FailureType.KeyUnusable,
          'This worker has no SNAPSEAL_DECRYPTION_KEY_FILE: it cannot decrypt volumes to verify them',
        );
      }
      const { manifest } = await manifestOf(archiveId);
      const volume = manifest.volumes.find((v) => v.index === index);
      if (!volume)
        throw permanentFailure(FailureType.InvalidInput, `Archive ${archiveId} has no volume ${index}`);
      let files = 0;
      const result = await unpackVolume(
        { s3, bucket: config.archive.bucket, decryptionKeys: [keys.decryption] },
        volume,
        async (_path, content) => {
          content.resume();
          await new Promise<void>((resolve, reject) => content.on('end', resolve).on('error', reject));
          Context.current().heartbeat({ volume: index, files: (files += 1) });
        },
      );
      return {
        files: result.files,
        bytes: result.plaintextBytes,
        problems: result.problems.map((p) => ({ archiveId, ...p })),
      };
    },

    /** The newest sealed archive, for the restore drill. */
    async latestArchiveId(): Promise<string | undefined> {
      return (await readChainHead(s3, config.archive.bucket, config.archive.prefix))?.archiveId;
    },

    async deleteRestoredIndices(indices: string[]): Promise<void> {
      await deleteIndices(opensearch, indices);
    },
  };
}
