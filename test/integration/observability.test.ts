// What operators see of a real worker process on the real stack: /metrics (snapseal's and the Temporal SDK's)
// scraped during and after an archive, a verification and a restore drill; and its logs, one JSON object per
// line, the archive id on every line of the run, no secret anywhere.
import { readFile } from 'node:fs/promises';
import type { ArchiveResult } from '../../src/archive/archive-types';
import { indicesForDate } from '../../src/archive/archive-date';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import type { DrillOutcome } from '../../src/workflows/restore-drill';
import type { VerifyReport } from '../../src/verify/verify-archive';
import { archiveWorkflowId } from '../../src/workflows/workflow-ids';
import { createArchiveHarness, workerEnv, type ArchiveHarness } from './archive-harness';
import { freePortPair, startWorkerProcess, type WorkerProcess } from './worker-process';

const DATE = '2026-11-19';

/** Samples of one metric (name and labels as written, e.g. `snapseal_seals_total{result="ok"}`). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function keyLines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n').filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l));
}

describe('worker metrics and logs (real stack, real worker process)', () => {
  let h: ArchiveHarness;
  let worker: WorkerProcess;
  let port: number;
  let result: ArchiveResult;
  const during: string[] = [];

  beforeAll(async () => {
    h = await createArchiveHarness({ SNAPSEAL_MAX_VOLUME_MIB: '1' });
    await loadSampleDay(h.search, h.template, DATE, 6000);
    port = await freePortPair();
    worker = startWorkerProcess(
      workerEnv(h, {
        SNAPSEAL_MAX_VOLUME_MIB: '1',
        SNAPSEAL_METRICS_PORT: String(port),
        SNAPSEAL_LOG_LEVEL: 'DEBUG',
      }),
    );
    await worker.ready;
    const indices = indicesForDate(h.template, DATE);
    const run = h.temporal.workflow.execute('archiveSnapshot', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: archiveWorkflowId(h.config.temporal.taskQueue, DATE, indices),
      args: [{ date: DATE }],
    }) as Promise<ArchiveResult>;
    let finished = false;
    void run.finally(() => (finished = true)).catch(() => undefined);
    // Scrape while the run is in flight: the server answers during the work, not only after it.
    while (!finished) {
      during.push(await scrape(port));
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    result = await run;
  });
  afterAll(async () => {
    await worker?.stop();
    await h?.close();
  });

  it('serves snapseal and Temporal SDK metrics during the run', () => {
    expect(during.length).toBeGreaterThan(0);
    expect(during[0]).toContain('# TYPE snapseal_archived_bytes_total counter');
    expect(during[0]).toMatch(/^temporal_/m); // Core's exporter, merged into the same scrape
    const volumesSeen = during.map((t) => sample(t, 'snapseal_archived_volumes_total') ?? 0);
    expect(Math.max(...volumesSeen)).toBeLessThanOrEqual(result.volumes);
  });

  it('counts the archived bytes and volumes, the seal and the newest archive after the run', async () => {
    expect(result.status).toBe('SEALED');
    expect(result.volumes).toBeGreaterThan(1);
    const text = await scrape(port);
    expect(sample(text, 'snapseal_archived_bytes_total{kind="plaintext"}')).toBe(result.plaintextBytes);
    expect(sample(text, 'snapseal_archived_bytes_total{kind="ciphertext"}')).toBe(result.ciphertextBytes);
    expect(sample(text, 'snapseal_archived_volumes_total')).toBe(result.volumes);
    expect(sample(text, 'snapseal_volume_stream_duration_seconds_count')).toBe(result.volumes);
    expect(sample(text, 'snapseal_seals_total{result="ok"}')).toBe(1);
    expect(sample(text, 'snapseal_newest_archive_sequence')).toBe(1);
    const age = sample(text, 'snapseal_newest_archive_age_seconds')!;
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(600);
    expect(text).toMatch(/^temporal_activity_execution_latency\S* /m);
  });

  it('counts verification checks and a restore drill by outcome', async () => {
    const report = (await h.temporal.workflow.execute('verifyArchiveWorkflow', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: `${h.config.temporal.taskQueue}/verify/${result.archiveId}`,
      args: [result.archiveId],
    })) as VerifyReport;
    expect(report.ok).toBe(true);
    const drill = (await h.temporal.workflow.execute('restoreDrill', {
      taskQueue: h.config.temporal.taskQueue,
      workflowId: `${h.config.temporal.taskQueue}/drill`,
      args: [],
    })) as DrillOutcome;
    expect(drill.passed).toBe(true);
    const text = await scrape(port);
    expect(sample(text, 'snapseal_verifications_total{check="manifest",result="ok"}')).toBe(1);
    expect(sample(text, 'snapseal_verifications_total{check="volume",result="ok"}')).toBe(result.volumes);
    expect(sample(text, 'snapseal_restores_total{result="ok"}')).toBe(1);
    expect(sample(text, 'snapseal_drills_total{result="passed"}')).toBe(1);
    expect(sample(text, 'snapseal_drills_total{result="failed"}')).toBeUndefined();
  });

  it('logs one JSON object per line, with the archive id on every line of the run and no secret', async () => {
    expect(await worker.stop()).toBe(0);
    const lines = worker.stderr().split('\n').filter(Boolean);
    expect(worker.stdout()).toBe('');
    const events = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    for (const e of events) expect(Object.keys(e).slice(0, 3)).toEqual(['time', 'level', 'message']);
    const runLines = events.filter(
      (e) => typeof e.workflowId === 'string' && e.workflowId.includes(result.archiveId),
    );
    const activityLines = runLines.filter((e) => e.activityType !== undefined);
    expect(runLines.length).toBeGreaterThan(activityLines.length); // workflow lines too ("Workflow started")
    expect(activityLines.length).toBeGreaterThan(result.volumes);
    expect(activityLines.map((e) => e.activityType)).toEqual(
      expect.arrayContaining(['prepareArchive', 'archiveVolume', 'sealArchive']),
    );
    for (const e of runLines)
      expect({ message: e.message, archiveId: e.archiveId }).toEqual({
        message: e.message,
        archiveId: result.archiveId,
      });

    // One line per sealed archive: sequence, volumes, bytes and how long the run took.
    const sealedLines = runLines.filter((e) => e.message === 'Archive sealed');
    expect(sealedLines).toEqual([
      expect.objectContaining({
        level: 'INFO',
        archiveId: result.archiveId,
        sequence: result.sequence,
        volumes: result.volumes,
        plaintextBytes: result.plaintextBytes,
        ciphertextBytes: result.ciphertextBytes,
        durationSeconds: expect.any(Number),
      }),
    ]);

    const secrets = [
      h.config.s3.credentials!.secretAccessKey.reveal(),
      ...(await keyLines(h.keys.archiverPrivate)),
      ...(await keyLines(h.keys.recipientPrivate)),
    ];
    expect(secrets.length).toBeGreaterThan(5);
    const output = worker.stderr();
    for (const secret of secrets) expect(output.includes(secret)).toBe(false);
  });
});
