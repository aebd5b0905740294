// A volume stream that stops moving (S3 takes the volume's upload and never answers, as a dead connection
// does) is aborted after SNAPSEAL_VOLUME_STALL_SECONDS and the volume retried: the run seals instead of
// holding its slot for good. The stall is placed with a loopback proxy in front of MinIO; nothing is killed.
import type { ArchiveResult } from '../../src/archive/archive-types';
import { loadConfig } from '../../src/config';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { verifyWithConfig } from '../../src/verify/verify-with-config';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from '../integration/archive-harness';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

const STALL_SECONDS = 15;

describe('a stalled volume upload', () => {
  let h: ArchiveHarness;
  let proxy: FaultProxy;
  beforeAll(async () => {
    h = await createArchiveHarness();
    proxy = await startFaultProxy(process.env.SNAPSEAL_S3_ENDPOINT!);
  });
  afterAll(async () => {
    await proxy?.close();
    await h?.close();
  });

  it(`is aborted after SNAPSEAL_VOLUME_STALL_SECONDS and retried, and the run seals`, async () => {
    const date = '2026-11-16';
    await loadSampleDay(h.search, h.template, date, 200);
    const worker = loadConfig({
      ...workerEnv(h, {
        SNAPSEAL_S3_ENDPOINT: proxy.url,
        SNAPSEAL_VOLUME_STALL_SECONDS: String(STALL_SECONDS),
      }),
      SNAPSEAL_LIFECYCLE_TRANSITIONS: 'false',
    });
    // The first upload of the volume is taken and never answered.
    const held = proxy.hold((method, path) => method === 'PUT' && /\/volume-0001\.tar\.gpg/.test(path));
    const startedAt = Date.now();
    const result = await h.runWorker(
      h.temporal.workflow.execute('archiveSnapshot', {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: archiveWorkflowId(h.config.temporal.taskQueue, date),
        args: [{ date }],
      }) as Promise<ArchiveResult>,
      undefined,
      worker,
    );
    await held;
    const seconds = (Date.now() - startedAt) / 1000;
    expect(proxy.counts.held).toBe(1);
    expect(result.status).toBe('SEALED');
    expect(seconds).toBeGreaterThan(STALL_SECONDS);
    // Well within the old fixed bound of 600 s: the stall was cut at the setting, not at a default.
    expect(seconds).toBeLessThan(240);
    expect(await verifyWithConfig(h.config, result.archiveId)).toMatchObject({ ok: true, problems: [] });
  });
});
