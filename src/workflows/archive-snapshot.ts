// The archive workflow: snapshot → wait → stream volumes (tar, sha256, OpenPGP, upload) → seal → clean up.
// Orchestration only; every side effect is an activity. Volumes stream in batches (child workflows) and the
// run continues as new every few batches, so no history outgrows Temporal's limits. Cleanup runs whatever
// happens, cancellation included, once, in the run that ends the archive.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  ContinueAsNew,
  executeChild,
  log,
  makeContinueAsNewFunc,
  patched,
  setCurrentDetails,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { runTag } from './run-tag';
import { PERMANENT_FAILURE_TYPES } from '../failure-types';
import {
  cleanupActivities,
  deploymentQueues,
  pollActivities,
  preflightActivities,
  quickActivities,
  sealingActivities,
} from './activity-options';
import type {
  ArchiveRequest,
  ArchiveResult,
  ArchiveTarget,
  PreparedArchive,
  VolumePlanSummary,
} from '../archive/archive-types';
import { archiveVolumeBatch } from './archive-volume-batch';
import { archiveRunDetails, type ArchiveRunState } from './run-details';
import { snapshotPollDelayMs } from './snapshot-poll-delay';
import {
  ARCHIVE_DATE,
  ARCHIVE_ID,
  BYTES_DONE,
  STAGE,
  VOLUMES_DONE,
  VOLUMES_TOTAL,
} from './search-attributes';
import { volumeBatchWorkflowId } from './workflow-ids';

/**
 * Batches one run starts before it continues as new: about 10 history events each, so a run's history stays
 * near a hundred events however many batches (and volumes) the archive has.
 */
export const BATCHES_PER_RUN = 10;

/** Patch id: document counts are read from the finished snapshot's commits, not before the snapshot. */
export const SNAPSHOT_DOC_COUNTS_PATCH = 'snapshot-doc-counts';

/** What a continued run carries over: the prepared run, the plan summary and the progress so far. */
export interface ArchiveContinuation {
  prepared: PreparedArchive;
  snapshotUuid: string;
  plan: VolumePlanSummary;
  nextBatch: number;
  volumesDone: number;
  bytesDone: number;
  /**
   * Each finished batch's digest over its volume records (null: none), in batch order: the seal checks the
   * records against them. Absent in continuations of older code (the seal then refuses the run).
   */
  batchDigests?: (string | null)[];
}

/** The run's progress for the Temporal UI: search attributes, and the details shown with the run (run-details.ts). */
class RunProgress {
  readonly #state: ArchiveRunState;

  constructor(date: string, continued?: ArchiveContinuation) {
    this.#state = continued
      ? {
          date,
          stage: 'streaming',
          archiveId: continued.prepared.target.archiveId,
          indices: continued.prepared.indices,
          volumesTotal: continued.plan.volumeCount,
          volumesDone: continued.volumesDone,
          bytesDone: continued.bytesDone,
        }
      : { date, stage: 'preparing' };
  }

  stage(name: string, facts: Partial<ArchiveRunState> = {}): void {
    upsertSearchAttributes([{ key: STAGE, value: name }]);
    this.show({ ...facts, stage: name });
  }

