// The archive workflow: snapshot → wait → stream volumes (tar, sha256, OpenPGP, upload) → seal → clean up.
// Orchestration only; every side effect is an activity. Cleanup runs whatever happens, cancellation included.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  proxyActivities,
  sleep,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { runTag } from './run-tag';
import type { createActivities } from '../activities';
import { PERMANENT_FAILURE_TYPES } from '../failure-types';
import {
  cleanupActivities,
  deploymentQueues,
  quickActivities,
  sealingActivities,
  streamingActivities,
} from './activity-options';
import type {
  ArchiveRequest,
  ArchiveResult,
  ArchiveTarget,
  RunSettings,
  VolumeResult,
} from '../archive/archive-types';
import {
  ARCHIVE_DATE,
  ARCHIVE_ID,
  BYTES_DONE,
  STAGE,
  VOLUMES_DONE,
  VOLUMES_TOTAL,
} from './search-attributes';

type Activities = ReturnType<typeof createActivities>;

// Preflight: a cluster or bucket that stays unreachable for about a minute fails the run with the reason.
const preflightActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '2s',
      backoffCoefficient: 2,
      maximumInterval: '20s',
      maximumAttempts: 5,
      nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
    },
  });

// One look at the snapshot: a blip is retried at once; a longer outage is waited out by waitForSnapshot.
const pollActivities = (taskQueue: string) =>
  proxyActivities<Activities>({
    taskQueue,
    startToCloseTimeout: '1 minute',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumAttempts: 3,
      nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
    },
  });

function stage(name: string): void {
  upsertSearchAttributes([{ key: STAGE, value: name }]);
}

export async function archiveSnapshot(request: ArchiveRequest): Promise<ArchiveResult> {
  // Each step on the queue of the worker role that may run it: only the seal role holds the signing key.
  const queues = deploymentQueues();
  const preflight = preflightActivities(queues.archive);
  const quick = quickActivities(queues.archive);
  const cleanup = cleanupActivities(queues.archive);
  const sealing = sealingActivities(queues.seal);
  const streaming = streamingActivities(queues.stream);
  const poll = pollActivities(queues.archive);
  upsertSearchAttributes([{ key: ARCHIVE_DATE, value: request.date }]);
  stage('preparing');
  // The run tag makes this run's staging folder and repository name unique (two runs never share a snapshot).
  const prepared = await preflight.prepareArchive(request, runTag());
  const { target, settings } = prepared;
  const archiveId = target.archiveId;
  upsertSearchAttributes([{ key: ARCHIVE_ID, value: archiveId }]);
  if (prepared.existingManifestKey) {
    stage('already-sealed');
    log.info('Archive already sealed; nothing to do', { archiveId, manifest: prepared.existingManifestKey });
    const existing = await quick.describeSealedArchive(archiveId);
    return { ...existing, status: 'ALREADY_SEALED', snapshot: target.snapshot, indices: prepared.indices };
  }

  let sealed = false;
  try {
    stage('snapshotting');
    await quick.takeSnapshot(
      target,
      prepared.cluster,
      prepared.indices.map((i) => i.name),
    );
    const snapshotUuid = await waitForSnapshot(poll, target, settings.snapshotTimeoutMs);

    stage('planning');
    const plan = await quick.planArchiveVolumes(target, settings.maxVolumeBytes);
    upsertSearchAttributes([{ key: VOLUMES_TOTAL, value: plan.volumes.length }]);

    stage('streaming');
    const volumes = await archiveVolumes(
      streaming,
      target,
      plan.planDigest,
      plan.volumes.map((v) => v.index),
      settings,
    );

    stage('sealing');
    const seal = await sealing.sealArchive({
      target,
      createdAt: new Date(Date.now()).toISOString(), // workflow time: replays give the same instant
      snapshotUuid,
      cluster: prepared.cluster,
      indices: prepared.indices,
      volumes,
    });
    sealed = true;
    stage('sealed');
    return { ...seal, status: 'SEALED', snapshot: target.snapshot, indices: prepared.indices };
  } finally {
    await CancellationScope.nonCancellable(async () => {
      try {
        const report = await cleanup.cleanUpRun(target, sealed);
        log.info('Run cleaned up', { archiveId, ...report });
      } catch (err) {
        // Reported, never allowed to hide the run's own outcome or make a failed run look sealed.
        log.error('Cleanup failed; staging objects may remain', { archiveId, error: String(err) });
      }
    });
  }
}

