// Walks every sealed archive oldest to newest and proves the chain: each manifest signed by a trusted
// archiver, sequence numbers 1..N without gaps, each manifest linking to the digest of the one before,
// every manifest stored where its archive id says, no archive (or snapshot) sealed twice, and every change of
// signer backed by the key rotation record the new signer's first manifest names; then, when a chain witness
// is configured, that the chain reaches the head the witness saw. Chain entries and witness records are read
// with their version history: one deleted or written over is named, never silently skipped.
import { readAllChainEntries } from '../archive/archive-chain';
import { archiveBucketOf, witnessBucketOf } from '../buckets/buckets';
import { archiveLayout } from '../archive/archive-layout';
import {
  authenticateManifestIn,
  ManifestNotAuthentic,
  type ManifestStore,
} from '../archive/authenticated-manifest';
import { proveRotation, RotationRecordMissing, type RotationRef } from '../archive/rotation-records';
import type { WitnessConfig } from '../evidence/chain-witness';
import { chainTimeProblems, type StampedLink } from '../evidence/check-chain-time';
import { checkTimeEvidence, type TimeEvidencePolicy } from '../evidence/check-time-evidence';
import { compareWithWitness } from '../evidence/check-witness';
import { HandedOverKeys } from '../evidence/handed-over-keys';
import { KeyRotationError } from '../keys/key-rotation';
import type { ArchiveManifest } from '../pipeline/manifest';
import { fingerprint } from '../pipeline/openpgp-keys';
import { listObjects } from '../s3/s3-objects';
import { checkSupersedes, type Supersession } from './check-supersedes';

export interface ChainProblem {
  archiveId?: string;
  sequence?: number;
  problem: string;
}

export interface ChainReport {
  ok: boolean;
  archives: number;
  /** The first problem, oldest first: everything after it cannot be trusted to link to the start. */
  firstBroken?: ChainProblem;
  problems: ChainProblem[];
  /** The newest sequence the chain witness saw, when one is configured (SNAPSEAL_WITNESS_BUCKET). */
  witnessedSequence?: number;
  /** Corrected archives and the ones they supersede, as the signed manifests prove them (check-supersedes.ts). */
  supersessions: Supersession[];
}

interface SignedManifest {
  folder: string;
  manifest: ArchiveManifest;
  /** The manifest's exact text, as signed. */
  text: string;
  sha256: string;
  /** Fingerprint of the trusted key whose signature verified. */
  signer: string;
}

export type ChainDeps = ManifestStore & {
  witness?: WitnessConfig;
  /** Absent: the chain's time evidence is not looked at. */
  timeEvidence?: TimeEvidencePolicy & { timeZone: string };
};

/** The archive's verified genTime for chain ordering; a token that does not verify is named here. */
async function timeOf(
  deps: ChainDeps,
  signed: SignedManifest,
  problems: ChainProblem[],
): Promise<Pick<StampedLink, 'genTime' | 'late'>> {
  if (!deps.timeEvidence) return {};
  const { manifest } = signed;
  const time = await checkTimeEvidence(deps.s3, deps.bucket, deps.archivePrefix, signed, deps.timeEvidence);
  const where = { archiveId: manifest.archiveId, sequence: manifest.sequence };
  problems.push(...time.problems.map((problem) => ({ ...where, problem })));
  return time.problems.length === 0 && time.genTime
    ? { genTime: time.genTime, late: manifest.lateStamp !== undefined }
    : {};
}

/** Every manifest.json under the archive prefix whose signature verifies; the others are reported. */
async function readSignedManifests(deps: ChainDeps, problems: ChainProblem[]): Promise<SignedManifest[]> {
  const found: SignedManifest[] = [];
  for await (const o of listObjects(deps.s3, deps.bucket, deps.archivePrefix)) {
    if (!o.key.endsWith('/manifest.json')) continue;
    const folder = o.key.slice(deps.archivePrefix.length, -'/manifest.json'.length);
    try {
      // The one signature path (size-capped reads); whether the folder is the manifest's own id is checked below.
      const { manifest, text, ref, signer } = await authenticateManifestIn(deps, folder);
      found.push({ folder, manifest, text, sha256: ref.sha256, signer });
    } catch (err) {
      if (!(err instanceof ManifestNotAuthentic)) throw err;
      problems.push({ archiveId: folder, problem: `manifest is not authentic: ${err.message}` });
    }
  }
  return found;
}

/**
 * When `current` is signed by another key than `previous`, the problem unless the old key handed the chain over:
 * a rotation record from the old to the new key, signed by both, whose key and sha256 `current` names.
 */
async function signerChangeProblem(
  deps: ChainDeps,
  previous: SignedManifest,
  current: SignedManifest,
): Promise<{ problem?: string; handover?: RotationRef }> {
  const from = previous.signer;
  const to = current.signer;
  if (from === to) return {};
  const { manifest } = current;
  const takeover = `archive ${manifest.archiveId} (#${manifest.sequence}) is signed by ${to}, but ${from} signed #${previous.manifest.sequence}`;
  const keyOf = (fpr: string) => deps.trustedKeys.find((k) => fingerprint(k) === fpr)!; // both verified a manifest
  let proven: RotationRef;
  try {
    proven = await proveRotation(deps, keyOf(from), keyOf(to));
  } catch (err) {
    if (err instanceof RotationRecordMissing)
      return { problem: `${takeover} and ${err.message}: an unendorsed key took over the chain` };
    if (err instanceof KeyRotationError)
      return {
        problem: `${takeover}, and the rotation record proves no handover (${err.message}): an unendorsed key took over the chain`,
      };
    throw err;
  }
  const named = manifest.rotation;
  if (!named) {
    return {
      problem: `${takeover} and names no rotation record (one from ${from} to ${to} is at ${proven.key}): the handover is not part of the chain`,
    };
  }
  if (named.key !== proven.key || named.sha256 !== proven.sha256) {
    return {
      problem: `${takeover} and names the rotation record ${named.key} with sha256 ${named.sha256}, but ${proven.key} has sha256 ${proven.sha256}: replaced after sealing`,
    };
  }
  return { handover: proven };
}

