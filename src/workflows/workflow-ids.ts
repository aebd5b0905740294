// Workflow ids: one archive (deployment + archive id) is one workflow id, so asking twice for the same archive,
// in any spelling of its index selection, joins one run instead of starting a second one that would race it.
// The task queue names the deployment, so two deployments sharing a namespace never collide.
import { archiveIdFor } from '../archive/archive-date';

/**
 * `indices` is the index selection the run archives (already filled from the template when the caller knows
 * it). Without it the id names the date only: the worker fills in its own template.
 */
export function archiveWorkflowId(taskQueue: string, date: string, indices?: string): string {
  return `${taskQueue}/archive/${indices ? archiveIdFor(date, indices) : date}`;
}

/** A batch of an archive run's volumes (the run's repository name keeps two runs of one archive apart). */
export function volumeBatchWorkflowId(
  archiveWorkflowId: string,
  runRepository: string,
  batch: number,
): string {
  return `${archiveWorkflowId}/${runRepository}/batch-${String(batch).padStart(5, '0')}`;
}
