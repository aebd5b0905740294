// Holds a sealed archive's objects to the retention promised for them: the retention record written at
// sealing (trusted when its digest is the one the witness holds) and the configured promise. An object whose
// retention is now shorter, weaker (COMPLIANCE become GOVERNANCE) or gone is reported by its key. The record is
// read version-aware: its first version is the record; deleted, written over or malformed, it is named.
import type { S3Client } from '@aws-sdk/client-s3';
import { archiveLayout, retentionRecordKey } from '../archive/archive-layout';
import { archiveBucketOf, witnessBucketOf } from '../buckets/buckets';
import { TamperedObjectError } from '../buckets/trust';
import type { ArchiveManifest } from '../pipeline/manifest';
import { readWitnessRecord, type WitnessConfig } from './chain-witness';
import { readObjectRetention } from './object-retention';
import { promisedRetention, type ObjectLockMode } from './retention-promise';
import { parseRetentionRecord, type RetentionRecord } from './retention-record';

export interface RetentionCheckDeps {
  s3: S3Client;
  bucket: string;
  archivePrefix: string;
  objectLock: { objectLockDays: number; objectLockMode: ObjectLockMode };
  witness?: WitnessConfig;
}

export interface RetentionProblem {
  /** The object's key. */
  file: string;
  problem: string;
}

interface PromisedLock {
  mode: ObjectLockMode;
  retainUntil: string;
}

const STRENGTH: Record<ObjectLockMode, number> = { GOVERNANCE: 1, COMPLIANCE: 2 };

/** The stronger of two promises (a later date, the stricter mode). */
function stronger(a: PromisedLock | undefined, b: PromisedLock | undefined): PromisedLock | undefined {
  if (!a || !b) return a ?? b;
  return {
    mode: STRENGTH[a.mode] >= STRENGTH[b.mode] ? a.mode : b.mode,
    retainUntil: Date.parse(a.retainUntil) >= Date.parse(b.retainUntil) ? a.retainUntil : b.retainUntil,
  };
}

export async function checkRetention(
  deps: RetentionCheckDeps,
  manifest: ArchiveManifest,
): Promise<RetentionProblem[]> {
  const problems: RetentionProblem[] = [];
  const layout = archiveLayout(deps.archivePrefix, manifest.archiveId);
  const recordKey = retentionRecordKey(layout);
  const stored = await readRetentionRecord(deps, recordKey, manifest, problems);
  let record = stored?.record;
  if (deps.witness && stored) {
    const witnessed = await readWitnessRecord(
      witnessBucketOf(deps.s3, deps.witness)!,
      manifest.sequence,
    ).catch((err: unknown) => {
      if (!(err instanceof TamperedObjectError)) throw err;
      problems.push({ file: err.key, problem: `${err.problem}: the witness was tampered with` });
      return undefined;
    });
    if (witnessed && witnessed.archiveId === manifest.archiveId) {
      if (stored.sha256 !== witnessed.retentionRecordSha256) {
        problems.push({
          file: recordKey,
          problem: 'the retention record is not the one the witness holds: rewritten after sealing',
        });
        record = undefined; // only the configured promise is left to hold the objects to
      }
    }
  }

  const configured = promisedRetention(deps.objectLock, manifest.createdAt);
  const fromConfig = configured
    ? { mode: configured.Mode, retainUntil: configured.RetainUntilDate.toISOString() }
    : undefined;
  const recorded = new Map(
    (record?.objects ?? [])
      .filter((o) => o.mode !== null && o.retainUntil !== null)
      .map((o) => [o.key, { mode: o.mode!, retainUntil: o.retainUntil! }]),
  );
  const keys = [
    ...manifest.volumes.map((v) => v.key),
    layout.manifestKey,
    layout.signatureKey,
    ...(recorded.has(layout.timestampKey) ? [layout.timestampKey] : []),
  ];
  for (const key of keys) {
    const promised = stronger(recorded.get(key), fromConfig);
    if (!promised) continue;
    const now = await readObjectRetention(deps.s3, deps.bucket, key);
    if (now.retainUntil === null || now.mode === null) {
      problems.push({
        file: key,
        problem: `carries no retention, but ${promised.mode} retention until ${promised.retainUntil} was promised`,
      });
    } else if (Date.parse(now.retainUntil) < Date.parse(promised.retainUntil)) {
      problems.push({
        file: key,
        problem: `retention until ${now.retainUntil} (${now.mode}) is shorter than the promised ${promised.retainUntil} (${promised.mode})`,
      });
    } else if (STRENGTH[now.mode] < STRENGTH[promised.mode]) {
      problems.push({
        file: key,
        problem: `retention mode ${now.mode} is weaker than the promised ${promised.mode}`,
      });
    }
  }
  return problems;
}

/**
 * The record as first written (its oldest version) with its sha256; undefined when there never was one or it
 * cannot be read as a record. Deleted, written over or malformed: named in `problems`.
 */
async function readRetentionRecord(
  deps: RetentionCheckDeps,
  key: string,
  manifest: ArchiveManifest,
  problems: RetentionProblem[],
): Promise<{ record?: RetentionRecord; sha256: string } | undefined> {
  const archive = archiveBucketOf(deps);
  const history = (await archive.histories(key)).find((h) => h.key === key);
  if (!history) return undefined;
  const { record: stored, writtenOver } = await archive.readRecordOf(history);
  if (writtenOver) {
    problems.push({ file: key, problem: `${writtenOver.problem}: the retention record was tampered with` });
  }
  if (!stored) return undefined;
  try {
    return { record: parseRetentionRecord(stored.bytes, manifest.archiveId), sha256: stored.sha256 };
  } catch (err) {
    problems.push({ file: key, problem: `the retention record cannot be read: ${(err as Error).message}` });
    return { sha256: stored.sha256 };
  }
}
