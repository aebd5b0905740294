// Lists the finished snapshot's blobs once, cuts them into volumes and stores the plan in the run's staging
// work folder. Only the plan's digest and a summary go into workflow history; each volume reads its own page.
// A blob whose name restore would refuse fails the plan: it cannot be a snapshot's, and is never sealed. The
// blobs are read from the repository's version histories (the staging adapter): one deleted or written over
// since the cluster wrote it fails the run as ArchiveTampered, and each planned blob names its version.
import type { ArchiveTarget, VolumePlanSummary } from '../archive/archive-types';
import { readPlanPages, writePlan, PlanIntegrityError, type PlanPageRef } from '../archive/volume-plan-store';
import { UnsafeTarEntry } from '../pipeline/safe-tar-entry';
import { planVolumes } from '../pipeline/volume-plan';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createPlanArchiveVolumes({ config, buckets }: ActivityDeps) {
  return async function planArchiveVolumes(
    target: ArchiveTarget,
    maxVolumeBytes: number,
  ): Promise<VolumePlanSummary> {
    const blobs = await buckets.staging.snapshotRepository(target.folders.repositoryBasePath);
    if (blobs.length === 0) {
      throw permanentFailure(
        FailureType.SnapshotFailed,
        `Snapshot "${target.snapshot}" reported SUCCESS but s3://${config.staging.bucket}/${target.folders.repositoryBasePath}/ holds no blobs`,
      );
    }
    const stored = await writePlan(
      buckets.staging,
      target.folders,
      planSafely(target, blobs, maxVolumeBytes),
    );
    const { index } = stored;
    return {
      planDigest: stored.planDigest,
      volumeCount: index.volumeCount,
      totalBytes: index.totalBytes,
      fileCount: index.fileCount,
      largestVolumeBytes: index.largestVolumeBytes,
      pageCount: index.pages.length,
      indexBytes: stored.indexBytes,
      largestPageBytes: stored.largestPageBytes,
    };
  };
}

function planSafely(
  target: ArchiveTarget,
  blobs: Parameters<typeof planVolumes>[0],
  maxVolumeBytes: number,
): ReturnType<typeof planVolumes> {
  try {
    return planVolumes(blobs, maxVolumeBytes);
  } catch (err) {
    if (!(err instanceof UnsafeTarEntry)) throw err;
    throw permanentFailure(
      FailureType.StagingChanged,
      `Staging blob ${JSON.stringify(err.entry)} of snapshot "${target.snapshot}" has a name no snapshot repository writes (${err.message}). Nothing was archived: something else writes to the staging folder ${target.folders.runFolder}; stop it and start the archive again.`,
      err,
    );
  }
}

/** The plan pages a batch of volumes needs, each with the digest its volumes check their page against. */
export function createLookUpPlanPages({ buckets }: ActivityDeps) {
  return async function lookUpPlanPages(
    target: ArchiveTarget,
    planDigest: string,
    firstVolume: number,
    lastVolume: number,
  ): Promise<PlanPageRef[]> {
    try {
      return await readPlanPages(buckets.staging, target.folders, planDigest, firstVolume, lastVolume);
    } catch (err) {
      if (err instanceof PlanIntegrityError)
        throw permanentFailure(
          FailureType.StagingChanged,
          `${err.message}; refusing to archive from it`,
          err,
        );
      throw err;
    }
  };
}
