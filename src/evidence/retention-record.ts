// The retention record of a sealed archive (archives/<id>/retention.json): the Object Lock mode and date each
// of its objects carried right after sealing, read back from the store. Its sha256 is in the chain witness, so
// it cannot be rewritten unseen; verify holds the objects to it.
import { createHash } from 'node:crypto';
import type { ObjectRetention } from './object-retention';
import type { ObjectLockMode } from './retention-promise';

export interface RetentionRecord {
  format: 'snapseal-retention/1';
  archiveId: string;
  /** What the configuration promised at sealing (SNAPSEAL_OBJECT_LOCK_MODE / _DAYS); null: nothing. */
  promised: { mode: ObjectLockMode; retainUntil: string } | null;
  /** Every sealed object with the retention read back from the store, in a fixed order. */
  objects: ObjectRetention[];
}

/** Deterministic bytes: a retried seal writes the same record, with the same digest the witness holds. */
export function serializeRetentionRecord(record: RetentionRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
