// Activity outcomes become the right series: bytes and volumes from archiveVolume's result, seal, verify and
// restore outcomes by result, drills by outcome.
import { recordActivity, recordDrill } from '../../../src/metrics/activity-metrics';
import { createSnapsealMetrics } from '../../../src/metrics/snapseal-metrics';

async function value(metrics: ReturnType<typeof createSnapsealMetrics>, name: string, labels = {}) {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  return metric?.values.find((v) => JSON.stringify(v.labels) === JSON.stringify(labels))?.value;
}

describe('recordActivity', () => {
  it('counts the bytes and volumes an archived volume reports, and times its stream', async () => {
    const m = createSnapsealMetrics();
    for (const plaintextBytes of [1000, 2500]) {
      recordActivity(m, {
        activityType: 'archiveVolume',
        seconds: 2,
        value: { plaintextBytes, ciphertextBytes: plaintextBytes + 10 },
        failed: false,
      });
    }
    recordActivity(m, { activityType: 'archiveVolume', seconds: 1, failed: true });
    expect(await value(m, 'snapseal_archived_bytes_total', { kind: 'plaintext' })).toBe(3500);
    expect(await value(m, 'snapseal_archived_bytes_total', { kind: 'ciphertext' })).toBe(3520);
    expect(await value(m, 'snapseal_archived_volumes_total')).toBe(2);
    const text = await m.registry.metrics();
    expect(text).toContain('snapseal_volume_stream_duration_seconds_count 2');
    expect(text).toContain(
      'snapseal_activity_duration_seconds_count{activity="archiveVolume",result="failed"} 1',
    );
  });

  it('says a successful seal made the newest-archive gauge stale, and counts seals by result', async () => {
    const m = createSnapsealMetrics();
    expect(
      recordActivity(m, { activityType: 'sealArchive', seconds: 1, value: { sequence: 3 }, failed: false }),
    ).toBe(true);
    expect(recordActivity(m, { activityType: 'sealArchive', seconds: 1, failed: true })).toBe(false);
    expect(await value(m, 'snapseal_seals_total', { result: 'ok' })).toBe(1);
    expect(await value(m, 'snapseal_seals_total', { result: 'failed' })).toBe(1);
  });

  it('tells verification problems from verification failures', async () => {
    const m = createSnapsealMetrics();
    recordActivity(m, { activityType: 'verifyManifest', seconds: 1, value: { problems: [] }, failed: false });
    recordActivity(m, {
      activityType: 'verifyVolume',
      seconds: 1,
      value: { problems: [{ problem: 'sha256 differs' }] },
      failed: false,
    });
    recordActivity(m, { activityType: 'verifyVolume', seconds: 1, failed: true });
    recordActivity(m, { activityType: 'compareRestoredCounts', seconds: 1, value: {}, failed: false });
    expect(await value(m, 'snapseal_verifications_total', { check: 'manifest', result: 'ok' })).toBe(1);
    expect(await value(m, 'snapseal_verifications_total', { check: 'volume', result: 'problems' })).toBe(1);
    expect(await value(m, 'snapseal_verifications_total', { check: 'volume', result: 'failed' })).toBe(1);
    expect(await value(m, 'snapseal_restores_total', { result: 'ok' })).toBe(1);
  });

  it('counts drills by outcome and keeps the time of the last one', async () => {
    const m = createSnapsealMetrics();
    recordDrill(m, false, 5_000);
    recordDrill(m, true, 9_000);
    expect(await value(m, 'snapseal_drills_total', { result: 'failed' })).toBe(1);
    expect(await value(m, 'snapseal_drills_total', { result: 'passed' })).toBe(1);
    expect(await value(m, 'snapseal_drill_last_timestamp_seconds', { result: 'passed' })).toBe(9);
  });
});
