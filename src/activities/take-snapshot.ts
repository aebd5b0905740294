// Registers the run's own staging repository and starts the snapshot (without waiting for it).
import type { ArchiveTarget } from '../archive/archive-types';
import { stagingRepositorySettings } from '../archive/staging-repository';
import {
  ClusterRequestError,
  registerS3Repository,
  startSnapshot,
  type ClusterInfo,
} from '../opensearch/snapshot-api';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export function createTakeSnapshot({ config, opensearch }: ActivityDeps) {
  return async function takeSnapshot(
    target: ArchiveTarget,
    cluster: ClusterInfo,
    indices: string[],
  ): Promise<void> {
    const settings = stagingRepositorySettings(config, target, cluster);
    try {
      await registerS3Repository(opensearch, target.repository, settings);
      await startSnapshot(opensearch, target.repository, target.snapshot, indices);
    } catch (err) {
      if (err instanceof ClusterRequestError && err.permanent) {
        throw permanentFailure(FailureType.ClusterRejected, err.message, err);
      }
      throw err;
    }
  };
}
