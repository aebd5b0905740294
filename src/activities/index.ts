// The activity object the worker registers: one factory per activity, all sharing the injected dependencies.
import type { ActivityDeps } from './activity-deps';
import { createArchiveVolume } from './archive-volume';
import { createCheckSnapshot } from './check-snapshot';
import { createCheckStagedRestore } from './check-staged-restore';
import { createCleanUpRun } from './clean-up-run';
import { createCountSnapshotDocuments } from './count-snapshot-documents';
import { createDescribeSealedArchive } from './describe-sealed-archive';
import { failPermanentS3Errors } from './fail-permanent-s3-errors';
import { heartbeatWhileRunning } from './heartbeat-while-running';
import { createLookUpPlanPages, createPlanArchiveVolumes } from './plan-archive-volumes';
import { createPrepareArchive, createResolveArchive } from './prepare-archive';
import { createSealArchive } from './seal-archive';
import { createTakeSnapshot } from './take-snapshot';
import { createPrepareRestore } from './prepare-restore';
import { createRestoreActivities } from './restore-indices';
import { createStageRestoreVolume } from './stage-restore-volume';
import { createThawArchive } from './thaw-archive';
import { createVerifyActivities } from './verify-activities';

export function createActivities(deps: ActivityDeps) {
  const restore = createRestoreActivities(deps);
  return withS3Boundary({
    resolveArchive: createResolveArchive(deps),
    prepareArchive: createPrepareArchive(deps),
    takeSnapshot: createTakeSnapshot(deps),
    checkSnapshot: createCheckSnapshot(deps),
    countSnapshotDocuments: createCountSnapshotDocuments(deps),
    planArchiveVolumes: createPlanArchiveVolumes(deps),
    lookUpPlanPages: heartbeatWhileRunning(createLookUpPlanPages(deps)),
    archiveVolume: createArchiveVolume(deps),
    sealArchive: heartbeatWhileRunning(createSealArchive(deps)),
    describeSealedArchive: createDescribeSealedArchive(deps),
    cleanUpRun: heartbeatWhileRunning(createCleanUpRun(deps)),
    prepareRestore: createPrepareRestore(deps),
    thawArchive: createThawArchive(deps),
    ...createVerifyActivities(deps),
    stageRestoreVolume: createStageRestoreVolume(deps),
    checkStagedRestore: createCheckStagedRestore(deps),
    ...restore,
    cleanUpRestore: heartbeatWhileRunning(restore.cleanUpRestore),
  });
}

/** Every activity fails at once, with the request, on a permanent S3 error (see failPermanentS3Errors). */
function withS3Boundary<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      failPermanentS3Errors(activity as (...args: unknown[]) => Promise<unknown>),
    ]),
  ) as unknown as T;
}

export type { ActivityDeps } from './activity-deps';
