// Holds a sealed archive's objects to the retention promised for them: the retention record written at
// sealing (trusted when its digest is the one the witness holds) and the configured promise. An object whose
// retention is now shorter, weaker (COMPLIANCE become GOVERNANCE) or gone is reported by its key.
import type { S3Client } from '@aws-sdk/client-s3';
import { archiveLayout, retentionRecordKey } from '../archive/archive-layout';
import type { ArchiveManifest } from '../pipeline/manifest';
import { readText } from '../s3/s3-objects';
import { readWitnessRecord, type WitnessConfig } from './chain-witness';
import { readObjectRetention } from './object-retention';
import { promisedRetention, type ObjectLockMode } from './retention-promise';
import {
  parseRetentionRecord,
  RetentionRecordError,
  sha256Hex,
  type RetentionRecord,
} from './retention-record';

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
  const recordText = await readText(deps.s3, deps.bucket, recordKey);
  let record: RetentionRecord | undefined;
  try {
    record = recordText === undefined ? undefined : parseRetentionRecord(recordText);
  } catch (err) {
    if (!(err instanceof RetentionRecordError)) throw err;
    // Reported, and only the configured promise is left to hold the objects to.
    problems.push({
      file: recordKey,
      problem: `the retention record is ${err.message}: damaged or rewritten after sealing`,
    });
  }
  if (deps.witness && recordText !== undefined) {
    const witnessed = await readWitnessRecord(deps.s3, deps.witness, manifest.sequence);
    if (witnessed && witnessed.archiveId === manifest.archiveId) {
      if (sha256Hex(recordText) !== witnessed.retentionRecordSha256) {
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
