// Turns finished activities into metrics, from what the activity returned: the activities themselves stay
// free of metric code. Called by the activity interceptor with the activity type, duration and outcome.
import type { SealResult, VolumeResult } from '../archive/archive-types';
import type { SnapsealMetrics } from './snapseal-metrics';

export interface ActivityOutcome {
  activityType: string;
  seconds: number;
  /** The returned value; undefined when the attempt threw. */
  value?: unknown;
  failed: boolean;
}

const hasProblems = (value: unknown): boolean =>
  Array.isArray((value as { problems?: unknown[] } | undefined)?.problems) &&
  (value as { problems: unknown[] }).problems.length > 0;

/** Records one activity attempt; returns true when it sealed an archive (the newest-archive gauge is stale). */
export function recordActivity(metrics: SnapsealMetrics, outcome: ActivityOutcome): boolean {
  const { activityType, seconds, value, failed } = outcome;
  metrics.activitySeconds.observe({ activity: activityType, result: failed ? 'failed' : 'ok' }, seconds);
  switch (activityType) {
    case 'archiveVolume':
      if (!failed) {
        const volume = value as VolumeResult;
        metrics.archivedBytes.inc({ kind: 'plaintext' }, volume.plaintextBytes);
        metrics.archivedBytes.inc({ kind: 'ciphertext' }, volume.ciphertextBytes);
        metrics.archivedVolumes.inc();
        metrics.volumeStreamSeconds.observe(seconds);
      }
      return false;
    case 'sealArchive':
      metrics.seals.inc({ result: failed ? 'failed' : 'ok' });
      return !failed && typeof (value as SealResult | undefined)?.sequence === 'number';
    case 'verifyManifest':
    case 'verifyVolume': {
      const check = activityType === 'verifyManifest' ? 'manifest' : 'volume';
      metrics.verifications.inc({
        check,
        result: failed ? 'failed' : hasProblems(value) ? 'problems' : 'ok',
      });
      return false;
    }
    case 'compareRestoredCounts':
      metrics.restores.inc({ result: failed ? 'failed' : 'ok' });
      return false;
    default:
      return false;
  }
}

/** Records the outcome of a restore drill workflow (reported through a sink). */
export function recordDrill(metrics: SnapsealMetrics, passed: boolean, atMs: number): void {
  const result = passed ? 'passed' : 'failed';
  metrics.drills.inc({ result });
  metrics.lastDrillTimestamp.set({ result }, atMs / 1000);
}
