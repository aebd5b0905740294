// The chain witness: after each seal, one record per sequence (archive id, manifest sha256, token and
// retention record digests) in a bucket of its own, written once (If-None-Match: *) under Object Lock
// COMPLIANCE, which nobody can shorten or delete. A tail cut from the archive bucket still shows here.
// Records are read version-aware (WitnessBucket.readEvidence / readRecordOf): the oldest version of a key is the
// record, and a delete marker or a later version over it (a plain DELETE or PUT by a bucket writer, which
// COMPLIANCE retention does not prevent) is tampering, reported by the record's key.
import type { Config } from '../config';
import { witnessRecordKey } from '../archive/archive-layout';
import type { WitnessBucket } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import { isPreconditionFailed } from '../s3/s3-errors';

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

function parseWitnessRecord(
  witness: WitnessBucket,
  key: string,
  sequence: number,
  bytes: Buffer,
): WitnessRecord {
  let record: Partial<WitnessRecord>;
  try {
    record = JSON.parse(bytes.toString('utf8')) as Partial<WitnessRecord>;
  } catch (err) {
    throw new TamperedObjectError(witness.name, key, `not a witness record: ${(err as Error).message}`);
  }
  if (
    record?.format !== 'snapseal-witness/1' ||
    typeof record.sequence !== 'number' ||
    typeof record.archiveId !== 'string' ||
    typeof record.manifestSha256 !== 'string'
  ) {
    throw new TamperedObjectError(witness.name, key, 'not a snapseal-witness/1 record');
  }
  if (record.sequence !== sequence) {
    throw new TamperedObjectError(witness.name, key, `holds sequence ${record.sequence}, not ${sequence}`);
  }
  return record as WitnessRecord;
}

/**
 * The record of `sequence` (the key's oldest version), undefined when the witness never saw it. A record
 * deleted or written over throws TamperedObjectError naming its key.
 */
export async function readWitnessRecord(
  witness: WitnessBucket,
  sequence: number,
): Promise<WitnessRecord | undefined> {
  const key = witnessRecordKey(witness.prefix, sequence);
  const stored = await witness.readEvidence(key);
  return stored ? parseWitnessRecord(witness, key, sequence, stored.bytes) : undefined;
}

/**
 * Writes the record once. A retried seal finds its own record and accepts it; a record of another archive
 * under the same sequence is a WitnessConflict.
 */
export async function writeWitnessRecord(
  witness: WitnessBucket,
  retentionSeconds: number,
  record: WitnessRecord,
  now: Date = new Date(),
): Promise<'written' | 'already-witnessed'> {
  const key = witnessRecordKey(witness.prefix, record.sequence);
  try {
    await witness.put(key, `${JSON.stringify(record, null, 2)}\n`, {
      IfNoneMatch: '*',
      ContentType: 'application/json',
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: new Date(now.getTime() + retentionSeconds * 1000),
    });
    return 'written';
  } catch (err) {
    if (!isPreconditionFailed(err)) throw err;
  }
  const existing = await readWitnessRecord(witness, record.sequence);
  if (existing && sameWitnessedArchive(existing, record)) return 'already-witnessed';
  throw new WitnessConflict(
    `the witness ${witness.url(key)} already holds sequence ${record.sequence} for archive ${existing?.archiveId ?? '(unreadable)'} (manifest sha256 ${existing?.manifestSha256 ?? '?'})`,
    existing!,
  );
}

export interface WitnessRecords {
  /** Every record the witness ever held, oldest sequence first, each as first written. */
  records: WitnessRecord[];
  /** Records deleted (a delete marker) or written over (a later version), each naming its key. */
  tampered: { sequence: number; error: TamperedObjectError }[];
}

/** Every witness record, version-aware: keys are zero-padded sequence numbers under the witness prefix. */
export async function readWitnessRecords(witness: WitnessBucket): Promise<WitnessRecords> {
  const out: WitnessRecords = { records: [], tampered: [] };
  for (const history of await witness.histories(witness.prefix)) {
    const name = history.key.slice(witness.prefix.length);
    if (!/^\d{8}\.json$/.test(name)) continue;
    const sequence = Number(name.slice(0, 8));
    const { record, writtenOver } = await witness.readRecordOf(history);
    if (writtenOver) out.tampered.push({ sequence, error: writtenOver });
    if (!record) continue;
    try {
      out.records.push(parseWitnessRecord(witness, history.key, sequence, record.bytes));
    } catch (err) {
      if (!(err instanceof TamperedObjectError)) throw err;
      out.tampered.push({ sequence, error: err });
    }
  }
  out.records.sort((a, b) => a.sequence - b.sequence);
  return out;
}
