// One look at the snapshot's state; the workflow does the waiting between looks (durable timers, no slot held).
import type { ArchiveTarget } from '../archive/archive-types';
import { getSnapshotStatus, type SnapshotStatus } from '../opensearch/snapshot-api';
import type { ActivityDeps } from './activity-deps';

export function createCheckSnapshot({ opensearch }: ActivityDeps) {
  return async function checkSnapshot(target: ArchiveTarget): Promise<SnapshotStatus> {
    return getSnapshotStatus(opensearch, target.repository, target.snapshot);
  };
}
