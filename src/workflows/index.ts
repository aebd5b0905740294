// Every workflow the snapseal worker runs (this file is the worker's workflowsPath).
export { archiveSnapshot } from './archive-snapshot';
export { archiveVolumeBatch } from './archive-volume-batch';
export { dailyArchive } from './daily-archive';
export { restoreArchive } from './restore-archive';
export { awaitThaw } from './await-thaw';
export { verifyArchiveWorkflow } from './verify-archive';
export { restoreDrill } from './restore-drill';
