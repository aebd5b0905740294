// Seals an archive: builds the manifest from the volume records, links it to the chain head, signs it and
// stores signature then manifest. The manifest is written last: until it exists the archive is not complete.
import { PutObjectRetentionCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { claimChainEntry, readChainHead, type ChainEntry, type ChainLink } from '../archive/archive-chain';
import { archiveLayout } from '../archive/archive-layout';
import type { ArchiveTarget, SealResult, VolumeResult } from '../archive/archive-types';
import type { VolumeRecord } from '../archive/stream-volume';
import type { ClusterInfo, IndexInfo } from '../opensearch/snapshot-api';
import { serializeManifest, signManifest, type ArchiveManifest } from '../pipeline/manifest';
import { readJson, writeObject } from '../s3/s3-objects';
import { TOOL_NAME, TOOL_VERSION } from '../tool-version';
import { stampManifest } from '../evidence/stamp-manifest';
import type { ActivityDeps } from './activity-deps';
import { volumeRecordKey } from './archive-volume';
import { FailureType, permanentFailure } from './failure-types';

export interface SealInput {
  target: ArchiveTarget;
  createdAt: string;
  snapshotUuid: string;
  cluster: ClusterInfo;
  indices: IndexInfo[];
  volumes: VolumeResult[];
}

const MAX_CLAIM_ATTEMPTS = 10;

export function createSealArchive(deps: ActivityDeps) {
  const { config, s3, keys } = deps;
  return async function sealArchive(input: SealInput): Promise<SealResult> {
    const { target } = input;
    const layout = archiveLayout(config.archive.prefix, target.archiveId);
    const records: VolumeRecord[] = [];
    for (const v of input.volumes) {
      const record = await readJson<VolumeRecord>(
        s3,
        config.staging.bucket,
        volumeRecordKey(target, v.index),
      );
      if (!record || record.ciphertextSha256 !== v.ciphertextSha256) {
        throw permanentFailure(
          FailureType.StagingChanged,
          `The record of volume ${v.index} is missing or does not match its upload`,
        );
      }
      records.push(record);
    }

    const build = (
      sequence: number,
      previous: ChainLink | null,
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
        signer: keys.signingFingerprint,
        previous,
        volumes: records.map((r) => ({
          index: r.index,
          key: r.key,
          plaintextBytes: r.plaintextBytes,
          plaintextSha256: r.plaintextSha256,
          ciphertextBytes: r.ciphertextBytes,
          ciphertextSha256: r.ciphertextSha256,
          files: r.files,
        })),
      };
      const bytes = Buffer.from(serializeManifest(manifest), 'utf8');
      return { manifest, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    };

    // Claim the next link of the chain; on a lost race, relink to the new head and try again.
    let sealed: ReturnType<typeof build> | undefined;
    for (let attempt = 0; attempt < MAX_CLAIM_ATTEMPTS && !sealed; attempt++) {
      const head = await readChainHead(s3, config.archive.bucket, config.archive.prefix);
      if (head?.archiveId === target.archiveId) {
        // An earlier attempt of this seal claimed the link already; the manifest is rebuilt identically.
        const again = build(head.sequence, head.previous);
        if (again.sha256 !== head.manifestSha256) {
          throw permanentFailure(
            FailureType.StagingChanged,
            `Chain entry ${head.sequence} names this archive with a different manifest digest`,
          );
        }
        sealed = again;
        break;
      }
      const previous = head ? { archiveId: head.archiveId, manifestSha256: head.manifestSha256 } : null;
      const candidate = build((head?.sequence ?? 0) + 1, previous);
      const entry: ChainEntry = {
        sequence: candidate.manifest.sequence,
        archiveId: target.archiveId,
        manifestKey: layout.manifestKey,
        manifestSha256: candidate.sha256,
        previous,
      };
      if (await claimChainEntry(s3, config.archive.bucket, config.archive.prefix, entry)) sealed = candidate;
    }
    if (!sealed)
      throw new Error(
        `Could not claim a chain position after ${MAX_CLAIM_ATTEMPTS} attempts (many concurrent seals?)`,
      );

    const signature = await signManifest(sealed.bytes, keys.signing);
    const retention = retentionFor(config.archive.objectLockDays, input.createdAt);
    for (const r of records) {
      if (retention) {
        await s3.send(
          new PutObjectRetentionCommand({ Bucket: config.archive.bucket, Key: r.key, Retention: retention }),
        );
      }
    }
    const lock = retention
      ? { ObjectLockMode: retention.Mode, ObjectLockRetainUntilDate: retention.RetainUntilDate }
      : {};
    await writeObject(s3, config.archive.bucket, layout.signatureKey, signature, {
      ContentType: 'application/pgp-signature',
      ...lock,
    });
    await writeObject(s3, config.archive.bucket, layout.manifestKey, sealed.bytes, {
      ContentType: 'application/json',
      ...lock,
    });
    await stampManifest(config.evidence.tsaUrl, {
      s3,
      bucket: config.archive.bucket,
      timestampKey: layout.timestampKey,
      manifestSha256: sealed.sha256,
      lock,
    });

    return {
      archiveId: target.archiveId,
      manifestKey: layout.manifestKey,
      manifestSha256: sealed.sha256,
      sequence: sealed.manifest.sequence,
      previousArchiveId: sealed.manifest.previous?.archiveId,
      volumes: records.length,
      plaintextBytes: records.reduce((s, r) => s + r.plaintextBytes, 0),
      ciphertextBytes: records.reduce((s, r) => s + r.ciphertextBytes, 0),
    };
  };
}

function retentionFor(
  days: number,
  createdAt: string,
): { Mode: 'GOVERNANCE'; RetainUntilDate: Date } | undefined {
  if (days <= 0) return undefined;
  return { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.parse(createdAt) + days * 86_400_000) };
}
