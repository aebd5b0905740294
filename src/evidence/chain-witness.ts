// The chain witness: after each seal, one record per sequence (archive id, manifest sha256, token and
// retention record digests) in a bucket of its own, written once (If-None-Match: *) under Object Lock
// COMPLIANCE, which nobody can shorten or delete. A tail cut from the archive bucket still shows here.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config';
import { witnessRecordKey } from '../archive/archive-layout';
import { isPreconditionFailed } from '../s3/s3-errors';
import { listObjects, readJson, writeObject } from '../s3/s3-objects';

export type WitnessConfig = NonNullable<Config['witness']>;

export interface WitnessRecord {
  format: 'snapseal-witness/1';
  sequence: number;
  archiveId: string;
  manifestKey: string;
  manifestSha256: string;
  /** sha256 of manifest.json.tsr when the seal obtained an RFC 3161 token. */
  tokenSha256?: string;
  /** sha256 of the archive's retention.json. */
  retentionRecordSha256: string;
}

/** The witness already holds another record for this sequence: the chain was cut and sealed over. */
export class WitnessConflict extends Error {
  override name = 'WitnessConflict';
  constructor(
    message: string,
    readonly existing: WitnessRecord,
  ) {
    super(message);
  }
}

export function sameWitnessedArchive(
  a: Pick<WitnessRecord, 'sequence' | 'archiveId' | 'manifestSha256'>,
  b: Pick<WitnessRecord, 'sequence' | 'archiveId' | 'manifestSha256'>,
): boolean {
  return a.sequence === b.sequence && a.archiveId === b.archiveId && a.manifestSha256 === b.manifestSha256;
}

export async function readWitnessRecord(
  s3: S3Client,
  witness: WitnessConfig,
  sequence: number,
): Promise<WitnessRecord | undefined> {
  return readJson<WitnessRecord>(s3, witness.bucket, witnessRecordKey(witness.prefix, sequence));
}

/**
 * Writes the record once. A retried seal finds its own record and accepts it; a record of another archive
 * under the same sequence is a WitnessConflict.
 */
export async function writeWitnessRecord(
  s3: S3Client,
  witness: WitnessConfig,
  record: WitnessRecord,
  now: Date = new Date(),
): Promise<'written' | 'already-witnessed'> {
  try {
    await writeObject(
      s3,
      witness.bucket,
      witnessRecordKey(witness.prefix, record.sequence),
      `${JSON.stringify(record, null, 2)}\n`,
      {
        IfNoneMatch: '*',
        ContentType: 'application/json',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: new Date(now.getTime() + witness.retentionSeconds * 1000),
      },
    );
    return 'written';
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
  }
  const existing = await readWitnessRecord(s3, witness, record.sequence);
  if (existing && sameWitnessedArchive(existing, record)) return 'already-witnessed';
  throw new WitnessConflict(
    `the witness s3://${witness.bucket}/${witnessRecordKey(witness.prefix, record.sequence)} already holds sequence ${record.sequence} for archive ${existing?.archiveId ?? '(unreadable)'} (manifest sha256 ${existing?.manifestSha256 ?? '?'})`,
    existing!,
  );
}

/** Every witness record, oldest first (keys are zero-padded sequence numbers). */
export async function readWitnessRecords(s3: S3Client, witness: WitnessConfig): Promise<WitnessRecord[]> {
  const records: WitnessRecord[] = [];
  for await (const o of listObjects(s3, witness.bucket, witness.prefix)) {
    if (!/\/?\d{8}\.json$/.test(o.key)) continue;
    const record = await readJson<WitnessRecord>(s3, witness.bucket, o.key);
    if (record) records.push(record);
  }
  return records.sort((a, b) => a.sequence - b.sequence);
}
