// Workflow ids: one archive (date + index selection) is one workflow id, so asking twice gives one archive.
export function archiveWorkflowId(date: string, indices?: string): string {
  return `snapseal-archive-${date}${indices ? `-${indices.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}`;
}
