// Workflow ids: one archive (deployment + archive id) is one workflow id, so asking twice for the same archive,
// in any spelling of its index selection, joins one run instead of starting a second one that would race it.
// The task queue names the deployment, so two deployments sharing a namespace never collide.
import { archiveIdFor, indicesForDate, normalizeSelection } from '../archive/archive-date';
import { baseTaskQueue } from '../task-queues';

export interface ArchiveIdentity {
  archiveId: string;
  /** The selection the cluster is asked for: exactly what the archive id names. */
  indexPattern: string;
  workflowId: string;
}

/**
 * The one place an archive's id and workflow id are computed, for the CLI, the daily Schedule (through the
 * worker's `resolveArchive` activity, so the worker's template decides) and prepareArchive alike.
 * `indices` wins over the template.
 */
export function archiveIdentity(
  taskQueue: string,
  request: { date: string; indices?: string },
  indexTemplate: string,
): ArchiveIdentity {
  const indexPattern = normalizeSelection(
    request.indices ?? indicesForDate(indexTemplate, request.date),
  ).join(',');
  const archiveId = archiveIdFor(request.date, indexPattern);
  return { archiveId, indexPattern, workflowId: `${baseTaskQueue(taskQueue)}/archive/${archiveId}` };
}

/**
 * `indices` is the index selection the run archives (already filled from the template when the caller knows
 * it). Without it the id names the date only (tests that start a run directly).
 */
export function archiveWorkflowId(taskQueue: string, date: string, indices?: string): string {
  return indices
    ? archiveIdentity(taskQueue, { date, indices }, '').workflowId
    : `${baseTaskQueue(taskQueue)}/archive/${date}`;
}

/** A batch of an archive run's volumes (the run's repository name keeps two runs of one archive apart). */
export function volumeBatchWorkflowId(
  archiveWorkflowId: string,
  runRepository: string,
  batch: number,
): string {
  return `${archiveWorkflowId}/${runRepository}/batch-${String(batch).padStart(5, '0')}`;
}
