// The retention record of a sealed archive (archives/<id>/retention.json): the Object Lock mode and date each
// of its objects carried right after sealing, read back from the store. Its sha256 is in the chain witness, so
// it cannot be rewritten unseen; verify holds the objects to it.
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

/** The record in `bytes`, checked for shape; a malformed record (or one of another archive) throws, saying why. */
export function parseRetentionRecord(bytes: Uint8Array, archiveId: string): RetentionRecord {
  let record: Partial<RetentionRecord>;
  try {
    record = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<RetentionRecord>;
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`);
  }
  if (record?.format !== 'snapseal-retention/1' || !Array.isArray(record.objects)) {
    throw new Error('not a snapseal-retention/1 record');
  }
  if (record.archiveId !== archiveId) throw new Error(`it is the record of ${String(record.archiveId)}`);
  const malformed = record.objects.find(
    (o: Partial<ObjectRetention> | null) =>
      typeof o?.key !== 'string' ||
      (o.mode !== null && o.mode !== 'GOVERNANCE' && o.mode !== 'COMPLIANCE') ||
      (o.retainUntil !== null &&
        (typeof o.retainUntil !== 'string' || Number.isNaN(Date.parse(o.retainUntil)))),
  );
  if (malformed !== undefined) throw new Error(`an object entry is malformed: ${JSON.stringify(malformed)}`);
  return record as RetentionRecord;
}
