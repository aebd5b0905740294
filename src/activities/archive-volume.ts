// Streams one volume: its staging blobs → deterministic tar → sha256 → OpenPGP → sha256 → multipart upload.
// Heartbeats carry progress. Once the upload is complete, the heartbeat details carry its proof (the record's
// sha256, the ciphertext's sha256, the S3 version and ETag) before the record is written to staging: a retried
// attempt trusts an earlier upload only when the record and the volume object are exactly what that proof
// names (they are in Temporal, not in the bucket); anything else is streamed again.
// The volume's blobs come from its page of the stored plan (a bound read), each read as exactly the version
// planned (its VersionId, If-Match on its ETag): a blob changed or removed after planning fails the volume as
// StagingChanged.
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { archiveLayout } from '../archive/archive-layout';
import type { ArchiveTarget, VolumeResult } from '../archive/archive-types';
import { streamVolume, type VolumeRecord } from '../archive/stream-volume';
import { recordDigest } from '../archive/volume-digests';
import { PlanIntegrityError, readPlannedVolume, type PlanPageRef } from '../archive/volume-plan-store';
import { TamperedObjectError } from '../buckets/trust';
import type { PlannedVolume } from '../pipeline/volume-plan';
import {
  describeS3Operation,
  isMissingBucket,
  isNotFound,
  isPreconditionFailed,
  s3OperationOf,
} from '../s3/s3-errors';
import { MessageFormatError } from '../pipeline/assert-seipd-v1';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';

export interface VolumeProgress {
  volume: number;
  bytes: number;
  files: number;
  totalBytes: number;
  totalFiles: number;
}

/** What an attempt that finished the upload knows of it, kept in its heartbeat details. */
export interface UploadProof {
  /** sha256 of the volume record's bytes, as written to staging. */
  recordSha256: string;
  ciphertextSha256: string;
  /** The S3 version and ETag the upload created. */
  versionId?: string;
  etag?: string;
}

type VolumeHeartbeat = Partial<VolumeProgress> & { uploaded?: UploadProof };

export function summary(record: VolumeRecord, recordSha256: string): VolumeResult {
  const { index, key, plaintextBytes, plaintextSha256, ciphertextBytes, ciphertextSha256, versionId } =
    record;
  return {
    index,
    key,
    fileCount: record.files.length,
    plaintextBytes,
    plaintextSha256,
    ciphertextBytes,
    ciphertextSha256,
    recordSha256,
    ...(versionId ? { versionId } : {}),
  };
}

export function createArchiveVolume(deps: ActivityDeps) {
  const { config, s3, keys, buckets } = deps;
  return async function archiveVolume(
    target: ArchiveTarget,
    page: PlanPageRef,
    index: number,
  ): Promise<VolumeResult> {
    const ctx = Context.current();
    const layout = archiveLayout(config.archive.prefix, target.archiveId);

    const earlier = (ctx.info.heartbeatDetails as VolumeHeartbeat | undefined)?.uploaded;
    const proven = earlier && (await provenUpload(deps, target, index, earlier));
    if (proven) return proven;

    const volume = await readPlannedVolume(buckets.staging, target.folders, page, index).catch(
      (err: unknown) => {
        if (err instanceof PlanIntegrityError)
          throw permanentFailure(
            FailureType.StagingChanged,
            `${err.message}; refusing to archive from it`,
            err,
          );
        throw stagingBucketGone(config.staging.bucket, index, err) ?? err;
      },
    );

    const totalBytes = volume.entries.reduce((sum, e) => sum + e.size, 0);
    let progress: VolumeProgress = {
      volume: index,
      bytes: 0,
      files: 0,
      totalBytes,
      totalFiles: volume.entries.length,
    };
    // Heartbeat on a clock too (while an upload part is in flight no bytes move, yet the worker is alive),
    // saying how long no byte has moved; give up on a stream still for SNAPSEAL_VOLUME_STALL_SECONDS: a dead
    // connection must fail and retry, not keep a slot busy forever.
    const stallMs = config.archive.volumeStallMs;
    const stall = new AbortController();
    let lastMove = Date.now();
    const beat = setInterval(() => {
      const idleMs = Date.now() - lastMove;
      if (idleMs > stallMs)
        stall.abort(
          new Error(
            `Volume ${index} stalled: no byte moved for ${stallMs / 1000} s (SNAPSEAL_VOLUME_STALL_SECONDS); retrying it`,
          ),
        );
      else ctx.heartbeat({ ...progress, idleSeconds: Math.floor(idleMs / 1000) });
    }, 10_000);
    const record = await streamVolume({
      s3,
      source: { staging: buckets.staging, basePath: target.folders.repositoryBasePath },
      destination: {
        bucket: config.archive.bucket,
        key: layout.volumeKey(index),
        partSizeBytes: config.archive.partSizeBytes,
        queueSize: config.archive.uploadQueueSize,
      },
      index,
      entries: volume.entries,
      recipients: keys.recipients,
      signal: AbortSignal.any([ctx.cancellationSignal, stall.signal]),
      onProgress: (bytes, files) => {
        if (bytes !== progress.bytes) lastMove = Date.now();
        progress = { ...progress, bytes, files };
        ctx.heartbeat(progress);
      },
    })
      .catch((err: unknown) => {
        // Report a cancelled run as cancelled (not failed), once the upload has been aborted.
        if (ctx.cancellationSignal.aborted)
          throw new CancelledFailure(`Volume ${index} aborted: the run was cancelled`);
        // A volume GnuPG 2.2 could not read would come out the same on every retry: stop the run.
        if (err instanceof MessageFormatError)
          throw permanentFailure(FailureType.KeyUnusable, `Volume ${index}: ${err.message}`, err);
        throw (
          stagingBucketGone(config.staging.bucket, index, err) ?? stagingChanged(target, volume, err) ?? err
        );
      })
      .finally(() => clearInterval(beat));
    const bytes = Buffer.from(JSON.stringify(record), 'utf8');
    const proof: UploadProof = {
      recordSha256: recordDigest(bytes),
      ciphertextSha256: record.ciphertextSha256,
      ...(record.versionId ? { versionId: record.versionId } : {}),
      ...(record.etag ? { etag: record.etag } : {}),
    };
    // In Temporal before the record is in the bucket: a retry trusts a record only with this digest.
    ctx.heartbeat({ ...progress, uploaded: proof } satisfies VolumeHeartbeat);
    await buckets.staging.writeVolumeRecord(target.folders, index, bytes);
    return summary(record, proof.recordSha256);
  };
}

