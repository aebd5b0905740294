// Build step (npm run build): bundles the workflow code once, into dist/workflow-bundle.js. A worker started
// from dist loads that file instead of running webpack at start-up, which took seconds and raised the
// worker's peak memory by about 150 MB before it did any work.
import { bundleWorkflowCode } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    workflowInterceptorModules: [require.resolve('./workflows/interceptors')],
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error },
  });
  await writeFile(join(__dirname, WORKFLOW_BUNDLE_FILE), code);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`Bundling the workflows failed: ${(err as Error).message}`);
    process.exit(1);
  });
}
