// Reads an archive's Temporal histories for tests: every run of it (the parent's continue-as-new chain, then
// each batch's child run) and what its archiveVolume activities did in a run.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { VolumeResult } from '../../src/archive/archive-types';

export type History = temporal.api.history.v1.IHistory;

export interface ArchiveRun {
  workflowId: string;
  history: History;
}

/** Every run of the archive workflow `workflowId` started as `firstRunId`: parent runs first, then batches. */
export async function archiveRuns(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<ArchiveRun[]> {
  const runs: ArchiveRun[] = [];
  const children: { workflowId: string; runId: string }[] = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.push({ workflowId, history });
    for (const e of history.events ?? []) {
      const started = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (started) children.push({ workflowId: started.workflowId!, runId: started.runId! });
    }
    runId =
      history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  for (const child of children) {
    const history = await client.workflow.getHandle(child.workflowId, child.runId).fetchHistory();
    runs.push({ workflowId: child.workflowId, history });
  }
  return runs;
}

/** Volume indexes completed in one run, from archiveVolume's results. */
export function completedVolumes(history: History): number[] {
  const archiveVolumes = new Set<string>();
  const done: number[] = [];
  for (const e of history.events ?? []) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === 'archiveVolume')
      archiveVolumes.add(String(e.eventId));
    const completed = e.activityTaskCompletedEventAttributes;
    if (completed && archiveVolumes.has(String(completed.scheduledEventId))) {
      const data = completed.result!.payloads![0]!.data!;
      done.push((JSON.parse(Buffer.from(data).toString('utf8')) as VolumeResult).index);
    }
  }
  return done;
}

/** How many attempts each archiveVolume activity of one run took (one activity per volume, ever). */
export function volumeAttempts(history: History): number[] {
  const attempts = new Map<number, number>();
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    const started = event.activityTaskStartedEventAttributes;
    if (scheduled?.activityType?.name === 'archiveVolume') attempts.set(Number(event.eventId), 1);
    const id = Number(started?.scheduledEventId);
    if (started && attempts.has(id)) attempts.set(id, Math.max(attempts.get(id)!, started.attempt ?? 1));
  }
  return [...attempts.values()];
}
