// Verification as activities, so a large archive is checked volume by volume by any worker, with progress.
import { Context } from '@temporalio/activity';
import {
  authenticateManifest,
  manifestStore,
  ManifestNotAuthentic,
  type ManifestRef,
} from '../archive/authenticated-manifest';
import { timeEvidencePolicy } from '../evidence/check-time-evidence';
import { deleteIndices } from '../opensearch/snapshot-api';
import { newestAuthenticArchive } from '../restore/newest-authentic-archive';
import { checkManifestEvidence } from '../verify/check-manifest-evidence';
import { checkVolume, type VerifyProblem } from '../verify/verify-archive';
import type { ActivityDeps } from './activity-deps';
import { authenticatedManifest } from './authenticated-manifest-read';
import { FailureType, permanentFailure } from './failure-types';

export function createVerifyActivities({ config, s3, opensearch, keys, buckets }: ActivityDeps) {
  return {
    /**
     * Authenticates the manifest once; returns the exact bytes' reference (later steps re-read only those) and
     * the volume numbers to check next (none when the manifest is not authentic).
     */
    async verifyManifest(archiveId: string): Promise<{
      signer?: string;
      manifest?: ManifestRef;
      volumes: number[];
      timestampGenTime?: string;
      timeEvidence?: string;
      lateStamp?: string;
      problems: VerifyProblem[];
    }> {
      try {
        const store = manifestStore(config, s3, keys.verify);
        const authentic = await authenticateManifest(store, archiveId);
        // The same evidence checks as `snapseal verify` (retention held to the promise, time-stamp token).
        const evidence = await checkManifestEvidence(
          {
            ...store,
            objectLock: config.archive,
            witness: config.witness,
            timeEvidence: timeEvidencePolicy(config),
          },
          authentic,
        );
        return {
          signer: authentic.signer,
          manifest: authentic.ref,
          volumes: authentic.manifest.volumes.map((v) => v.index),
          timestampGenTime: evidence.timestampGenTime,
          timeEvidence: evidence.timeEvidence,
          ...(evidence.lateStamp ? { lateStamp: evidence.lateStamp } : {}),
          problems: evidence.problems,
        };
      } catch (err) {
        if (!(err instanceof ManifestNotAuthentic)) throw err;
        return {
          volumes: [],
          problems: [{ archiveId, problem: `manifest is not authentic: ${err.message}` }],
        };
      }
    },

    async verifyVolume(
      ref: ManifestRef,
      index: number,
    ): Promise<{ files: number; bytes: number; checked: boolean; problems: VerifyProblem[] }> {
      if (!keys.decryption) {
        throw permanentFailure(
          FailureType.KeyUnusable,
          'This worker has no SNAPSEAL_DECRYPTION_KEY_FILE: it cannot decrypt volumes to verify them',
        );
      }
      const { archiveId } = ref;
      const manifest = await authenticatedManifest(s3, config.archive.bucket, ref);
      const volume = manifest.volumes.find((v) => v.index === index);
      if (!volume)
        throw permanentFailure(FailureType.InvalidInput, `Archive ${archiveId} has no volume ${index}`);
      let files = 0;
      const result = await checkVolume(
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
        checked: result.readable,
        problems: result.problems.map((p) => ({ archiveId, ...p })),
      };
    },

    /** The newest sealed archive a signed manifest vouches for, for the restore drill (never the bare chain head). */
    async latestArchiveId(): Promise<string | undefined> {
      const { log } = Context.current();
      return newestAuthenticArchive(buckets.archive, manifestStore(config, s3, keys.verify), (entry) =>
        log.warn('Chain entry passed over: no signed manifest vouches for it', { ...entry }),
      );
    },

    async deleteRestoredIndices(indices: string[]): Promise<void> {
      await deleteIndices(opensearch, indices);
    },
  };
}
