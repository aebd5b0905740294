// Summarises an archive sealed earlier, for a run that finds its work already done, but only once the manifest
// is proven: signed by a trusted archiver and naming this very archive and day. A manifest copied or planted
// where this archive belongs fails the run loudly instead of letting the day go unarchived.
import { authenticateManifest, manifestStore, ManifestNotAuthentic } from '../archive/authenticated-manifest';
import type { ArchiveResult, ArchiveTarget } from '../archive/archive-types';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export type SealedArchiveSummary = Omit<ArchiveResult, 'status' | 'snapshot'>;

export function createDescribeSealedArchive({ config, s3, keys }: ActivityDeps) {
  return async function describeSealedArchive(target: ArchiveTarget): Promise<SealedArchiveSummary> {
    let authentic;
    try {
      authentic = await authenticateManifest(manifestStore(config, s3, keys.verify), target.archiveId);
      if (authentic.manifest.date !== target.date) {
        throw new ManifestNotAuthentic(
          `the signed manifest is for ${authentic.manifest.date}, not ${target.date}`,
        );
      }
    } catch (err) {
      if (!(err instanceof ManifestNotAuthentic)) throw err; // S3 unreachable: retried
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `An object claims archive ${target.archiveId} is sealed, but it is not an authentic snapshot manifest (${err.message}). ` +
          `The day ${target.date} was NOT archived: keep the object as evidence, move it out of the archive folder, and run again.`,
        err,
      );
    }
    const { manifest, ref } = authentic;
    return {
      archiveId: target.archiveId,
      manifestKey: ref.key,
      manifestSha256: ref.sha256,
      sequence: manifest.sequence,
      previousArchiveId: manifest.previous?.archiveId,
      ...(manifest.supersedes
        ? {
            supersedes: {
              archiveId: manifest.supersedes.archiveId,
              sequence: manifest.supersedes.sequence,
              reason: manifest.supersedes.reason,
            },
          }
        : {}),
      volumes: manifest.volumes.length,
      plaintextBytes: manifest.volumes.reduce((s, v) => s + v.plaintextBytes, 0),
      ciphertextBytes: manifest.volumes.reduce((s, v) => s + v.ciphertextBytes, 0),
      // What was sealed, not what the cluster holds today.
      indices: manifest.indices,
    };
  };
}
