// The phases of an archive run, read from its Temporal workflow histories (the run, the runs it continued as,
// and its batch child workflows): when each kind of activity was first scheduled and last completed, the volume
// plan (bytes, files, volumes), and which worker streamed which volume.
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

type HistoryEvent = NonNullable<
  Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
>[number];

/** The events of a workflow and of everything it led to: its continued-as-new runs and its child workflows. */
interface TaggedEvent {
  event: HistoryEvent;
  /** Which history it is from (event ids are per history). */
  history: number;
  /** From the archive workflow itself (a run of it), not from a child. */
  own: boolean;
}

async function collectEvents(client: Client, workflowId: string, runId: string): Promise<TaggedEvent[]> {
  const out: TaggedEvent[] = [];
  let history = 0;
  const pending: { workflowId: string; runId: string }[] = [{ workflowId, runId }];
  for (let next = pending.shift(); next; next = pending.shift()) {
    const fetched = await client.workflow.getHandle(next.workflowId, next.runId).fetchHistory();
    history += 1;
    for (const event of fetched.events ?? []) {
      out.push({ event, history, own: next.workflowId === workflowId });
      const child = event.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId)
        pending.push({ workflowId: child.workflowId, runId: child.runId });
      const continued = event.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (continued) pending.push({ workflowId: next.workflowId, runId: continued });
    }
  }
  return out;
}

export async function readRunPhases(client: Client, workflowId: string, runId: string): Promise<RunPhases> {
  const events = await collectEvents(client, workflowId, runId);
  const typeBySchedule = new Map<string, string>();
  const firstScheduled = new Map<string, number>();
  const lastCompleted = new Map<string, number>();
  const volumesByWorker: Record<string, number> = {};
  const identityBySchedule = new Map<string, string>();
  let plan: VolumePlanSummary | undefined;
  let started: number | undefined;
  let closed: number | undefined;

  for (const { event, history, own } of events) {
    const at = toMs(event.eventTime as Timestamp);
    const key = (id: LongLike): string => `${history}:${idOf(id)}`;
    if (own && event.workflowExecutionStartedEventAttributes) started = Math.min(started ?? at, at);
    if (
      own &&
      (event.workflowExecutionCompletedEventAttributes || event.workflowExecutionFailedEventAttributes)
    )
      closed = Math.max(closed ?? at, at);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const type = scheduled.activityType?.name ?? '?';
      typeBySchedule.set(key(event.eventId as LongLike), type);
      firstScheduled.set(type, Math.min(firstScheduled.get(type) ?? at, at));
    }
    const startedAttempt = event.activityTaskStartedEventAttributes;
    if (startedAttempt)
      identityBySchedule.set(
        key(startedAttempt.scheduledEventId as LongLike),
        startedAttempt.identity ?? '?',
      );
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const scheduleId = key(completed.scheduledEventId as LongLike);
      const type = typeBySchedule.get(scheduleId) ?? '?';
      lastCompleted.set(type, Math.max(lastCompleted.get(type) ?? at, at));
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
