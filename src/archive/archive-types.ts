// Data that flows between the archive workflow and its activities. Small, JSON-friendly, no secrets.
import type { ClusterInfo, IndexInfo } from '../opensearch/snapshot-api';
import type { RunFolders } from './archive-layout';

export interface ArchiveRequest {
  /** Calendar day the archive is for (YYYY-MM-DD). */
  date: string;
  /** Index names or patterns, comma-separated; default: the configured template filled with the date. */
  indices?: string;
  /** Seal a corrected archive of the day that names this sealed one as superseded (and why). */
  supersede?: SupersedeRequest;
}

/** Which sealed archive of the same day and selection a new archive corrects, and the operator's reason. */
export interface SupersedeRequest {
  archiveId: string;
  reason: string;
}

export interface ArchiveTarget {
  archiveId: string;
  date: string;
  /** Set when this archive corrects a sealed one: the seal names it (id, sequence, digest) and the reason. */
  supersede?: SupersedeRequest;
  indexPattern: string;
  repository: string;
  snapshot: string;
  folders: RunFolders;
}

/** Worker settings a run uses, recorded in history by prepareArchive so replays and retries agree. */
export interface RunSettings {
  maxVolumeBytes: number;
  volumeConcurrency: number;
  /** Volumes per child workflow: bounds each run's history whatever the archive's size. */
  volumesPerBatch: number;
  snapshotTimeoutMs: number;
}

export interface PreparedArchive {
  target: ArchiveTarget;
  settings: RunSettings;
  indices: IndexInfo[];
  cluster: ClusterInfo;
  /** Set when a sealed archive with this id exists already: nothing more to do. */
  existingManifestKey?: string;
}

/** What history keeps of the plan: its digest and a summary; the plan itself lies in staging. */
export interface VolumePlanSummary {
  /** sha256 of the plan's index object, which names the sha256 of every page. */
  planDigest: string;
  volumeCount: number;
  totalBytes: number;
  fileCount: number;
  largestVolumeBytes: number;
  pageCount: number;
  indexBytes: number;
  largestPageBytes: number;
}

/** Where a volume's page of the plan is, and the sha256 the page must have (bound to the plan digest). */
export interface PlanPageRef {
  page: number;
  firstVolume: number;
  lastVolume: number;
  sha256: string;
}

/** One child workflow's share of the volumes: first..last, streamed `volumeConcurrency` at once. */
export interface VolumeBatch {
  target: ArchiveTarget;
  planDigest: string;
  batch: number;
  firstVolume: number;
  lastVolume: number;
  volumeConcurrency: number;
}

export interface VolumeBatchResult {
  batch: number;
  volumes: number;
  plaintextBytes: number;
  ciphertextBytes: number;
  /**
   * Digest over the batch's volume record digests in order (src/archive/volume-digests.ts): what the seal checks
   * the records it reads back against. Absent from batches of older code, and when a volume's result had none.
   */
  recordsDigest?: string;
}

export interface VolumeResult {
  index: number;
  key: string;
  fileCount: number;
  plaintextBytes: number;
  plaintextSha256: string;
  ciphertextBytes: number;
  ciphertextSha256: string;
  /** sha256 of the volume record written to staging: binds the record (files included) to history. */
  recordSha256?: string;
  /** The S3 version of the uploaded volume (versioned archive bucket): the one the seal retains and names. */
  versionId?: string;
}

export interface SealResult {
  archiveId: string;
  manifestKey: string;
  manifestSha256: string;
  sequence: number;
  previousArchiveId?: string;
  /** Set when this archive corrects a sealed one: what its manifest names of it. */
  supersedes?: { archiveId: string; sequence: number; reason: string };
  volumes: number;
  plaintextBytes: number;
  ciphertextBytes: number;
}

export interface ArchiveResult extends SealResult {
  status: 'SEALED' | 'ALREADY_SEALED';
  snapshot: string;
  indices: IndexInfo[];
}
