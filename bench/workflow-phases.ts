// The phases of an archive run, read from its Temporal workflow history: when each kind of activity was first
// scheduled and last completed, the volume plan (bytes, files, volumes), and which worker streamed which volume.
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { VolumePlanSummary } from '../src/archive/archive-types';

export interface Span {
  startMs: number;
  endMs: number;
  seconds: number;
}

export interface RunPhases {
  workflow: Span;
  snapshot?: Span;
  streaming: Span;
  sealing?: Span;
  cleanup?: Span;
  plan: VolumePlanSummary;
  /** archiveVolume attempts that completed, per worker identity. */
  volumesByWorker: Record<string, number>;
}

type Timestamp =
  { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;
type LongLike = { toString(): string } | number | null | undefined;

const toMs = (ts: Timestamp): number => {
  const seconds = ts?.seconds;
  const s = typeof seconds === 'number' ? seconds : (seconds?.toNumber() ?? 0);
  return s * 1000 + (ts?.nanos ?? 0) / 1e6;
};
const idOf = (v: LongLike): string => String(v ?? '');

function span(startMs: number | undefined, endMs: number | undefined): Span | undefined {
  if (startMs === undefined || endMs === undefined) return undefined;
  return { startMs, endMs, seconds: (endMs - startMs) / 1000 };
}

export async function readRunPhases(client: Client, workflowId: string, runId: string): Promise<RunPhases> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const typeBySchedule = new Map<string, string>();
  const firstScheduled = new Map<string, number>();
  const lastCompleted = new Map<string, number>();
  const volumesByWorker: Record<string, number> = {};
  const identityBySchedule = new Map<string, string>();
  let plan: VolumePlanSummary | undefined;
  let started: number | undefined;
  let closed: number | undefined;

  for (const event of events) {
    const at = toMs(event.eventTime as Timestamp);
    if (event.workflowExecutionStartedEventAttributes) started = at;
    if (event.workflowExecutionCompletedEventAttributes || event.workflowExecutionFailedEventAttributes)
      closed = at;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? '?';
      typeBySchedule.set(idOf(event.eventId as LongLike), type);
      if (!firstScheduled.has(type)) firstScheduled.set(type, at);
    }
    const startedAttempt = event.activityTaskStartedEventAttributes;
    if (startedAttempt)
      identityBySchedule.set(
        idOf(startedAttempt.scheduledEventId as LongLike),
        startedAttempt.identity ?? '?',
      );
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const scheduleId = idOf(completed.scheduledEventId as LongLike);
      const type = typeBySchedule.get(scheduleId) ?? '?';
      lastCompleted.set(type, at);
      if (type === 'archiveVolume') {
        const worker = identityBySchedule.get(scheduleId) ?? '?';
        volumesByWorker[worker] = (volumesByWorker[worker] ?? 0) + 1;
      }
      if (type === 'planArchiveVolumes') {
        const payload = completed.result?.payloads?.[0];
        if (payload) plan = defaultPayloadConverter.fromPayload<VolumePlanSummary>(payload as never);
      }
    }
  }
  const workflow = span(started, closed);
  const streaming = span(firstScheduled.get('archiveVolume'), lastCompleted.get('archiveVolume'));
  if (!workflow || !streaming || !plan) {
    throw new Error(
      `The history of ${workflowId} lacks the workflow's end, its archiveVolume activities or the plan`,
    );
  }
  return {
    workflow,
    snapshot: span(firstScheduled.get('takeSnapshot'), lastCompleted.get('checkSnapshot')),
    streaming,
    sealing: span(firstScheduled.get('sealArchive'), lastCompleted.get('sealArchive')),
    cleanup: span(firstScheduled.get('cleanUpRun'), lastCompleted.get('cleanUpRun')),
    plan,
    volumesByWorker,
  };
}
