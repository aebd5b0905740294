// Workflow ids: one archive (deployment + archive id) is one workflow id, so asking twice for the same archive,
// in any spelling of its index selection, joins one run instead of starting a second one that would race it.
// The task queue names the deployment, so two deployments sharing a namespace never collide.
import {
  ArchiveDateError,
  archiveIdFor,
  assertArchiveId,
  firstRevisionOf,
  indicesForDate,
  normalizeSelection,
  supersedingArchiveId,
} from '../archive/archive-date';
import type { SupersedeRequest } from '../archive/archive-types';
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
  request: { date: string; indices?: string; supersede?: SupersedeRequest },
  indexTemplate: string,
): ArchiveIdentity {
  const indexPattern = normalizeSelection(
    request.indices ?? indicesForDate(indexTemplate, request.date),
  ).join(',');
  const first = archiveIdFor(request.date, indexPattern);
  // A correction is the next revision of the archive it supersedes: asked twice, it is one archive and one run.
  const archiveId = request.supersede ? supersedingIdFor(first, request.supersede) : first;
  return { archiveId, indexPattern, workflowId: `${baseTaskQueue(taskQueue)}/archive/${archiveId}` };
}

/** The longest reason a supersede may give: it is signed into the manifest and shown by `verify --chain`. */
export const MAX_SUPERSEDE_REASON = 500;

/** The id of a correction of `first` (this request's first revision), or an ArchiveDateError saying why not. */
function supersedingIdFor(first: string, supersede: SupersedeRequest): string {
  assertArchiveId(supersede.archiveId);
  if (firstRevisionOf(supersede.archiveId) !== first) {
    throw new ArchiveDateError(
      `--supersede ${supersede.archiveId} names an archive of another day or index selection: this run archives ${first} (give --date and --indices as that archive has them)`,
    );
  }
  const reason = supersede.reason.trim();
  if (
    reason.length === 0 ||
    reason.length > MAX_SUPERSEDE_REASON ||
    [...reason].some((c) => c < ' ' || c === '\u007f')
  ) {
    throw new ArchiveDateError(
      `--reason must say why ${supersede.archiveId} is superseded: one line of 1 to ${MAX_SUPERSEDE_REASON} characters, for example "index logs-21112026 was restored late from the shipper's buffer"`,
    );
  }
  return supersedingArchiveId(supersede.archiveId);
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
