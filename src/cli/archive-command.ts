// `snapseal archive`: start (or join) the archive of one day and wait for it with a progress line.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { calendarDateIn, parseArchiveDate } from '../archive/archive-date';
import type { ArchiveResult } from '../archive/archive-types';
import type { Config } from '../config';
import { archiveIdentity } from '../workflows/workflow-ids';
import { BYTES_DONE, STAGE, VOLUMES_DONE, VOLUMES_TOTAL } from '../workflows/search-attributes';
import { formatBytes } from './format';

export interface ArchiveCommandOptions {
  date?: string;
  indices?: string;
  wait: boolean;
  progress: boolean;
}

export interface StartedArchive {
  workflowId: string;
  runId: string;
  joined: boolean;
}

export async function startArchive(
  client: Client,
  config: Config,
  options: ArchiveCommandOptions,
): Promise<StartedArchive> {
  const date = options.date ?? calendarDateIn(new Date(), config.schedule.timeZone, 1);
  parseArchiveDate(date);
  // Named by the archive it makes: the default selection is the configured template filled with the date.
  const { workflowId } = archiveIdentity(
    config.temporal.taskQueue,
    { date, indices: options.indices },
    config.archive.indexTemplate,
  );
  try {
    const handle = await client.workflow.start('archiveSnapshot', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ date, indices: options.indices }],
      // A failed or cancelled archive may be run again; a running or completed one is joined, not duplicated.
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    });
    return { workflowId, runId: handle.firstExecutionRunId, joined: false };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const description = await client.workflow.getHandle(workflowId).describe();
    return { workflowId, runId: description.runId, joined: true };
  }
}

/** Wait for the run, printing one progress line to stderr whenever it changes. */
export async function waitForArchive(
  client: Client,
  started: StartedArchive,
  progress: boolean,
): Promise<ArchiveResult> {
  const handle = client.workflow.getHandle(started.workflowId, started.runId);
  const result = handle.result() as Promise<ArchiveResult>;
  if (!progress) return result;
  let last = '';
  let done = false;
  void result.finally(() => (done = true)).catch(() => undefined);
  while (!done) {
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    if (done) break;
    const attrs = (await handle.describe().catch(() => undefined))?.typedSearchAttributes;
    if (!attrs) continue;
    const line = `  ${attrs.get(STAGE) ?? 'starting'}: volumes ${attrs.get(VOLUMES_DONE) ?? 0}/${attrs.get(VOLUMES_TOTAL) ?? '?'}, ${formatBytes(attrs.get(BYTES_DONE) ?? 0)} archived`;
    if (line !== last) process.stderr.write(`${line}\n`);
    last = line;
  }
  return result;
}
