// Checks everything a run needs before any side effect: the cluster answers, the indices exist, both buckets
// are usable, and whether this archive was sealed already.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { archiveLayout, runFolders } from '../archive/archive-layout';
import { ArchiveDateError, daySettlesAt } from '../archive/archive-date';
import type { ArchiveRequest, ArchiveTarget, PreparedArchive } from '../archive/archive-types';
import type { Config } from '../config';
import { ClusterRequestError, getClusterInfo, resolveIndices } from '../opensearch/snapshot-api';
import { isNotFound } from '../s3/s3-errors';
import { assertBucketReachable, BucketUnreachableError } from '../s3/s3-objects';
import { archiveIdentity, type ArchiveIdentity } from '../workflows/workflow-ids';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

/** Names of everything a run creates, derived from the request, the run tag and the configuration. */
export function archiveTarget(request: ArchiveRequest, runTag: string, config: Config): ArchiveTarget {
  try {
    // One spelling per selection (" b, a" is "a,b"): the cluster is asked for exactly what the archive id names.
    const { archiveId, indexPattern } = archiveIdentity(
      config.temporal.taskQueue,
      request,
      config.archive.indexTemplate,
    );
    return {
      archiveId,
      date: request.date,
      ...(request.supersede
        ? { supersede: { archiveId: request.supersede.archiveId, reason: request.supersede.reason.trim() } }
        : {}),
      indexPattern,
      repository: `snapseal-${runTag}`,
      snapshot: `snapseal-${archiveId}`.toLowerCase(),
      folders: runFolders(config.staging.prefix, archiveId, runTag),
    };
  } catch (err) {
    if (err instanceof ArchiveDateError) throw permanentFailure(FailureType.InvalidInput, err.message, err);
    throw err;
  }
}

/** What the daily Schedule's run needs to start its child: the ids, and when its day has settled. */
export interface ResolvedArchive extends ArchiveIdentity {
  /** When the day may be archived (its end in the given time zone plus the settle time); absent without one. */
  settledAt?: string;
  /** This worker's SNAPSEAL_DAY_SETTLE_MINUTES, which `settledAt` includes. */
  settleMinutes?: number;
}

/**
 * The archive id and workflow id of a request, with this worker's index template (the daily Schedule's child),
 * and, given the Schedule's time zone, when the day has settled with this worker's SNAPSEAL_DAY_SETTLE_MINUTES.
 */
export function createResolveArchive({ config }: ActivityDeps) {
  return async function resolveArchive(request: ArchiveRequest, timeZone?: string): Promise<ResolvedArchive> {
    try {
      const identity = archiveIdentity(config.temporal.taskQueue, request, config.archive.indexTemplate);
      if (timeZone === undefined) return identity;
      const settleMinutes = config.schedule.settleMinutes;
      const settledAt = daySettlesAt(request.date, timeZone, settleMinutes).toISOString();
      return { ...identity, settledAt, settleMinutes };
    } catch (err) {
      if (err instanceof RangeError && timeZone !== undefined)
        throw permanentFailure(
          FailureType.InvalidInput,
          `The Schedule's time zone "${timeZone}" is not an IANA time zone (expected e.g. Europe/Berlin): ${err.message}`,
          err,
        );
      if (err instanceof ArchiveDateError) throw permanentFailure(FailureType.InvalidInput, err.message, err);
      throw err;
    }
  };
}

export function createPrepareArchive({ config, s3, opensearch }: ActivityDeps) {
  return async function prepareArchive(request: ArchiveRequest, runTag: string): Promise<PreparedArchive> {
    const target = archiveTarget(request, runTag, config);
    const manifestKey = archiveLayout(config.archive.prefix, target.archiveId).manifestKey;
    for (const [bucket, role] of [
      [config.staging.bucket, 'staging (SNAPSEAL_STAGING_BUCKET)'],
      [config.archive.bucket, 'archive (SNAPSEAL_ARCHIVE_BUCKET)'],
    ] as const) {
      try {
        await assertBucketReachable(s3, bucket, role);
      } catch (err) {
        if (err instanceof BucketUnreachableError && err.permanent)
          throw permanentFailure(FailureType.BucketUnusable, err.message, err);
        throw err; // a network blip or a 5xx: retried
      }
    }
    const exists = (key: string): Promise<boolean> =>
      s3
        .send(new HeadObjectCommand({ Bucket: config.archive.bucket, Key: key }))
        .then(() => true)
        .catch((err: unknown) => {
          if (isNotFound(err)) return false;
          throw err;
        });
    const sealed = await exists(manifestKey);
    const superseded = target.supersede?.archiveId;
    // Fail fast on a correction of nothing; the seal authenticates the superseded manifest before naming it.
    if (
      !sealed &&
      superseded &&
      !(await exists(archiveLayout(config.archive.prefix, superseded).manifestKey))
    ) {
      throw permanentFailure(
        FailureType.InvalidInput,
        `--supersede ${superseded}: no sealed archive with that id in s3://${config.archive.bucket}/${config.archive.prefix} (see \`snapseal list\`)`,
      );
    }

    try {
      const cluster = await getClusterInfo(opensearch);
      const indices = await resolveIndices(opensearch, target.indexPattern);
      if (!sealed && indices.length === 0) {
        throw permanentFailure(
          FailureType.IndexNotFound,
          `No open index matches "${target.indexPattern}" on cluster "${cluster.name}": nothing to archive for ${target.date}. ` +
            'Check the date, --indices or SNAPSEAL_INDEX_TEMPLATE.',
        );
      }
      return {
        target,
        settings: {
          maxVolumeBytes: config.archive.maxVolumeBytes,
          volumeConcurrency: config.archive.volumeConcurrency,
          volumesPerBatch: config.archive.volumesPerBatch,
          snapshotTimeoutMs: config.archive.snapshotTimeoutMinutes * 60_000,
        },
        cluster,
        indices,
        existingManifestKey: sealed ? manifestKey : undefined,
      };
    } catch (err) {
      if (err instanceof ClusterRequestError && err.permanent) {
        throw permanentFailure(FailureType.ClusterRejected, err.message, err);
      }
      throw err;
    }
  };
}