/**
 * The volume an earlier attempt uploaded, if its heartbeat details prove it: the staging record has exactly the
 * sha256 they name, and the volume's current object is the version (and ETag) they name. Undefined (stream
 * again) otherwise: a record missing or changed, or a volume written over, is never taken on its word.
 */
async function provenUpload(
  { config, buckets }: ActivityDeps,
  target: ArchiveTarget,
  index: number,
  proof: UploadProof,
): Promise<VolumeResult | undefined> {
  const { log } = Context.current();
  const key = archiveLayout(config.archive.prefix, target.archiveId).volumeKey(index);
  if (!proof.versionId && !proof.etag) return undefined;
  let record: VolumeRecord;
  try {
    const bytes = await buckets.staging.readVolumeRecord(target.folders, index, {
      by: 'heartbeat',
      sha256: proof.recordSha256,
    });
    record = JSON.parse(bytes.toString('utf8')) as VolumeRecord;
  } catch (err) {
    if (!(err instanceof TamperedObjectError)) throw err;
    log.warn('The record of an earlier upload is not what its attempt recorded; streaming the volume again', {
      volume: index,
      problem: err.message,
    });
    return undefined;
  }
  const current = await buckets.archive.head(key);
  const same =
    record.index === index &&
    record.key === key &&
    record.ciphertextSha256 === proof.ciphertextSha256 &&
    current?.size === record.ciphertextBytes &&
    (!proof.versionId || current.versionId === proof.versionId) &&
    (!proof.etag || current.etag === proof.etag);
  if (!same) {
    log.warn('The volume object is not the one an earlier attempt uploaded; streaming the volume again', {
      volume: index,
      object: buckets.archive.url(key),
      uploadedVersion: proof.versionId,
      currentVersion: current?.versionId,
    });
    return undefined;
  }
  log.info('Volume already uploaded by an earlier attempt (proved by its heartbeat details)', {
    volume: index,
  });
  return summary(record, proof.recordSha256);
}

/**
 * The staging bucket deleted under the run (NoSuchBucket from a read of it). Not retried: S3 deletes only an
 * empty bucket, so the snapshot's staged copy and the plan went with it, and a bucket made again is empty; a
 * retry could only fail the same way (or as a removed blob) after its backoff.
 */
function stagingBucketGone(bucket: string, index: number, err: unknown): Error | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const request = s3OperationOf(e);
    if (!isMissingBucket(e) || (request?.bucket !== undefined && request.bucket !== bucket)) continue;
    return permanentFailure(
      FailureType.StagingChanged,
      `Staging bucket "${bucket}" (SNAPSEAL_STAGING_BUCKET) no longer exists: S3 answered NoSuchBucket to ${describeS3Operation(request)} while volume ${index} was read from it. The snapshot's staged copy went with the bucket, so no retry can finish this run; nothing was signed. Find what deleted the bucket, create it again (snapseal setup) and start the archive again.`,
      err,
    );
  }
  return undefined;
}

/**
 * A blob whose planned version is no longer the current one (another version, 412 on If-Match, or 404): the
 * snapshot's staging copy changed.
 */
function stagingChanged(target: ArchiveTarget, volume: PlannedVolume, err: unknown): Error | undefined {
  let path: string | undefined;
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    // The tar stage names the blob it was opening or reading.
    path ??= /^(?:Opening|Reading) (.+?) failed/.exec((e as Error).message ?? '')?.[1];
    // The staging adapter refuses a blob that is no longer the planned version (its cause: the S3 error, if any).
    if (e instanceof TamperedObjectError) path ??= plannedKey(target, e.key);
    const changed = isPreconditionFailed(e) || (e instanceof TamperedObjectError && !isNotFound(e.cause));
    if (!changed && !isNotFound(e)) continue;
    // Else the refused request itself names the object (the S3 adapter tags every failed request).
    const requested = (e as { $snapseal?: { key?: string } }).$snapseal?.key;
    const planned = volume.entries.find(
      (entry) => entry.key === path || (requested !== undefined && requested.endsWith(`/${entry.key}`)),
    );
    const blob = planned
      ? `"${planned.key}" (planned ${planned.versionId ? `version ${planned.versionId}, ` : ''}ETag ${planned.etag})`
      : 'of this volume';
    return permanentFailure(
      FailureType.StagingChanged,
      `Staging blob ${blob} of snapshot "${target.snapshot}" was ${changed ? 'overwritten' : 'removed'} after planning (volume ${volume.index}); refusing to archive a different blob. Something else writes to the staging folder ${target.folders.runFolder}: stop it and start the archive again.`,
      err,
    );
  }
  return undefined;
}

/** A staging key's path inside the run's snapshot repository. */
function plannedKey(target: ArchiveTarget, key: string): string | undefined {
  const prefix = `${target.folders.repositoryBasePath}/`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}