export async function verifyChain(deps: ChainDeps): Promise<ChainReport> {
  const problems: ChainProblem[] = [];
  const manifests = (await readSignedManifests(deps, problems)).sort(
    (a, b) => a.manifest.sequence - b.manifest.sequence,
  );

  const seenIds = new Set<string>();
  const seenSnapshots = new Map<string, string>();
  let previous: SignedManifest | undefined;
  const handedOver = new HandedOverKeys();
  const stamped: StampedLink[] = [];
  for (const current of manifests) {
    const { manifest } = current;
    const where = { archiveId: manifest.archiveId, sequence: manifest.sequence };
    if (current.folder !== manifest.archiveId) {
      problems.push({
        ...where,
        problem: `manifest of ${manifest.archiveId} is stored under ${current.folder}: replayed or moved`,
      });
    }
    if (seenIds.has(manifest.archiveId))
      problems.push({ ...where, problem: `archive ${manifest.archiveId} is sealed twice` });
    seenIds.add(manifest.archiveId);
    const earlier = seenSnapshots.get(manifest.snapshot.uuid);
    if (earlier)
      problems.push({
        ...where,
        problem: `snapshot ${manifest.snapshot.uuid} was already archived as ${earlier}: replayed`,
      });
    seenSnapshots.set(manifest.snapshot.uuid, manifest.archiveId);

    const expectedSequence = (previous?.manifest.sequence ?? 0) + 1;
    if (manifest.sequence !== expectedSequence) {
      problems.push({
        ...where,
        problem:
          manifest.sequence > expectedSequence
            ? `archives ${expectedSequence}..${manifest.sequence - 1} of the chain are missing`
            : `sequence ${manifest.sequence} appears twice`,
      });
    } else if (
      previous &&
      (manifest.previous?.manifestSha256 !== previous.sha256 ||
        manifest.previous.archiveId !== previous.manifest.archiveId)
    ) {
      problems.push({
        ...where,
        problem: `links to ${manifest.previous?.archiveId ?? 'nothing'}, not to the manifest of ${previous.manifest.archiveId} before it`,
      });
    } else if (!previous && manifest.previous !== null) {
      problems.push({
        ...where,
        problem: `the oldest archive links to ${manifest.previous.archiveId}, which is missing`,
      });
    } else if (previous) {
      const change = await signerChangeProblem(deps, previous, current);
      const problem = change.handover
        ? handedOver.handover(previous.signer, current.signer, change.handover, where)
        : change.problem && (handedOver.retiredProblem(current.signer, where) ?? change.problem);
      if (problem) problems.push({ ...where, problem });
    }
    stamped.push({ ...where, date: manifest.date, ...(await timeOf(deps, current, problems)) });
    previous = current;
  }
  if (deps.timeEvidence) problems.push(...chainTimeProblems(stamped, deps.timeEvidence.timeZone));

  // The chain index knows of every sealed archive: a missing newest archive shows here, and so does an entry
  // deleted (its delete marker) or written over (a later version), read from the entries' version history.
  const known = new Map(manifests.map((m) => [m.manifest.archiveId, m]));
  const archive = archiveBucketOf(deps);
  const { entries, tampered } = await readAllChainEntries(archive);
  for (const { sequence, error } of tampered) {
    problems.push({ sequence, problem: `chain entry ${error.message}: the chain was tampered with` });
  }
  for (const entry of entries) {
    const signed = known.get(entry.archiveId);
    if (
      signed &&
      (signed.sha256 !== entry.manifestSha256 ||
        signed.manifest.sequence !== entry.sequence ||
        signed.manifest.previous?.manifestSha256 !== entry.previous?.manifestSha256)
    ) {
      // Entries are unsigned JSON: each must agree with the signed manifest it names.
      problems.push({
        archiveId: entry.archiveId,
        sequence: entry.sequence,
        problem: `chain entry #${entry.sequence} does not match the signed manifest of ${entry.archiveId}: planted or altered`,
      });
    } else if (!signed && !problems.some((p) => p.archiveId === entry.archiveId)) {
      problems.push({
        archiveId: entry.archiveId,
        sequence: entry.sequence,
        problem: `sealed as #${entry.sequence} but ${archiveLayout(deps.archivePrefix, entry.archiveId).manifestKey} is gone`,
      });
    }
  }

  // Corrections name the archive they supersede by digest: a claim the chain does not bear out is reported.
  const { supersessions, problems: supersedeProblems } = checkSupersedes(manifests);
  problems.push(...supersedeProblems);

  // The bucket's own evidence cannot show its newest archives cut away together with their chain entries.
  const witness = deps.witness
    ? await compareWithWitness(
        { archive, witness: witnessBucketOf(deps.s3, deps.witness)! },
        manifests.map((m) => ({
          sequence: m.manifest.sequence,
          archiveId: m.manifest.archiveId,
          sha256: m.sha256,
        })),
      )
    : undefined;
  problems.push(...(witness?.problems ?? []));

  problems.sort((a, b) => (a.sequence ?? Number.MAX_SAFE_INTEGER) - (b.sequence ?? Number.MAX_SAFE_INTEGER));
  return {
    ok: problems.length === 0,
    archives: manifests.length,
    firstBroken: problems[0],
    problems,
    supersessions,
    ...(witness ? { witnessedSequence: witness.witnessedSequence } : {}),
  };
}
