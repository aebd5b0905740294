// Keeps the newest-archive gauges current from the chain head in S3: on a timer and after each seal, so an
// alert on the archive's age works from any worker, whichever worker sealed it.
import type { S3Client } from '@aws-sdk/client-s3';
import { Gauge } from 'prom-client';
import { readChainHead } from '../archive/archive-chain';
import { readSealedManifest } from '../archive/read-sealed-manifest';
import { ArchiveBucket } from '../buckets/buckets';
import type { SnapsealMetrics } from './snapseal-metrics';

export interface NewestArchiveGauge {
  /** Read the chain head now; a failed read keeps the last known value (the next refresh tries again). */
  refresh(): Promise<void>;
  stop(): void;
}

export interface NewestArchiveSource {
  s3: S3Client;
  bucket: string;
  prefix: string;
}

export function startNewestArchiveGauge(
  metrics: SnapsealMetrics,
  source: NewestArchiveSource,
  intervalMs: number,
  onError: (err: unknown) => void,
): NewestArchiveGauge {
  let sealedAtMs: number | undefined;
  new Gauge({
    name: 'snapseal_newest_archive_age_seconds',
    help: 'Age of the newest sealed archive at scrape time (from the chain head); absent before the first archive',
    registers: [metrics.registry],
    collect() {
      if (sealedAtMs === undefined) this.reset();
      else this.set((Date.now() - sealedAtMs) / 1000);
    },
  });
  const refresh = async (): Promise<void> => {
    try {
      const head = await readChainHead(new ArchiveBucket(source.s3, source.bucket, source.prefix));
      if (!head) return;
      const { manifest } = await readSealedManifest(source.s3, source.bucket, head.manifestKey);
      sealedAtMs = Date.parse(manifest.createdAt);
      metrics.newestArchiveTimestamp.set(sealedAtMs / 1000);
      metrics.newestArchiveSequence.set(head.sequence);
    } catch (err) {
      onError(err);
    }
  };
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();
  void refresh();
  return {
    refresh,
    stop: () => clearInterval(timer),
  };
}
