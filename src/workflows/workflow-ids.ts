// Workflow ids: one archive (deployment + date + index selection) is one workflow id, so asking twice gives
// one archive. The task queue names the deployment, so two deployments sharing a namespace never collide.
export function archiveWorkflowId(taskQueue: string, date: string, indices?: string): string {
  return `${taskQueue}/archive/${date}${indices ? `/${indices.replace(/[^A-Za-z0-9._,*-]/g, '_')}` : ''}`;
}
