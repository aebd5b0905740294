// Data that flows between the restore workflow and its activities. Small, JSON-friendly, no secrets.
import type { ManifestRef } from '../archive/authenticated-manifest';
import type { DocCountSource } from '../opensearch/snapshot-api';

export interface RestoreRequest {
  archiveId: string;
  /** Index names to restore (default: every index of the archive). */
  indices?: string[];
  /** Restored indices are named <renamePrefix><original name>. */
  renamePrefix: string;
  /** Retrieval tier for objects in Glacier / Deep Archive (default Standard). */
  thawTier?: 'Expedited' | 'Standard' | 'Bulk';
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
