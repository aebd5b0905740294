// The one check of an archive's time evidence, shared by `snapseal verify` and the verify workflow: reads
// manifest.json.tsr beside an authenticated manifest and checks it against the TSA CA bundle and the manifest.
import type { S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { archiveLayout } from '../archive/archive-layout';
import type { AuthenticatedManifest } from '../archive/authenticated-manifest';
import type { Config } from '../config';
import { ArchiveBucket } from '../buckets/buckets';
import { verifyTimestamp } from './verify-timestamp';

export interface TimeEvidencePolicy {
  /** SNAPSEAL_TSA_URL is set: every sealed manifest must carry a token. */
  required: boolean;
  caFile?: string;
  toleranceSeconds: number;
}

export interface TimeEvidence {
  /** The token's genTime (trust it only when `problems` is empty). */
  genTime?: string;
  /** Why there is no checked time evidence, when that is not an error. */
  note?: string;
  problems: string[];
}

export function timeEvidencePolicy(config: Config): TimeEvidencePolicy {
  const { tsaUrl, tsaCaFile, toleranceSeconds } = config.evidence;
  return { required: tsaUrl !== undefined, caFile: tsaCaFile, toleranceSeconds };
}

export async function checkTimeEvidence(
  s3: S3Client,
  bucket: string,
  archivePrefix: string,
  authentic: Pick<AuthenticatedManifest, 'manifest' | 'text'>,
  policy: TimeEvidencePolicy,
): Promise<TimeEvidence> {
  const key = archiveLayout(archivePrefix, authentic.manifest.archiveId).timestampKey;
  const token = await new ArchiveBucket(s3, bucket, archivePrefix).readUnbound(
    key,
    'its signature, CA chain and imprint of the authenticated manifest (verifyTimestamp below)',
  );
  if (!token) {
    return policy.required
      ? {
          problems: [
            `time-stamp token ${key} is missing: SNAPSEAL_TSA_URL is set, so every sealed manifest must carry one`,
          ],
        }
      : { note: `no time evidence (${key} does not exist; SNAPSEAL_TSA_URL is not set)`, problems: [] };
  }
  if (!policy.caFile) {
    // loadConfig refuses SNAPSEAL_TSA_URL without SNAPSEAL_TSA_CA_FILE, so the token is optional here.
    return { note: `time-stamp token ${key} not checked: SNAPSEAL_TSA_CA_FILE is not set`, problems: [] };
  }
  let caPem: string;
  try {
    caPem = await readFile(policy.caFile, 'utf8');
  } catch (err) {
    return {
      problems: [
        `SNAPSEAL_TSA_CA_FILE ${policy.caFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): the time-stamp token ${key} was not checked`,
      ],
    };
  }
  const check = await verifyTimestamp(
    token,
    Buffer.from(authentic.text, 'utf8'),
    caPem,
    authentic.manifest.createdAt,
    policy.toleranceSeconds,
  );
  return {
    genTime: check.genTime,
    problems: check.problems.map((p) => `${key}: ${p}`),
  };
}
