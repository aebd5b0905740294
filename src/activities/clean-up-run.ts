// Removes everything a run leaves in staging (snapshot, blobs, repository registration) and, for a run that did
// not seal, its volume objects too, so a failed run never looks like an archive. Safe to repeat.
import { archiveLayout } from '../archive/archive-layout';
import type { ArchiveTarget } from '../archive/archive-types';
import { Context } from '@temporalio/activity';
import {
  deleteRepository,
  deleteSnapshot,
  getSnapshotStatus,
  isUnreadableSnapshot,
} from '../opensearch/snapshot-api';
import { abortUploads, deletePrefix } from '../s3/s3-objects';
import type { ActivityDeps } from './activity-deps';

export interface CleanUpReport {
  stagingObjectsDeleted: number;
  unsealedVolumesDeleted: number;
}

export function createCleanUpRun({ config, s3, opensearch, buckets }: ActivityDeps) {
  return async function cleanUpRun(target: ArchiveTarget, sealed: boolean): Promise<CleanUpReport> {
    // The snapshot can only be deleted through its repository, so the repository goes last.
    // An unreachable cluster fails this attempt; cleanup is retried until the cluster answers.
    try {
      const status = await getSnapshotStatus(opensearch, target.repository, target.snapshot);
      if (status.state !== 'MISSING') await deleteSnapshot(opensearch, target.repository, target.snapshot);
    } catch (err) {
      if (!isUnreadableSnapshot(err)) throw err;
      // The run's own repository no longer reads (its blobs were changed under the cluster): the snapshot lives
      // only in the run's staging folder, removed below with the registration. Asking again would never end.
      Context.current().log.warn(
        'Snapshot unreadable in its repository; removing its staging folder instead',
        {
          snapshot: target.snapshot,
          error: (err as Error).message,
        },
      );
    }
    await deleteRepository(opensearch, target.repository);

    // Every version: staging is versioned (restores need it), and a run's copy of the snapshot must not linger.
    const stagingObjectsDeleted = await buckets.staging.deleteEveryVersion(target.folders.runFolder);

    let unsealedVolumesDeleted = 0;
    const layout = archiveLayout(config.archive.prefix, target.archiveId);
    // A concurrent run of the same archive may have sealed it meanwhile: never touch a sealed archive.
    // Existence only (nothing read is trusted): a manifest there, authentic or not, keeps the volumes.
    const sealedByAnyRun = sealed || (await buckets.archive.head(layout.manifestKey)) !== undefined;
    if (!sealedByAnyRun) {
      unsealedVolumesDeleted = await deletePrefix(s3, config.archive.bucket, layout.folder);
    } else {
      await abortUploads(s3, config.archive.bucket, layout.folder);
    }
    return { stagingObjectsDeleted, unsealedVolumesDeleted };
  };
}
