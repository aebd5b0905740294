// The retention record of a sealed archive (archives/<id>/retention.json): the Object Lock mode and date each
// of its objects carried right after sealing, read back from the store. Its sha256 is in the chain witness, so
// it cannot be rewritten unseen; verify holds the objects to it.
import { z } from 'zod';
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

/** A retention record that cannot be what sealing wrote: not JSON, or not of its form. */
export class RetentionRecordError extends Error {
  override name = 'RetentionRecordError';
}

const lockMode = z.enum(['GOVERNANCE', 'COMPLIANCE']);
const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
const retentionRecordSchema = z.object({
  format: z.literal('snapseal-retention/1'),
  archiveId: z.string(),
  promised: z.object({ mode: lockMode, retainUntil: isoDate }).nullable(),
  objects: z.array(z.object({ key: z.string(), mode: lockMode.nullable(), retainUntil: isoDate.nullable() })),
});

/**
 * The record in `bytes`, checked against its form (and, given `archiveId`, that it is that archive's); a
 * RetentionRecordError says what is wrong.
 */
export function parseRetentionRecord(bytes: Uint8Array | string, archiveId?: string): RetentionRecord {
  let json: unknown;
  try {
    json = JSON.parse(typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new RetentionRecordError(`not JSON (${(err as Error).message})`);
  }
  const parsed = retentionRecordSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RetentionRecordError(
      `not a snapseal-retention/1 record (${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'})`,
    );
  }
  if (archiveId !== undefined && parsed.data.archiveId !== archiveId)
    throw new RetentionRecordError(`it is the record of ${parsed.data.archiveId}`);
  return parsed.data;
}