  show(facts: Partial<ArchiveRunState>): void {
    Object.assign(this.#state, facts);
    setCurrentDetails(archiveRunDetails(this.#state));
  }
}

export async function archiveSnapshot(
  request: ArchiveRequest,
  continued?: ArchiveContinuation,
): Promise<ArchiveResult> {
  // Each step on the queue of the worker role that may run it: only the seal role holds the signing key.
  const queues = deploymentQueues();
  const preflight = preflightActivities(queues.archive);
  const quick = quickActivities(queues.archive);
  const cleanup = cleanupActivities(queues.archive);
  const sealing = sealingActivities(queues.seal);
  const poll = pollActivities(queues.archive);
  const run = new RunProgress(request.date, continued);
  let prepared: PreparedArchive;
  if (continued) {
    prepared = continued.prepared;
    run.show({});
  } else {
    upsertSearchAttributes([{ key: ARCHIVE_DATE, value: request.date }]);
    run.stage('preparing');
    // The run tag makes this run's staging folder and repository name unique (two runs never share a snapshot).
    prepared = await preflight.prepareArchive(request, runTag());
    upsertSearchAttributes([{ key: ARCHIVE_ID, value: prepared.target.archiveId }]);
    run.show({ archiveId: prepared.target.archiveId, indices: prepared.indices });
    if (prepared.existingManifestKey) {
      run.stage('already-sealed', { manifestKey: prepared.existingManifestKey });
      log.info('Archive already sealed; nothing to do', {
        archiveId: prepared.target.archiveId,
        manifest: prepared.existingManifestKey,
      });
      // Checked on the seal queue: its workers hold the trusted archiver keys.
      const existing = await sealing.describeSealedArchive(prepared.target);
      run.show({
        sequence: existing.sequence,
        volumesDone: existing.volumes,
        volumesTotal: existing.volumes,
        bytesDone: existing.plaintextBytes,
      });
      return { ...existing, status: 'ALREADY_SEALED', snapshot: prepared.target.snapshot };
    }
  }
  const { target, settings } = prepared;
  const archiveId = target.archiveId;

  let sealed = false;
  let continuing = false;
  try {
    let progress: ArchiveContinuation;
    if (continued) {
      progress = continued;
    } else {
      run.stage('snapshotting');
      await quick.takeSnapshot(
        target,
        prepared.cluster,
        prepared.indices.map((i) => i.name),
      );
      const snapshotUuid = await waitForSnapshot(poll, target, settings.snapshotTimeoutMs);
      // Runs recorded before this step keep the counts prepareArchive read (their manifests say nothing else).
      const indices = patched(SNAPSHOT_DOC_COUNTS_PATCH)
        ? await quick.countSnapshotDocuments(target, snapshotUuid, prepared.indices)
        : prepared.indices;

      run.stage('planning', { indices });
      const plan = await quick.planArchiveVolumes(target, settings.maxVolumeBytes);
      upsertSearchAttributes([{ key: VOLUMES_TOTAL, value: plan.volumeCount }]);
      run.show({ volumesTotal: plan.volumeCount, volumesDone: 0, bytesDone: 0 });
      progress = {
        prepared: { ...prepared, indices },
        snapshotUuid,
        plan,
        nextBatch: 1,
        volumesDone: 0,
        bytesDone: 0,
        batchDigests: [],
      };
      run.stage('streaming');
    }
    await archiveBatches(request, progress, run);

    run.stage('sealing');
    const seal = await sealing.sealArchive({
      target,
      createdAt: new Date(Date.now()).toISOString(), // workflow time: replays give the same instant
      snapshotUuid: progress.snapshotUuid,
      cluster: prepared.cluster,
      indices: progress.prepared.indices,
      planDigest: progress.plan.planDigest,
      volumeCount: progress.plan.volumeCount,
      volumeDigests: {
        volumesPerBatch: settings.volumesPerBatch,
        batches: progress.batchDigests ?? [],
      },
    });
    sealed = true;
    run.stage('sealed', { sequence: seal.sequence, manifestKey: seal.manifestKey });
    // One line per sealed archive: what an operator reading the worker's log needs to know it happened.
    log.info('Archive sealed', {
      archiveId,
      sequence: seal.sequence,
      volumes: seal.volumes,
      plaintextBytes: seal.plaintextBytes,
      ciphertextBytes: seal.ciphertextBytes,
      durationSeconds: Math.round((Date.now() - workflowInfo().startTime.getTime()) / 1000),
    });
    return { ...seal, status: 'SEALED', snapshot: target.snapshot, indices: progress.prepared.indices };
  } catch (err) {
    // The next run goes on with this one's staging: nothing to clean up yet.
    if (err instanceof ContinueAsNew) continuing = true;
    else run.show({ failure: failureMessage(err) });
    // A batch's failure is its volume's failure: report it as the volume's (ActivityFailure → cause),
    // the same chain a caller sees for any other activity of the run.
    if (!continuing && err instanceof ChildWorkflowFailure && err.cause) throw err.cause;
    throw err;
  } finally {
    if (!continuing) {
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
}

/**
 * The volumes in batches of `volumesPerBatch`, one child workflow each, one batch after another (each streams
 * `volumeConcurrency` volumes at once). Progress is published once per batch. After BATCHES_PER_RUN batches
 * the run continues as new, carrying the progress: a completed batch is never started again.
 */
async function archiveBatches(
  request: ArchiveRequest,
  progress: ArchiveContinuation,
  run: RunProgress,
): Promise<void> {
  const { target, settings } = progress.prepared;
  const total = progress.plan.volumeCount;
  const size = settings.volumesPerBatch;
  const batches = Math.ceil(total / size);
  for (let batch = progress.nextBatch, inRun = 0; batch <= batches; batch++, inRun++) {
    if (inRun === BATCHES_PER_RUN) {
      const continueAsNew = makeContinueAsNewFunc<typeof archiveSnapshot>({
        typedSearchAttributes: workflowInfo().typedSearchAttributes,
      });
      await continueAsNew(request, { ...progress, nextBatch: batch });
    }
    const done = await executeChild(archiveVolumeBatch, {
      workflowId: volumeBatchWorkflowId(workflowInfo().workflowId, target.repository, batch),
      args: [
        {
          target,
          planDigest: progress.plan.planDigest,
          batch,
          firstVolume: (batch - 1) * size + 1,
          lastVolume: Math.min(total, batch * size),
          volumeConcurrency: settings.volumeConcurrency,
        },
      ],
    });
    progress.volumesDone += done.volumes;
    progress.bytesDone += done.plaintextBytes;
    // Only continuations of older code lack the list; their seal is refused (earlier batches have no digest).
    if (progress.batchDigests) progress.batchDigests[batch - 1] = done.recordsDigest ?? null;
    upsertSearchAttributes([
      { key: VOLUMES_DONE, value: progress.volumesDone },
      { key: BYTES_DONE, value: progress.bytesDone },
    ]);
    run.show({ volumesDone: progress.volumesDone, bytesDone: progress.bytesDone });
  }
}

/**
 * Polls the snapshot with durable timers (a tenth of the time it has run, 1 s to 1 min: snapshot-poll-delay.ts)
 * until it ends or the limit passes. A cluster that
 * does not answer is waited out like a slow snapshot: the snapshot goes on without us, and one limit
 * (SNAPSEAL_SNAPSHOT_TIMEOUT_MINUTES) bounds the whole wait, whatever the reason.
 */
async function waitForSnapshot(
  poll: ReturnType<typeof pollActivities>,
  target: ArchiveTarget,
  timeoutMs: number,
): Promise<string> {
  const started = Date.now();
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
    // Timer durations are not part of replay's check: runs recorded with the old doubling wait replay alike.
    await sleep(snapshotPollDelayMs(Date.now() - started));
  }
}

/** The message an operator reads: the activity's own failure rather than the wrapper's "Activity task failed". */
function failureMessage(err: unknown): string {
  let e: unknown = err;
  while ((e instanceof ActivityFailure || e instanceof ChildWorkflowFailure) && e.cause) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

function isPermanent(failure: ActivityFailure): boolean {
  const cause = failure.cause;
  return (
    cause instanceof ApplicationFailure &&
    (cause.nonRetryable || PERMANENT_FAILURE_TYPES.includes(cause.type ?? ''))
  );
}
