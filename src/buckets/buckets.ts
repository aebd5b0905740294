// The three buckets snapseal uses, each behind its own adapter, built once per process from the configuration.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import type { Config } from '../config';
import { createS3Client } from '../s3/create-s3-client';
import type { StreamUpload } from '../s3/upload-stream';
import { deleteEveryVersion, startStagedUpload, versioningOf } from './restore-staging';
import { planIndexKey, planPageKey, volumeRecordKey, type RunFolders } from '../archive/archive-layout';
import type { PlanPageRef } from '../archive/archive-types';
import { Bucket, type WrittenObject } from './bucket';
import { CHECKED_BY, repositoryBlobs, type RepositoryBlob } from './snapshot-repository';
import type { Vouch } from './trust';

/** The archive bucket: volumes, manifests, signatures, time-stamp tokens, retention records, the chain. */
export class ArchiveBucket extends Bucket {}

/** The staging bucket: the cluster's snapshot repository and each run's work folder (plan, volume records). */
export class StagingBucket extends Bucket {
  // --- Restore staging (./restore-staging.ts): what the cluster reads must be the versions snapseal wrote. ---

  /** 'Enabled', 'Suspended' or 'off': a restore needs 'Enabled' to see any write after its own. */
  versioning(): Promise<string> {
    return versioningOf(this);
  }

  /** Streams one verified file to `key`; `done` gives the version written. */
  startStagedUpload(key: string, sizes: { partSizeBytes: number; queueSize: number }): StreamUpload {
    return startStagedUpload(this, key, sizes);
  }

  /** Every version and delete marker under `prefix` (narrowed by `which`) removed; returns the keys removed. */
  deleteEveryVersion(prefix: string, which?: (key: string) => boolean): Promise<number> {
    return deleteEveryVersion(this, prefix, which);
  }

  // ---- A run's snapshot repository (./snapshot-repository.ts): the blobs as the cluster wrote them ----

  /**
   * The snapshot's blobs under `basePath`, each with the one version the cluster wrote, read from the keys'
   * version histories; a blob deleted or written over since is a TamperedObjectError naming it.
   */
  async snapshotRepository(basePath: string): Promise<RepositoryBlob[]> {
    const prefix = `${basePath}/`;
    return repositoryBlobs(this.name, prefix, await this.histories(prefix));
  }

  /** One repository blob's bytes, exactly the version the history check named (else a TamperedObjectError). */
  readRepositoryBlob(
    basePath: string,
    blob: Pick<RepositoryBlob, 'key' | 'etag' | 'versionId'>,
  ): Promise<Buffer> {
    return this.readListed(`${basePath}/${blob.key}`, { ...blob, by: CHECKED_BY });
  }

  /**
   * One planned blob as a stream, for a volume. With the version the plan carries (in history by the plan
   * digest) it must be exactly that version; a plan of older code names only the ETag (If-Match alone).
   */
  async openPlannedBlob(
    basePath: string,
    blob: { key: string; etag?: string; versionId?: string },
    signal?: AbortSignal,
  ): Promise<Readable> {
    const key = `${basePath}/${blob.key}`;
    if (blob.versionId && blob.etag) {
      return (await this.openListed(
        key,
        { versionId: blob.versionId, etag: blob.etag, by: 'the volume plan' },
        signal,
      )) as Readable;
    }
    const got = await this.s3.send(
      new GetObjectCommand({ Bucket: this.name, Key: key, IfMatch: blob.etag }),
      {
        abortSignal: signal,
      },
    );
    return got.Body as Readable;
  }

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

/**
 * The adapters over the process's S3 client; the witness's over a client of its own when the witness writer has
 * its own credentials (SNAPSEAL_WITNESS_S3_*), so the credentials that write volumes and manifests cannot write it.
 */
export function createBuckets(
  config: Pick<Config, 'archive' | 'staging' | 'witness' | 's3'>,
  s3: S3Client,
): Buckets {
  const { witness } = config;
  const witnessS3 = witness?.credentials
    ? createS3Client({ ...config.s3, credentials: witness.credentials })
    : s3;
  return {
    archive: new ArchiveBucket(s3, config.archive.bucket, config.archive.prefix),
    staging: new StagingBucket(s3, config.staging.bucket, config.staging.prefix),
    ...(witness ? { witness: new WitnessBucket(witnessS3, witness.bucket, witness.prefix) } : {}),
  };
}

/**
 * The archive bucket's adapter for code handed a ManifestStore-shaped location (the CLI's verify and
 * rotate-key, the chain checks) rather than the worker's Buckets.
 */
export function archiveBucketOf(store: {
  s3: S3Client;
  bucket: string;
  archivePrefix: string;
}): ArchiveBucket {
  return new ArchiveBucket(store.s3, store.bucket, store.archivePrefix);
}

/** The witness bucket's adapter, undefined when no witness is configured. */
export function witnessBucketOf(
  s3: S3Client,
  witness: Pick<NonNullable<Config['witness']>, 'bucket' | 'prefix'> | undefined,
): WitnessBucket | undefined {
  return witness ? new WitnessBucket(s3, witness.bucket, witness.prefix) : undefined;
}
