// The archive a workflow id names (`<queue>/archive/<archive id>`, `<queue>/verify/<archive id>/…`,
// `<queue>/restore/<archive id>/…`), known before the SDK's first log line of a workflow or activity.
// Pure: workflows use it too.

export function archiveIdOfWorkflowId(workflowId: string): string | undefined {
  const id = /\/(?:archive|verify|restore)\/([^/]+)/.exec(workflowId)?.[1];
  // `<queue>/archive/2026-11-21` (a run by date, the worker fills in its template) names no archive yet.
  return id && !/^\d{4}-\d{2}-\d{2}$/.test(id) ? id : undefined;
}
