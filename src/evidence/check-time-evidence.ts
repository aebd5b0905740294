// The one check of an archive's time evidence, shared by `snapseal verify`, `verify --chain` and the verify
// workflow: reads each authority's token beside an authenticated manifest (manifest.json.tsr,
// manifest.json.tsr.2, ...), checks each against the TSA CA bundle and the manifest, and applies
// SNAPSEAL_TSA_POLICY: the evidence holds when at least that many tokens verify, and names the ones that do not. A
// manifest that declares a late stamp (authorities unreachable when sealed) is a warning, never back-dated.
import type { S3Client } from '@aws-sdk/client-s3';
import { readFile } from 'node:fs/promises';
import { archiveLayout } from '../archive/archive-layout';
import type { AuthenticatedManifest } from '../archive/authenticated-manifest';
import type { Config } from '../config';
import { ArchiveBucket } from '../buckets/buckets';
import { verifyTimestamp } from './verify-timestamp';

export interface TimeEvidencePolicy {
  /** How many authorities SNAPSEAL_TSA_URLS names (0: none; a token found at manifest.json.tsr is still checked). */
  authorities: number;
  /** How many of their tokens must verify (SNAPSEAL_TSA_POLICY). */
  required: number;
  caFile?: string;
  toleranceSeconds: number;
}

export interface TimeEvidence {
  /** The earliest genTime among the tokens that verify (trust it only when `problems` is empty). */
  genTime?: string;
  /** Why there is no checked time evidence, or which tokens failed while the policy still holds. */
  note?: string;
  /**
   * A warning, not a problem: the manifest declares the authorities were unreachable when it was sealed, so its
   * time is proven only from its tokens' genTime (or not yet, before `snapseal stamp`).
   */
  lateStamp?: string;
  problems: string[];
}

export function timeEvidencePolicy(config: Config): TimeEvidencePolicy {
  const { tsaUrls, tsaRequired, tsaCaFile, toleranceSeconds } = config.evidence;
  return { authorities: tsaUrls.length, required: tsaRequired, caFile: tsaCaFile, toleranceSeconds };
}

interface TokenOutcome {
  key: string;
  genTime?: string;
  problems: string[];
}

export async function checkTimeEvidence(
  s3: S3Client,
  bucket: string,
  archivePrefix: string,
  authentic: Pick<AuthenticatedManifest, 'manifest' | 'text'>,
  policy: TimeEvidencePolicy,
): Promise<TimeEvidence> {
  const layout = archiveLayout(archivePrefix, authentic.manifest.archiveId);
  const archive = new ArchiveBucket(s3, bucket, archivePrefix);
  const readToken = (key: string) =>
    archive.readUnbound(
      key,
      'its signature, CA chain and imprint of the authenticated manifest (verifyTimestamp below)',
    );
  const { manifest } = authentic;
  if (manifest.lateStamp && !(await readToken(layout.timestampKey))) {
    const anyLater = await anyTokenBeyondFirst(readToken, layout, policy.authorities);
    if (!anyLater) {
      return {
        lateStamp: `late stamp pending: the time-stamp authorities were unreachable when ${manifest.archiveId} was sealed and no token has been obtained since (run "snapseal stamp ${manifest.archiveId}")`,
        problems: [],
      };
    }
  }
  if (policy.authorities === 0) {
    // No authority configured: a token that is there is still checked, its absence is no problem.
    const key = layout.timestampKey;
    const token = await readToken(key);
    if (!token)
      return { note: `no time evidence (${key} does not exist; SNAPSEAL_TSA_URLS is not set)`, problems: [] };
    if (!policy.caFile)
      return { note: `time-stamp token ${key} not checked: SNAPSEAL_TSA_CA_FILE is not set`, problems: [] };
  }
  const caPem = await readCaPem(policy.caFile);
  if (typeof caPem !== 'string') return { problems: [caPem.problem] };

  const outcomes: TokenOutcome[] = [];
  for (let authority = 0; authority < Math.max(1, policy.authorities); authority++) {
    const key = layout.timestampKeyOf(authority);
    const token = await readToken(key);
    if (!token) {
      outcomes.push({
        key,
        problems: [
          `time-stamp token ${key} is missing: SNAPSEAL_TSA_URLS is set, so every sealed manifest must carry one`,
        ],
      });
      continue;
    }
    const check = await verifyTimestamp(
      token,
      Buffer.from(authentic.text, 'utf8'),
      caPem,
      manifest.createdAt,
      // A late stamp is after createdAt by nature: it proves existence from genTime, never createdAt.
      manifest.lateStamp ? Number.POSITIVE_INFINITY : policy.toleranceSeconds,
    );
    outcomes.push({ key, genTime: check.genTime, problems: check.problems.map((p) => `${key}: ${p}`) });
  }
  const evidence = applyPolicy(outcomes, policy);
  if (manifest.lateStamp && evidence.problems.length === 0) {
    evidence.lateStamp = `late stamp: time proven from ${evidence.genTime}, the authority was unreachable when sealed`;
  }
  return evidence;
}

async function anyTokenBeyondFirst(
  readToken: (key: string) => Promise<Buffer | undefined>,
  layout: ReturnType<typeof archiveLayout>,
  authorities: number,
): Promise<boolean> {
  for (let authority = 1; authority < authorities; authority++) {
    if (await readToken(layout.timestampKeyOf(authority))) return true;
  }
  return false;
}

/** The evidence holds when `required` tokens verify; the failed ones are problems below that, a note above. */
function applyPolicy(outcomes: TokenOutcome[], policy: TimeEvidencePolicy): TimeEvidence {
  const verified = outcomes.filter((o) => o.problems.length === 0);
  const failed = outcomes.filter((o) => o.problems.length > 0);
  const required = Math.max(1, policy.required);
  const genTime = verified
    .map((o) => o.genTime!)
    .sort()
    .at(0);
  const failures = failed.flatMap((o) => o.problems);
  if (verified.length >= required) {
    return {
      genTime,
      note:
        failed.length > 0
          ? `${verified.length} of ${outcomes.length} time-stamp tokens verify (SNAPSEAL_TSA_POLICY asks for ${required}); not verified: ${failures.join('; ')}`
          : undefined,
      problems: [],
    };
  }
  const summary =
    outcomes.length > 1
      ? [
          `${verified.length} of ${outcomes.length} time-stamp tokens verify, SNAPSEAL_TSA_POLICY asks for ${required}`,
        ]
      : [];
  return {
    genTime: genTime ?? outcomes.find((o) => o.genTime)?.genTime,
    problems: [...failures, ...summary],
  };
}

async function readCaPem(caFile: string | undefined): Promise<string | { problem: string }> {
  try {
    if (!caFile) throw Object.assign(new Error('not set'), { code: 'not set' });
    return await readFile(caFile, 'utf8');
  } catch (err) {
    return {
      problem: `SNAPSEAL_TSA_CA_FILE ${caFile ?? ''} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'}): the time-stamp tokens were not checked`,
    };
  }
}