/**
 * Polls the snapshot with durable timers (1 s doubling to 1 min) until it ends or the limit passes. A cluster that
 * does not answer is waited out like a slow snapshot: the snapshot goes on without us, and one limit
 * (SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES) bounds the whole wait, whatever the reason.
 */
async function waitForSnapshot(
  poll: ReturnType<typeof pollActivities>,
  target: ArchiveTarget,
  timeoutMs: number,
): Promise<string> {
  const started = Date.now();
  let delayMs = 1000;
  let unreachable: { since: number; error: string } | undefined;
  for (;;) {
    const status = await poll.checkSnapshot(target).catch((err: unknown) => {
      if (!(err instanceof ActivityFailure) || isPermanent(err)) throw err;
      unreachable ??= { since: Date.now(), error: '' };
      unreachable.error = (err.cause ?? err).message;
      log.warn('Snapshot status unavailable; waiting', {
        snapshot: target.snapshot,
        error: unreachable.error,
      });
      return undefined;
    });
    if (status) unreachable = undefined;
    if (status?.state === 'SUCCESS') return status.uuid ?? '';
    if (status && status.state !== 'IN_PROGRESS') {
      const detail =
        status.state === 'MISSING'
          ? 'the snapshot disappeared from the repository'
          : `${status.shards.failed} of ${status.shards.total} shards failed${status.failures.length ? ` (${status.failures.join('; ')})` : ''}${status.reason ? `: ${status.reason}` : ''}`;
      throw ApplicationFailure.nonRetryable(
        `Snapshot "${target.snapshot}" ended ${status.state}: ${detail}. No archive was written; staging is cleaned.`,
        'SnapshotFailed',
      );
    }
    if (Date.now() - started > timeoutMs) {
      const minutes = Math.round(timeoutMs / 60000);
      throw ApplicationFailure.nonRetryable(
        unreachable
          ? `Snapshot "${target.snapshot}" could not be checked for ${Math.round((Date.now() - unreachable.since) / 1000)} s and the limit of ${minutes} minutes (SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES) has passed; last error: ${unreachable.error}. No archive was written; staging is cleaned once the cluster answers.`
          : `Snapshot "${target.snapshot}" still IN_PROGRESS after ${minutes} minutes (SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES); giving up. No archive was written; staging is cleaned.`,
        'SnapshotFailed',
      );
    }
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, 60_000);
  }
}

function isPermanent(failure: ActivityFailure): boolean {
  const cause = failure.cause;
  return (
    cause instanceof ApplicationFailure &&
    (cause.nonRetryable || PERMANENT_FAILURE_TYPES.includes(cause.type ?? ''))
  );
}

/** Stream volumes with bounded concurrency; a retry of the workflow task never redoes a completed volume. */
async function archiveVolumes(
  streaming: ReturnType<typeof streamingActivities>,
  target: ArchiveTarget,
  planDigest: string,
  indexes: number[],
  settings: RunSettings,
): Promise<VolumeResult[]> {
  const results: VolumeResult[] = [];
  let bytesDone = 0;
  const queue = [...indexes];
  const lane = async (): Promise<void> => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const result = await streaming.archiveVolume(target, planDigest, index, settings.maxVolumeBytes);
      results.push(result);
      bytesDone += result.plaintextBytes;
      upsertSearchAttributes([
        { key: VOLUMES_DONE, value: results.length },
        { key: BYTES_DONE, value: bytesDone },
      ]);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(settings.volumeConcurrency, indexes.length)) }, lane),
  );
  return results.sort((a, b) => a.index - b.index);
}
