// The three buckets snapseal uses, each behind its own adapter, built once per process from the configuration.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { planIndexKey, planPageKey, volumeRecordKey, type RunFolders } from '../archive/archive-layout';
import type { PlanPageRef } from '../archive/archive-types';
import { Bucket, type WrittenObject } from './bucket';
import type { Vouch } from './trust';

/** The archive bucket: volumes, manifests, signatures, time-stamp tokens, retention records, the chain. */
export class ArchiveBucket extends Bucket {}

/** The staging bucket: the cluster's snapshot repository and each run's work folder (plan, volume records). */
export class StagingBucket extends Bucket {
  // ---- A run's work folder: the volume plan and the volume records ----

  /** The volume plan's index, bound to the plan digest in Temporal history. */
  readPlanIndex(folders: RunFolders, planDigest: string): Promise<Buffer> {
    return this.readBound(planIndexKey(folders), { by: 'history', sha256: planDigest });
  }

  /** One page of the volume plan, bound to the page digest its (bound) index names. */
  readPlanPage(folders: RunFolders, ref: PlanPageRef): Promise<Buffer> {
    return this.readBound(planPageKey(folders, ref.page), { by: 'plan', sha256: ref.sha256 });
  }

  writePlanIndex(folders: RunFolders, text: string): Promise<WrittenObject> {
    return this.put(planIndexKey(folders), text, { ContentType: 'application/json' });
  }

  writePlanPage(folders: RunFolders, page: number, text: string): Promise<WrittenObject> {
    return this.put(planPageKey(folders, page), text, { ContentType: 'application/json' });
  }

  writeVolumeRecord(folders: RunFolders, index: number, bytes: Uint8Array): Promise<WrittenObject> {
    return this.put(volumeRecordKey(folders, index), bytes, { ContentType: 'application/json' });
  }

  /** A volume record an attempt's heartbeat details vouch for (a resumed volume proving its upload). */
  readVolumeRecord(folders: RunFolders, index: number, vouch: Vouch): Promise<Buffer> {
    return this.readBound(volumeRecordKey(folders, index), vouch);
  }

  /**
   * A volume record as the seal reads it: nothing vouches for one record alone, but its batch's digest in
   * Temporal history covers it, and the seal recomputes that digest before it uses a byte
   * (src/activities/read-volume-records.ts).
   */
  readVolumeRecordForBatchCheck(folders: RunFolders, index: number): Promise<Buffer | undefined> {
    return this.readUnbound(
      volumeRecordKey(folders, index),
      "its batch digest in Temporal history, recomputed by the seal's readVolumeRecords",
    );
  }
}

/** The witness bucket: one written-once record per sealed sequence, under COMPLIANCE retention. */
export class WitnessBucket extends Bucket {}

export interface Buckets {
  archive: ArchiveBucket;
  staging: StagingBucket;
  /** Undefined when no witness is configured. */
  witness?: WitnessBucket;
}

export function createBuckets(
  config: Pick<Config, 'archive' | 'staging' | 'witness'>,
  s3: S3Client,
): Buckets {
  return {
    archive: new ArchiveBucket(s3, config.archive.bucket, config.archive.prefix),
    staging: new StagingBucket(s3, config.staging.bucket, config.staging.prefix),
    ...(config.witness
      ? { witness: new WitnessBucket(s3, config.witness.bucket, config.witness.prefix) }
      : {}),
  };
}
