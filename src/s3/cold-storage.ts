// Which archive objects sit in a cold storage class and whether a thaw (RestoreObject) is needed, running or
// done, read from S3's StorageClass and x-amz-restore header (AWS semantics).

export type ThawState = 'available' | 'needs-thaw' | 'thawing';

const COLD_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * The state of one object from its storage class and its `Restore` header
 * (`ongoing-request="true"` while a thaw runs; `ongoing-request="false", expiry-date="…"` once done).
 */
export function thawState(storageClass: string | undefined, restoreHeader: string | undefined): ThawState {
  if (!storageClass || !COLD_CLASSES.has(storageClass)) return 'available';
  if (!restoreHeader) return 'needs-thaw';
  if (/ongoing-request="true"/.test(restoreHeader)) return 'thawing';
  if (/ongoing-request="false"/.test(restoreHeader)) return 'available';
  return 'needs-thaw';
}
