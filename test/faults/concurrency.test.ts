// Concurrent requests, as the CLI makes them: the same day asked for twice at once (in two spellings of the same
// index selection) joins one run and gives one archive; two days at once give two archives, each verifiable,
// linked in the chain in the order they were sealed.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import { indicesForDate } from '../../src/archive/archive-date';
import { startArchive, waitForArchive } from '../../src/cli/archive-command';
import { loadSampleDay } from '../../src/demo/load-sample-data';
import { verifyChainWithConfig, verifyWithConfig } from '../../src/verify/verify-with-config';
import { createArchiveHarness, type ArchiveHarness } from '../integration/archive-harness';
import { expectNoOrphans, startWorkerProcess } from './worker-process';

describe('concurrent archive requests', () => {
  let h: ArchiveHarness;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    h = await createArchiveHarness();
    // Two worker processes, so two runs really stream at the same time.
    for (let i = 0; i < 2; i++) workers.push(startWorkerProcess(h, { SNAPSEAL_MAX_VOLUME_MIB: '1' }));
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await h?.close();
  });

  it('the same day asked for twice at once gives one run and one archive', async () => {
    const date = '2026-11-05';
    const index = indicesForDate(h.template, date);
    await loadSampleDay(h.search, h.template, date, 4000);
    const [a, b] = await Promise.all([
      startArchive(h.temporal, h.config, { date, wait: true, progress: false }),
      startArchive(h.temporal, h.config, { date, indices: ` ${index} `, wait: true, progress: false }),
    ]);
    expect(a.workflowId).toBe(b.workflowId);
    expect(a.runId).toBe(b.runId);
    expect([a.joined, b.joined].sort()).toEqual([false, true]);
    const [ra, rb] = await Promise.all([
      waitForArchive(h.temporal, a, false),
      waitForArchive(h.temporal, b, false),
    ]);
    expect(ra).toEqual(rb);
    expect(ra.status).toBe('SEALED');
    await expectNoOrphans(h, ra);
    const folders = await h.s3.send(
      new ListObjectsV2Command({
        Bucket: h.config.archive.bucket,
        Prefix: h.config.archive.prefix,
        Delimiter: '/',
      }),
    );
    const archiveFolders = (folders.CommonPrefixes ?? [])
      .map((p) => p.Prefix)
      .filter((p) => p !== `${h.config.archive.prefix}chain/`);
    expect(archiveFolders).toEqual([`${h.config.archive.prefix}${ra.archiveId}/`]);
  });

  it('two days at once give two archives, chained in the order they were sealed', async () => {
    const days = ['2026-11-06', '2026-11-07'];
    for (const date of days) await loadSampleDay(h.search, h.template, date, 4000);
    const started = await Promise.all(
      days.map((date) => startArchive(h.temporal, h.config, { date, wait: true, progress: false })),
    );
    expect(new Set(started.map((s) => s.workflowId)).size).toBe(2);
    const results = await Promise.all(started.map((s) => waitForArchive(h.temporal, s, false)));

    for (const result of results) {
      expect(result.status).toBe('SEALED');
      expect((await verifyWithConfig(h.config, result.archiveId)).ok).toBe(true);
      await expectNoOrphans(h, result);
    }
    // The earlier test sealed sequence 1; these two took 2 and 3, one linked to the other.
    const bySequence = [...results].sort((x, y) => x.sequence - y.sequence);
    expect(bySequence.map((r) => r.sequence)).toEqual([2, 3]);
    expect(bySequence[1]!.previousArchiveId).toBe(bySequence[0]!.archiveId);
    const chain = await verifyChainWithConfig(h.config);
    expect(chain.problems).toEqual([]);
    expect(chain.archives).toBe(3);
  });
});
