// Data that flows between the restore workflow and its activities. Small, JSON-friendly, no secrets.
import type { ManifestRef } from '../archive/authenticated-manifest';
import type { DocCountSource } from '../opensearch/snapshot-api';
import type { CleanupBounds } from '../workflows/clean-up-until-done';

export interface RestoreRequest {
  archiveId: string;
  /** Index names to restore (default: every index of the archive). */
  indices?: string[];
  /** Restored indices are named <renamePrefix><original name>. */
  renamePrefix: string;
  /** Retrieval tier for objects in Glacier / Deep Archive (default Standard). */
  thawTier?: 'Expedited' | 'Standard' | 'Bulk';
  /** How long the restore waits and polls (ms); absent in production (the defaults), shortened by tests. */
  bounds?: RestoreBounds;
}

export interface RestoreBounds {
  /** How long the cluster may take to recover the restored shards (default RESTORE_WAIT_LIMIT_MS). */
  restoreWaitLimitMs?: number;
  /** The first and the longest wait between looks at the recovery (default 1 s doubling to 1 min). */
  firstPollMs?: number;
  maxPollMs?: number;
  /** How long and how often the staging cleanup is retried (default CLEANUP_LIMIT_MS, 1 min to 1 h). */
  cleanup?: CleanupBounds;
}

/** How far the cluster is in recovering the restored indices. */
export interface RestoreProgress {
  done: boolean;
  shards: number;
  doneShards: number;
  /** The shards not yet recovered, as "<index> shard <n> (<stage>)". */
  pending?: string[];
}

export interface RestorePlan {
  archiveId: string;
  /** The manifest bytes prepareRestore authenticated: every later step re-reads exactly these. */
  manifest: ManifestRef;
  snapshot: string;
  repository: string;
  /** base_path of the read-only repository the verified volumes are unpacked into. */
  repositoryBasePath: string;
  volumes: number[];
  /** Original index name → document count recorded in the manifest, and what that count measures. */
  indices: { name: string; restoredAs: string; docCount: number; docCountSource?: DocCountSource }[];
  renamePrefix: string;
}

export interface RestoreResult {
  archiveId: string;
  indices: { name: string; restoredAs: string; expected: number; actual: number }[];
}
