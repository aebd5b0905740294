// Workflow interceptors (bundled with the workflows): the archive id on every workflow log line, and the
// outcome of each restore drill reported to the worker's metrics through a sink (never during replay).
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { archiveIdFor } from '../archive/archive-date';
import { archiveIdOfWorkflowId } from '../logging/archive-id-of-workflow-id';
import type { DrillOutcome } from './restore-drill';
import { ARCHIVE_ID } from './search-attributes';

export interface SnapsealSinks extends Sinks {
  snapsealMetrics: { drillFinished(passed: boolean): void };
}

const { snapsealMetrics } = proxySinks<SnapsealSinks>();

/** The archive a workflow works on as far as its arguments say (restore, verify; archive with explicit indices). */
function archiveIdOfArgs(args: readonly unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'string') return first;
  if (typeof first !== 'object' || first === null) return undefined;
  const { archiveId, date, indices } = first as { archiveId?: unknown; date?: unknown; indices?: unknown };
  if (typeof archiveId === 'string') return archiveId;
  if (typeof date === 'string' && typeof indices === 'string') {
    try {
      return archiveIdFor(date, indices);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  let fromArgs: string | undefined;
  return {
    inbound: [
      {
        async execute(input, next) {
          fromArgs = archiveIdOfArgs(input.args);
          const result = await next(input);
          if (workflowInfo().workflowType === 'restoreDrill') {
            snapsealMetrics.drillFinished((result as DrillOutcome).passed);
          }
          return result;
        },
      },
    ],
    outbound: [
      {
        getLogAttributes(input, next) {
          // The search attribute once the run knows its archive (archiveSnapshot learns it in prepareArchive).
          const info = workflowInfo();
          const archiveId =
            info.typedSearchAttributes.get(ARCHIVE_ID) ?? fromArgs ?? archiveIdOfWorkflowId(info.workflowId);
          return next(archiveId ? { ...input, archiveId } : input);
        },
      },
    ],
  };
};
