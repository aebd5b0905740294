// Seals an archive: builds the manifest from the volume records in staging, links it to the chain head, signs
// it and stores signature then manifest. The manifest is written last: until it exists the archive is not
// complete. The input stays small whatever the archive's size: the volumes' results are read from S3, each
// bound to Temporal history through its batch's digest (./read-volume-records.ts), and the manifest and the
// retention name the exact volume versions verified. A worker
// whose key did not sign the previous manifest seals only after a key rotation record hands the chain over to it.
import { PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { claimChainEntry, type ChainEntry, type ChainLink } from '../archive/archive-chain';
import { archiveLayout, chainEntryKey } from '../archive/archive-layout';
import {
  authenticateManifest,
  manifestStore,
  ManifestNotAuthentic,
  type AuthenticatedManifest,
} from '../archive/authenticated-manifest';
import { assertLinkTargetAuthentic } from '../archive/chain-link';
import {
  proveRotation,
  rotateKeyCommand,
  RotationRecordMissing,
  type RotationRef,
} from '../archive/rotation-records';
import type { ArchiveTarget, SealResult } from '../archive/archive-types';
import type { VolumeDigests } from '../archive/volume-digests';
import type { ClusterInfo, IndexInfo } from '../opensearch/snapshot-api';
import { KeyRotationError } from '../keys/key-rotation';
import { serializeManifest, type ArchiveManifest } from '../pipeline/manifest';
import { fingerprint } from '../pipeline/openpgp-keys';
import { writeObject } from '../s3/s3-objects';
import { TOOL_NAME, TOOL_VERSION } from '../tool-version';
import {
  assertSequenceUnwitnessed,
  readChainHeadToSeal,
  recordSealEvidence,
} from '../evidence/record-seal-evidence';
import { promisedRetention } from '../evidence/retention-promise';
import {
  LATE_STAMP_FROM_ATTEMPT,
  obtainTokens,
  storeTokens,
  TimestampAuthoritiesUnreachable,
  type ObtainedTokens,
  type StampTarget,
} from '../evidence/stamp-manifest';
import type { ActivityDeps } from './activity-deps';
import { FailureType, permanentFailure } from './failure-types';
import { readVolumeRecords } from './read-volume-records';

export interface SealInput {
  target: ArchiveTarget;
  createdAt: string;
  snapshotUuid: string;
  cluster: ClusterInfo;
  indices: IndexInfo[];
  planDigest: string;
  volumeCount: number;
  /** The batches' digests over their volume records, from history: what the records read back must match. */
  volumeDigests?: VolumeDigests;
}

const MAX_CLAIM_ATTEMPTS = 10;

/** The manifest about to be signed links only to a proven predecessor; a planted head signs nothing. */
async function proveLinkTarget(
  { config, s3, keys }: ActivityDeps,
  head: ChainEntry | undefined,
  archiveId: string,
): Promise<AuthenticatedManifest | undefined> {
  try {
    return await assertLinkTargetAuthentic(manifestStore(config, s3, keys.verify), head, archiveId);
  } catch (err) {
    if (!(err instanceof ManifestNotAuthentic)) throw err; // pending or unreachable: retried
    throw permanentFailure(
      FailureType.ArchiveTampered,
      `Refusing to seal ${archiveId}: the chain head cannot be trusted (${err.message}). Nothing was signed; run "snapseal verify --chain".`,
      err,
    );
  }
}

/**
 * What a correction's manifest names of the archive it supersedes: taken from that archive's authenticated
 * manifest (a planted or rewritten one is refused), never from the request alone.
 */
async function provenSupersedes(
  { config, s3, keys }: ActivityDeps,
  target: ArchiveTarget,
): Promise<ArchiveManifest['supersedes']> {
  if (!target.supersede) return undefined;
  const { archiveId, reason } = target.supersede;
  try {
    const { manifest, ref } = await authenticateManifest(manifestStore(config, s3, keys.verify), archiveId);
    if (manifest.date !== target.date)
      throw new ManifestNotAuthentic(`it archives ${manifest.date}, not ${target.date}`);
    return { archiveId, sequence: manifest.sequence, manifestSha256: ref.sha256, reason };
  } catch (err) {
    if (!(err instanceof ManifestNotAuthentic)) throw err;
    throw permanentFailure(
      err.missing ? FailureType.InvalidInput : FailureType.ArchiveTampered,
      `Refusing to seal ${target.archiveId} as superseding ${archiveId}: ${err.missing ? 'that archive is not sealed' : `its manifest cannot be trusted (${err.message})`}. Nothing was signed.`,
      err,
    );
  }
}

/**
 * The rotation record the manifest names when this worker's key did not sign its predecessor (undefined when
 * the signer stays): only a key the previous signer handed the chain over to may go on signing it.
 */
async function requiredRotation(
  { config, s3, keys }: ActivityDeps,
  predecessor: AuthenticatedManifest | undefined,
  archiveId: string,
): Promise<RotationRef | undefined> {
  if (!predecessor || predecessor.signer === keys.signingFingerprint) return undefined;
  const oldKey = keys.verify.find((k) => fingerprint(k) === predecessor.signer);
  if (!oldKey) throw new Error(`The key ${predecessor.signer} verified a manifest but is not a trusted key`);
  const from = predecessor.signer;
  const to = keys.signingFingerprint!;
  const newest = `#${predecessor.manifest.sequence} (${predecessor.manifest.archiveId})`;
  try {
    return await proveRotation(manifestStore(config, s3, keys.verify), oldKey, keys.signing!.publicKey);
  } catch (err) {
    if (err instanceof RotationRecordMissing) {
      throw permanentFailure(
        FailureType.KeyUnusable,
        `Refusing to seal ${archiveId}: this worker signs with key ${to}, but ${from} signed the chain's newest archive ${newest}, and ${err.message}. Hand the chain over first: ${rotateKeyCommand(from, to)} (or give the sealing worker the key ${from} again). Nothing was signed.`,
        err,
      );
    }
    if (err instanceof KeyRotationError) {
      throw permanentFailure(
        FailureType.ArchiveTampered,
        `Refusing to seal ${archiveId} with key ${to}: the rotation record from ${from} (signer of ${newest}) proves no handover: ${err.message}. Nothing was signed; run "snapseal verify --chain".`,
        err,
      );
    }
    throw err;
  }
}

export function createSealArchive(deps: ActivityDeps) {
  const { config, s3, keys } = deps;
  return async function sealArchive(input: SealInput): Promise<SealResult> {
    const { target } = input;
    const signing = keys.signing;
    if (!signing) {
      // Only a seal-role worker polls the seal queue; reaching here means a misrouted task, never a silent skip.
      throw permanentFailure(
        FailureType.KeyUnusable,
        'This worker holds no signing key (it does not run the seal role): sealing runs on the seal task queue',
      );
    }
    const layout = archiveLayout(config.archive.prefix, target.archiveId);
    const records = await readVolumeRecords(deps, target, input.volumeCount, input.volumeDigests);
    const supersedes = await provenSupersedes(deps, target);

    const build = (
      sequence: number,
      previous: ChainLink | null,
      rotation: RotationRef | undefined,
      late = false,
    ): { manifest: ArchiveManifest; bytes: Buffer; sha256: string } => {
      const manifest: ArchiveManifest = {
        format: 'snapseal-manifest/1',
        archiveId: target.archiveId,
        sequence,
        date: target.date,
        createdAt: input.createdAt,
        tool: { name: TOOL_NAME, version: TOOL_VERSION },
        cluster: input.cluster,
        snapshot: {
          name: target.snapshot,
          uuid: input.snapshotUuid,
          repositoryBasePath: target.folders.repositoryBasePath,
        },
        indices: input.indices,
        recipients: keys.recipientFingerprints,
        signer: keys.signingFingerprint!,
        previous,
        ...(rotation ? { rotation } : {}),
        ...(supersedes ? { supersedes } : {}),
        ...(late ? { lateStamp: { reason: 'authorities-unreachable' as const } } : {}),
        // readVolumeRecords hands on exactly the manifest's volume entries (nothing else of a record).
        volumes: records,
      };
      const bytes = Buffer.from(serializeManifest(manifest), 'utf8');
      return { manifest, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    };

    const stampTarget = (candidate: ReturnType<typeof build>): StampTarget => ({
      archive: deps.buckets.archive,
      archiveId: target.archiveId,
      timestampKeyOf: layout.timestampKeyOf,
      manifest: candidate.bytes,
      manifestSha256: candidate.sha256,
      lock: {},
    });

    // Claim the next link of the chain; on a lost race, relink to the new head and try again. The tokens are
    // obtained before the claim: whether the manifest declares a late stamp is part of what is claimed.
    let sealed: ReturnType<typeof build> | undefined;
    let tokens: ObtainedTokens = { kept: [], fresh: [] };
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !sealed; attempt++) {
      const head = await readChainHeadToSeal(deps, target.archiveId);
      const predecessor = await proveLinkTarget(deps, head, target.archiveId);
      const rotation = await requiredRotation(deps, predecessor, target.archiveId);
      if (head?.archiveId === target.archiveId) {
        // An earlier attempt of this seal claimed the link already; the manifest is rebuilt identically.
        const again = [false, true]
          .map((late) => build(head.sequence, head.previous, rotation, late))
          .find((candidate) => candidate.sha256 === head.manifestSha256);
        if (!again) {
          throw permanentFailure(
            FailureType.StagingChanged,
            `Chain entry ${head.sequence} names this archive with a different manifest digest`,
          );
        }
        sealed = again;
        if (!again.manifest.lateStamp) tokens = await obtainTokens(config.evidence, stampTarget(again));
        break;
      }
      const previous = head ? { archiveId: head.archiveId, manifestSha256: head.manifestSha256 } : null;
      let candidate = build((head?.sequence ?? 0) + 1, previous, rotation);
      try {
        tokens = await obtainTokens(config.evidence, stampTarget(candidate));
      } catch (err) {
        if (!(err instanceof TimestampAuthoritiesUnreachable)) throw err;
        if (Context.current().info.attempt < LATE_STAMP_FROM_ATTEMPT) throw err;
        // The outage outlasted the retries: seal now, declaring it in the signed manifest; tokens come later.
        Context.current().log.warn('Time-stamp authorities unreachable: sealing with a late stamp', {
          archiveId: target.archiveId,
          reason: err.message,
        });
        candidate = build(candidate.manifest.sequence, previous, rotation, true);
        tokens = { kept: [], fresh: [] };
      }
      const entry: ChainEntry = {
        sequence: candidate.manifest.sequence,
        archiveId: target.archiveId,
        manifestKey: layout.manifestKey,
        manifestSha256: candidate.sha256,
        previous,
      };
      if (await claimChainEntry(deps.buckets.archive, entry)) sealed = candidate;
    }
    if (!sealed)
      throw new Error(
        `Could not claim a chain position after ${MAX_CLAIM_ATTEMPTS} attempts (many concurrent seals?)`,
      );

    await assertSequenceUnwitnessed(deps, { ...sealed.manifest, manifestSha256: sealed.sha256 });
    const signature = await signing.sign(sealed.bytes);
    const retention = promisedRetention(config.archive, input.createdAt);
    for (const r of records) {
      if (retention) {
        // The exact version verified and signed: a version written over it later is not the one retained.
        await s3.send(
          new PutObjectRetentionCommand({
            Bucket: config.archive.bucket,
            Key: r.key,
            ...(r.versionId ? { VersionId: r.versionId } : {}),
            Retention: retention,
          }),
        );
      }
    }
    const lock = retention
      ? { ObjectLockMode: retention.Mode, ObjectLockRetainUntilDate: retention.RetainUntilDate }
      : {};
    // Before the manifest: once an archive is complete, its time evidence is there too.
    const stored = await storeTokens(config.evidence, { ...stampTarget(sealed), lock }, tokens);
    await writeObject(s3, config.archive.bucket, layout.signatureKey, signature, {
      ContentType: 'application/pgp-signature',
      ...lock,
    });
    await writeObject(s3, config.archive.bucket, layout.manifestKey, sealed.bytes, {
      ContentType: 'application/json',
      ...lock,
    });
    if (retention) {
      // The chain entry is kept as long as the manifest it indexes: a cut tail must not be a plain delete.
      await s3.send(
        new PutObjectRetentionCommand({
          Bucket: config.archive.bucket,
          Key: chainEntryKey(config.archive.prefix, sealed.manifest.sequence),
          Retention: retention,
        }),
      );
    }
    await recordSealEvidence(deps, sealed.manifest, sealed.sha256, stored);

    return {
      archiveId: target.archiveId,
      manifestKey: layout.manifestKey,
      manifestSha256: sealed.sha256,
      sequence: sealed.manifest.sequence,
      previousArchiveId: sealed.manifest.previous?.archiveId,
      ...(supersedes
        ? {
            supersedes: {
              archiveId: supersedes.archiveId,
              sequence: supersedes.sequence,
              reason: supersedes.reason,
            },
          }
        : {}),
      volumes: records.length,
      plaintextBytes: records.reduce((s, r) => s + r.plaintextBytes, 0),
      ciphertextBytes: records.reduce((s, r) => s + r.ciphertextBytes, 0),
    };
  };
}
