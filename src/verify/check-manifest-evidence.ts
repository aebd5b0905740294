// The evidence an authenticated manifest has outside its volumes: the retention of every sealed object, held
// to the promise, and the RFC 3161 time-stamp token. One path for `verify` and the verify workflow.
import type { AuthenticatedManifest, ManifestStore } from '../archive/authenticated-manifest';
import type { WitnessConfig } from '../evidence/chain-witness';
import { checkRetention, type RetentionCheckDeps } from '../evidence/check-retention';
import { checkTimeEvidence, type TimeEvidencePolicy } from '../evidence/check-time-evidence';
import type { VerifyProblem } from './verify-archive';

export interface ManifestEvidenceDeps extends ManifestStore {
  /** When given, every sealed object's retention is held to the promise (src/evidence/check-retention.ts). */
  objectLock?: RetentionCheckDeps['objectLock'];
  witness?: WitnessConfig;
  /** Absent: no time evidence is looked at. */
  timeEvidence?: TimeEvidencePolicy;
}

export interface ManifestEvidence {
  /** genTime of the archive's time-stamp token, when there is one. */
  timestampGenTime?: string;
  /** Why the archive has no checked time evidence, when that is not a problem. */
  timeEvidence?: string;
  /** A warning: the archive was sealed while the time-stamp authorities were unreachable. */
  lateStamp?: string;
  problems: VerifyProblem[];
}

export async function checkManifestEvidence(
  deps: ManifestEvidenceDeps,
  authentic: Pick<AuthenticatedManifest, 'manifest' | 'text'>,
): Promise<ManifestEvidence> {
  const { archiveId } = authentic.manifest;
  const evidence: ManifestEvidence = { problems: [] };
  if (deps.objectLock) {
    const retention = await checkRetention(
      { ...deps, objectLock: deps.objectLock, witness: deps.witness },
      authentic.manifest,
    );
    evidence.problems.push(...retention.map((p) => ({ archiveId, ...p })));
  }
  if (deps.timeEvidence) {
    const time = await checkTimeEvidence(
      deps.s3,
      deps.bucket,
      deps.archivePrefix,
      authentic,
      deps.timeEvidence,
    );
    evidence.timestampGenTime = time.genTime;
    evidence.timeEvidence = time.note;
    evidence.lateStamp = time.lateStamp;
    evidence.problems.push(...time.problems.map((problem) => ({ archiveId, problem })));
  }
  return evidence;
}
