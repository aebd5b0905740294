import { archiveRunDetails, archiveRunSummary } from '../../../src/workflows/run-details';

describe('archive run details for the Temporal UI', () => {
  it('summarises the start on one line: date, indices, who started it', () => {
    expect(archiveRunSummary('2026-11-21', 'logdata-21112026', 'daily Schedule')).toBe(
      'Archive 2026-11-21: logdata-21112026 (daily Schedule)',
    );
  });

  it('shows a running archive: stage, date, indices with documents, volumes and bytes', () => {
    expect(
      archiveRunDetails({
        date: '2026-11-21',
        archiveId: '2026-11-21_logdata-21112026',
        stage: 'streaming',
        indices: [{ name: 'logdata-21112026', docCount: 12000 }],
        volumesDone: 2,
        volumesTotal: 5,
        bytesDone: 3 * 1024 * 1024,
      }).split('\n'),
    ).toEqual([
      '**streaming**',
      'date: 2026-11-21 (archive 2026-11-21_logdata-21112026)',
      'indices: logdata-21112026 (12000 documents)',
      'volumes: 2 of 5, 3.0 MiB archived',
    ]);
  });

  it('shows the outcome: sealed with its chain sequence and manifest, or failed with the reason', () => {
    const sealed = archiveRunDetails({
      date: '2026-11-21',
      stage: 'sealed',
      sequence: 7,
      manifestKey: 'archives/2026-11-21_logdata-21112026/manifest.json',
    });
    expect(sealed).toMatch(/^\*\*sealed\*\*, chain #7\n/);
    expect(sealed).toContain('manifest: archives/2026-11-21_logdata-21112026/manifest.json');
    expect(
      archiveRunDetails({ date: '2026-11-21', stage: 'snapshotting', failure: 'Snapshot ended PARTIAL' }),
    ).toMatch(/^\*\*failed\*\* in snapshotting: Snapshot ended PARTIAL\n/);
  });
});
