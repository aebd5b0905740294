// Lists the finished snapshot's blobs once, cuts them into volumes and stores the plan in the run's staging
// work folder. Only the plan's digest and a summary go into workflow history; each volume reads its own page.
import type { ArchiveTarget, VolumePlanSummary } from '../archive/archive-types';
import { listStagingBlobs } from '../archive/staging-blobs';
import { readPlanPages, writePlan, PlanIntegrityError, type PlanPageRef } from '../archive/volume-plan-store';
import { planVolumes } from '../pipeline/volume-plan';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createPlanArchiveVolumes({ config, s3 }: ActivityDeps) {
  return async function planArchiveVolumes(
    target: ArchiveTarget,
    maxVolumeBytes: number,
  ): Promise<VolumePlanSummary> {
    const blobs = await listStagingBlobs(s3, config.staging.bucket, target.folders.repositoryBasePath);
    if (blobs.length === 0) {
      throw permanentFailure(
        FailureType.SnapshotFailed,
        `Snapshot "${target.snapshot}" reported SUCCESS but s3://${config.staging.bucket}/${target.folders.repositoryBasePath}/ holds no blobs`,
      );
    }
    const stored = await writePlan(
      s3,
      config.staging.bucket,
      target.folders,
      planVolumes(blobs, maxVolumeBytes),
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

/** The plan pages a batch of volumes needs, each with the digest its volumes check their page against. */
export function createLookUpPlanPages({ config, s3 }: ActivityDeps) {
  return async function lookUpPlanPages(
    target: ArchiveTarget,
    planDigest: string,
    firstVolume: number,
    lastVolume: number,
  ): Promise<PlanPageRef[]> {
    try {
      return await readPlanPages(
        s3,
        config.staging.bucket,
        target.folders,
        planDigest,
        firstVolume,
        lastVolume,
      );
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
