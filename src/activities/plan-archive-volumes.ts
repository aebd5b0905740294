// Lists the finished snapshot's blobs and cuts them into volumes. Only a summary goes into workflow history;
// archive-volume re-plans from the same listing and checks the digest, so the plan cannot drift.
import type { ArchiveTarget, VolumePlanSummary } from '../archive/archive-types';
import { listStagingBlobs } from '../archive/staging-blobs';
import { planDigest, planVolumes } from '../pipeline/volume-plan';
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
    const volumes = planVolumes(blobs, maxVolumeBytes);
    return {
      planDigest: planDigest(volumes),
      totalBytes: blobs.reduce((sum, b) => sum + b.size, 0),
      fileCount: blobs.length,
      volumes: volumes.map((v) => ({ index: v.index, fileCount: v.entries.length, tarBytes: v.tarBytes })),
    };
  };
}
