// Data that flows between the archive workflow and its activities. Small, JSON-friendly, no secrets.
import type { ClusterInfo, IndexInfo } from '../opensearch/snapshot-api';
import type { RunFolders } from './archive-layout';

export interface ArchiveRequest {
  /** Calendar day the archive is for (YYYY-MM-DD). */
  date: string;
  /** Index names or patterns, comma-separated; default: the configured template filled with the date. */
  indices?: string;
}

export interface ArchiveTarget {
  archiveId: string;
  date: string;
  indexPattern: string;
  repository: string;
  snapshot: string;
  folders: RunFolders;
}

/** Worker settings a run uses, recorded in history by prepareArchive so replays and retries agree. */
export interface RunSettings {
  maxVolumeBytes: number;
  volumeConcurrency: number;
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

export interface VolumePlanSummary {
  planDigest: string;
  totalBytes: number;
  fileCount: number;
  volumes: { index: number; fileCount: number; tarBytes: number }[];
}

export interface VolumeResult {
  index: number;
  key: string;
  fileCount: number;
  plaintextBytes: number;
  plaintextSha256: string;
  ciphertextBytes: number;
  ciphertextSha256: string;
}

export interface SealResult {
  archiveId: string;
  manifestKey: string;
  manifestSha256: string;
  sequence: number;
  previousArchiveId?: string;
  volumes: number;
  plaintextBytes: number;
  ciphertextBytes: number;
}

export interface ArchiveResult extends SealResult {
  status: 'SEALED' | 'ALREADY_SEALED';
  snapshot: string;
  indices: IndexInfo[];
}
