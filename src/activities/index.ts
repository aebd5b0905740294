// The activity object the worker registers: one factory per activity, all sharing the injected dependencies.
import type { ActivityDeps } from './activity-deps';
import { createArchiveVolume } from './archive-volume';
import { createCheckSnapshot } from './check-snapshot';
import { createCleanUpRun } from './clean-up-run';
import { createDescribeSealedArchive } from './describe-sealed-archive';
import { heartbeatWhileRunning } from './heartbeat-while-running';
import { createPlanArchiveVolumes } from './plan-archive-volumes';
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
  return {
    resolveArchive: createResolveArchive(deps),
    prepareArchive: createPrepareArchive(deps),
    takeSnapshot: createTakeSnapshot(deps),
    checkSnapshot: createCheckSnapshot(deps),
    planArchiveVolumes: createPlanArchiveVolumes(deps),
    archiveVolume: createArchiveVolume(deps),
    sealArchive: heartbeatWhileRunning(createSealArchive(deps)),
    describeSealedArchive: createDescribeSealedArchive(deps),
    cleanUpRun: heartbeatWhileRunning(createCleanUpRun(deps)),
    prepareRestore: createPrepareRestore(deps),
    thawArchive: createThawArchive(deps),
    ...createVerifyActivities(deps),
    stageRestoreVolume: createStageRestoreVolume(deps),
    ...restore,
    cleanUpRestore: heartbeatWhileRunning(restore.cleanUpRestore),
  };
}

export type { ActivityDeps } from './activity-deps';
