import type { BenchResults, Measurement } from '../../../bench/bench-types';
import { overheadSeconds, resultsTable, targetChecks } from '../../../bench/report';

function snapsealRun(extra: Record<string, number>, stages: Measurement['stages'] = []): Measurement {
  return {
    id: 'snapseal-1',
    label: 'snapseal, 1 worker process (streaming phase)',
    seconds: 8.5,
    bytes: 1e9,
    notes: [],
    stages,
    extra,
  };
}

function results(m: Measurement): BenchResults {
  return {
    machine: {
      date: '2026-12-05T10:00:00Z',
      cpuModel: 'x',
      cores: 2,
      memoryBytes: 8e9,
      os: 'linux',
      node: 'v24',
      tools: {},
    },
    measurements: [m],
  } as unknown as BenchResults;
}

describe('bench overhead column', () => {
  it('is end to end minus the snapshot minus the streaming, on the end-to-end row', () => {
    const run = snapsealRun({ endToEndSeconds: 40.9, snapshotSeconds: 26 });
    expect(overheadSeconds(run)).toBeCloseTo(6.4, 5);
    const rows = resultsTable(results(run)).split('\n');
    expect(rows[0]).toContain('| overhead (s) |');
    const e2e = rows.find((r) => r.includes('end to end'));
    expect(e2e).toContain('| 40.9 | 6.4 (16%) |');
  });

  it('reads the snapshot from the stage list of runs recorded before snapshotSeconds was kept', () => {
    const run = snapsealRun({ endToEndSeconds: 30 }, [
      { name: 'snapshot (takeSnapshot → last checkSnapshot)', seconds: 18 },
      { name: 'streaming (archiveVolume ×4)', seconds: 8.5 },
    ]);
    expect(overheadSeconds(run)).toBeCloseTo(3.5, 5);
  });

  it('checks the 10% target', () => {
    const slow = targetChecks(results(snapsealRun({ endToEndSeconds: 40.9, snapshotSeconds: 26 })));
    expect(slow.find((c) => c.target.startsWith('overhead'))).toMatchObject({ met: false });
    const fast = targetChecks(results(snapsealRun({ endToEndSeconds: 37.5, snapshotSeconds: 26 })));
    expect(fast.find((c) => c.target.startsWith('overhead'))).toMatchObject({
      met: true,
      figure: '3.0 s of 37.5 s (8%)',
    });
  });
});
