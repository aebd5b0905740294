// The later step of a late stamp: an archive sealed while the time-stamp authorities were unreachable declares it
// in its signed manifest (`lateStamp`); once they answer again, `snapseal stamp <archive-id>` obtains a token from
// each for the authenticated manifest, verifies and stores it exactly as the seal would (written once, under the
// archive's promised retention). The tokens prove the manifest existed from their genTime, no earlier.
import type { Config } from '../config';
import { archiveLayout } from '../archive/archive-layout';
import { authenticateManifest, type ManifestStore } from '../archive/authenticated-manifest';
import { archiveBucketOf } from '../buckets/buckets';
import { sha256Hex } from '../buckets/bucket';
import { promisedRetention } from './retention-promise';
import { obtainTokens, storeTokens, type StampedToken } from './stamp-manifest';

/** The archive was stamped when it was sealed, or no authority is configured: there is nothing to stamp. */
export class NothingToStampError extends Error {
  override name = 'NothingToStampError';
}

export interface LateStampOutcome {
  archiveId: string;
  tokens: { key: string; genTime: string; stored: 'now' | 'before' }[];
}

export async function stampLate(
  store: ManifestStore,
  config: Pick<Config, 'evidence' | 'archive'>,
  archiveId: string,
): Promise<LateStampOutcome> {
  if (config.evidence.tsaUrls.length === 0) {
    throw new NothingToStampError('SNAPSEAL_TSA_URLS is empty: name the time-stamp authorities to ask');
  }
  const authentic = await authenticateManifest(store, archiveId);
  if (!authentic.manifest.lateStamp) {
    throw new NothingToStampError(
      `${archiveId} was time-stamped when it was sealed (its manifest declares no late stamp): nothing to do`,
    );
  }
  const bytes = Buffer.from(authentic.text, 'utf8');
  const retention = promisedRetention(config.archive, authentic.manifest.createdAt);
  const target = {
    archive: archiveBucketOf(store),
    archiveId,
    timestampKeyOf: archiveLayout(store.archivePrefix, archiveId).timestampKeyOf,
    manifest: bytes,
    manifestSha256: sha256Hex(bytes),
    lock: retention
      ? { ObjectLockMode: retention.Mode, ObjectLockRetainUntilDate: retention.RetainUntilDate }
      : {},
  };
  const obtained = await obtainTokens(config.evidence, target);
  const fresh = new Set(obtained.fresh.map((t) => t.key));
  const stored: StampedToken[] = await storeTokens(config.evidence, target, obtained);
  return {
    archiveId,
    tokens: stored.map((t) => ({
      key: t.key,
      genTime: t.reply.genTime,
      stored: fresh.has(t.key) ? 'now' : 'before',
    })),
  };
}
