// Streams one volume: its staging blobs → deterministic tar → sha256 → OpenPGP → sha256 → multipart upload.
// Heartbeats carry progress; a volume already uploaded by an earlier attempt is recognised and not redone.
// The volume's blobs come from its page of the stored plan (digest-checked), fetched with If-Match on the
// ETag planned: a blob changed or removed after planning fails the volume as StagingChanged.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { archiveLayout, volumeRecordKey } from '../archive/archive-layout';
import type { ArchiveTarget, VolumeResult } from '../archive/archive-types';
import { streamVolume, type VolumeRecord } from '../archive/stream-volume';
import { PlanIntegrityError, readPlannedVolume, type PlanPageRef } from '../archive/volume-plan-store';
import type { PlannedVolume } from '../pipeline/volume-plan';
import { readJson, writeObject } from '../s3/s3-objects';
import { isNotFound, isPreconditionFailed } from '../s3/s3-errors';
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

export function summary(record: VolumeRecord): VolumeResult {
  const { files, ...rest } = record;
  return { ...rest, fileCount: files.length };
}

export function createArchiveVolume(deps: ActivityDeps) {
  const { config, s3, keys } = deps;
  return async function archiveVolume(
    target: ArchiveTarget,
    page: PlanPageRef,
    index: number,
  ): Promise<VolumeResult> {
    const ctx = Context.current();
    const layout = archiveLayout(config.archive.prefix, target.archiveId);
    const recordKey = volumeRecordKey(target.folders, index);

    const done = await readJson<VolumeRecord>(s3, config.staging.bucket, recordKey);
    if (done && (await objectSize(deps, layout.volumeKey(index))) === done.ciphertextBytes) {
      ctx.log.info('Volume already uploaded by an earlier attempt', { volume: index });
      return summary(done);
    }

    const volume = await readPlannedVolume(s3, config.staging.bucket, target.folders, page, index).catch(
      (err: unknown) => {
        if (err instanceof PlanIntegrityError)
          throw permanentFailure(
            FailureType.StagingChanged,
            `${err.message}; refusing to archive from it`,
            err,
          );
        throw err;
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
      source: { bucket: config.staging.bucket, basePath: target.folders.repositoryBasePath },
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
        throw stagingChanged(target, volume, err) ?? err;
      })
      .finally(() => clearInterval(beat));
    await writeObject(s3, config.staging.bucket, recordKey, JSON.stringify(record));
    return summary(record);
  };
}

/** A blob whose planned version is gone (412 on If-Match, or 404): the snapshot's staging copy changed. */
function stagingChanged(target: ArchiveTarget, volume: PlannedVolume, err: unknown): Error | undefined {
  let path: string | undefined;
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    // The tar stage names the blob it was opening or reading.
    path ??= /^(?:Opening|Reading) (.+?) failed/.exec((e as Error).message ?? '')?.[1];
    const changed = isPreconditionFailed(e);
    if (!changed && !isNotFound(e)) continue;
    // Else the refused request itself names the object (the S3 adapter tags every failed request).
    const requested = (e as { $snapseal?: { key?: string } }).$snapseal?.key;
    const planned = volume.entries.find(
      (entry) => entry.key === path || (requested !== undefined && requested.endsWith(`/${entry.key}`)),
    );
    const blob = planned ? `"${planned.key}" (planned ETag ${planned.etag})` : 'of this volume';
    return permanentFailure(
      FailureType.StagingChanged,
      `Staging blob ${blob} of snapshot "${target.snapshot}" was ${changed ? 'overwritten' : 'removed'} after planning (volume ${volume.index}); refusing to archive a different blob. Something else writes to the staging folder ${target.folders.runFolder}: stop it and start the archive again.`,
      err,
    );
  }
  return undefined;
}

async function objectSize({ config, s3 }: ActivityDeps, key: string): Promise<number | undefined> {
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: config.archive.bucket, Key: key }));
    return head.ContentLength;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
