// snapseal's own Prometheus metrics, in a registry per worker (so several workers in one process, as in the
// tests, never register a metric twice).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Outcome = 'ok' | 'problems' | 'failed';

export interface SnapsealMetrics {
  registry: Registry;
  archivedBytes: Counter<'kind'>;
  archivedVolumes: Counter;
  volumeStreamSeconds: Histogram;
  activitySeconds: Histogram<'activity' | 'result'>;
  seals: Counter<'result'>;
  verifications: Counter<'check' | 'result'>;
  restores: Counter<'result'>;
  drills: Counter<'result'>;
  lastDrillTimestamp: Gauge<'result'>;
  newestArchiveTimestamp: Gauge;
  newestArchiveSequence: Gauge;
}

export function createSnapsealMetrics(): SnapsealMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'snapseal_worker_' });
  const registers = [registry];
  return {
    registry,
    archivedBytes: new Counter({
      name: 'snapseal_archived_bytes_total',
      help: 'Bytes of volumes archived by this worker (kind: plaintext tar or ciphertext uploaded)',
      labelNames: ['kind'],
      registers,
    }),
    archivedVolumes: new Counter({
      name: 'snapseal_archived_volumes_total',
      help: 'Volumes archived (encrypted and uploaded) by this worker',
      registers,
    }),
    volumeStreamSeconds: new Histogram({
      name: 'snapseal_volume_stream_duration_seconds',
      help: 'Time to stream one volume: read blobs, tar, encrypt, upload',
      // A volume is up to 1 GiB: from a second (tiny) to most of an hour (slow object store).
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    }),
    activitySeconds: new Histogram({
      name: 'snapseal_activity_duration_seconds',
      help: 'Duration of each activity attempt by activity type and result (ok, failed)',
      labelNames: ['activity', 'result'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1200, 3600],
      registers,
    }),
    seals: new Counter({
      name: 'snapseal_seals_total',
      help: 'Seal attempts (manifest signed and chained) by result: ok, failed',
      labelNames: ['result'],
      registers,
    }),
    verifications: new Counter({
      name: 'snapseal_verifications_total',
      help: 'Verification checks by check (manifest, volume) and result: ok, problems (archive damaged), failed (could not check)',
      labelNames: ['check', 'result'],
      registers,
    }),
    restores: new Counter({
      name: 'snapseal_restores_total',
      help: 'Restores whose document counts were compared, by result: ok, failed (mismatch or error)',
      labelNames: ['result'],
      registers,
    }),
    drills: new Counter({
      name: 'snapseal_drills_total',
      help: 'Restore drills finished on this worker, by result: passed, failed',
      labelNames: ['result'],
      registers,
    }),
    lastDrillTimestamp: new Gauge({
      name: 'snapseal_drill_last_timestamp_seconds',
      help: 'When the last restore drill finished, by result (Unix time)',
      labelNames: ['result'],
      registers,
    }),
    newestArchiveTimestamp: new Gauge({
      name: 'snapseal_newest_archive_timestamp_seconds',
      help: 'When the newest archive in the chain was sealed (Unix time, from its manifest); absent before the first archive',
      registers,
    }),
    newestArchiveSequence: new Gauge({
      name: 'snapseal_newest_archive_sequence',
      help: 'Chain sequence number of the newest sealed archive',
      registers,
    }),
  };
}
