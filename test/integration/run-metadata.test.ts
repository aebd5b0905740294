// What the Temporal UI shows of an archive run: the static summary given at start and the details the
// workflow keeps current (read back from Temporal the way the UI does: describe, and the metadata query).
import { workflowMetadataQuery } from '@temporalio/workflow';
import { startArchive, waitForArchive } from '../../src/cli/archive-command';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { createArchiveHarness, type ArchiveHarness } from './archive-harness';

const DATE = '2026-11-21';

describe('archive run metadata in Temporal', () => {
  let h: ArchiveHarness;
  beforeAll(async () => {
    h = await createArchiveHarness();
    await loadSampleDay(h.search, h.template, DATE, 3000);
  });
  afterAll(() => h.close());

  it('carries the date and indices in its summary, and the outcome, volumes, bytes and sequence in its details', async () => {
    const index = h.template.replace('{DD}{MM}{YYYY}', '21112026');
    const started = await startArchive(h.temporal, h.config, { date: DATE, wait: true, progress: false });
    const handle = h.temporal.workflow.getHandle(started.workflowId, started.runId);
    const { result, details } = await h.runWorker(
      (async () => {
        const result = await waitForArchive(h.temporal, started, false);
        // Current details are answered by a worker (the UI asks the same query).
        const metadata = await handle.query(workflowMetadataQuery);
        return { result, details: metadata.currentDetails ?? '' };
      })(),
    );
    expect(await (await handle.describe()).staticSummary()).toBe(
      `Archive ${DATE}: ${index} (snapseal archive)`,
    );
    expect(result.status).toBe('SEALED');
    expect(details.split('\n')).toEqual([
      `**sealed**, chain #${result.sequence}`,
      `date: ${DATE} (archive ${result.archiveId})`,
      `indices: ${index} (3000 documents)`,
      expect.stringMatching(
        new RegExp(`^volumes: ${result.volumes} of ${result.volumes}, [0-9.]+ [KM]iB archived$`),
      ),
      `manifest: ${result.manifestKey}`,
    ]);
  });
});
