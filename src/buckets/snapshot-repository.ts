// The run's snapshot repository in staging as the cluster wrote it, read from the keys' version histories. The
// staging bucket is versioned, so whatever a bucket writer does between the snapshot's end and the plan (a
// delete, an overwrite) stays in the history. The cluster writes each blob of a new repository once (the names
// carry UUIDs or generations); what else it writes and deletes is exactly CLUSTER_SCRATCH below. Any other key
// with a delete marker or a second version with other bytes is tampering, named; each blob taken carries its
// VersionId, and every later read of it must be answered with that version (Bucket.readListed/openListed).
import type { KeyHistory } from './bucket';
import { TamperedObjectError } from './trust';

export interface RepositoryBlob {
  /** Path inside the repository (and inside the tar), e.g. indices/<uuid>/0/__abc */
  key: string;
  size: number;
  /** As listed, quotes included (what If-Match expects). */
  etag: string;
  versionId: string;
}

/**
 * Blobs the cluster itself writes and deletes again in a repository, never part of a snapshot: the
 * repository verification blobs (tests-<random>/...), written and removed when the repository is registered.
 * They are never archived, whatever their history.
 */
export function isClusterScratch(key: string): boolean {
  return key.startsWith('tests-');
}

/** Describes where it is read from, for the messages of a listed read. */
export const CHECKED_BY = "the check of the snapshot repository's version history";

/** Versions written without versioning ("null"): the bucket cannot show an overwrite. */
export class UnversionedStagingError extends Error {
  override name = 'UnversionedStagingError';
  constructor(
    readonly bucket: string,
    readonly key: string,
  ) {
    super(
      `s3://${bucket}/${key} was written without a version: the staging bucket "${bucket}" (SNAPSEAL_STAGING_BUCKET) needs versioning Enabled, so that a blob changed after the snapshot shows in its history; run \`snapseal setup\` (it enables versioning on the staging bucket)`,
    );
  }
}

/**
 * The blobs to archive from the histories of every key under `prefix` (the repository's base path and "/"),
 * sorted by key, or a TamperedObjectError naming the first key whose history is not the cluster's.
 */
export function repositoryBlobs(bucket: string, prefix: string, histories: KeyHistory[]): RepositoryBlob[] {
  const blobs: RepositoryBlob[] = [];
  for (const history of histories) {
    if (!history.key.startsWith(prefix)) {
      throw new Error(`Listing ${prefix} returned ${history.key}, which lies outside it`);
    }
    const key = history.key.slice(prefix.length);
    if (key === '' || isClusterScratch(key)) continue;
    blobs.push(writtenOnce(bucket, history, key));
  }
  assertOneGeneration(bucket, prefix, blobs);
  return blobs;
}

/**
 * A new repository holds the one generation (root index-N, the RepositoryData) its snapshot wrote. A restore
 * takes the highest index-N it finds, so a second one planted beside it would decide what is restored.
 */
function assertOneGeneration(bucket: string, prefix: string, blobs: RepositoryBlob[]): void {
  const generations = blobs
    .map((b) => /^index-(\d+)$/.exec(b.key))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  if (generations.length <= 1) return;
  const [first] = generations;
  const planted = generations.at(-1)!;
  throw new TamperedObjectError(
    bucket,
    `${prefix}${planted[0]}`,
    `a second repository generation beside ${first![0]}: the cluster writes one generation (index-N) in a new repository, and a restore would read the highest`,
  );
}

/** The one version the cluster wrote of a blob: retries of the same bytes (one ETag) count as one write. */
function writtenOnce(bucket: string, history: KeyHistory, key: string): RepositoryBlob {
  const { versions, deleteMarkers } = history;
  const tampered = (problem: string): TamperedObjectError =>
    new TamperedObjectError(
      bucket,
      history.key,
      `${problem}; the cluster writes each blob of a snapshot once and deletes none before it is archived`,
    );
  if (deleteMarkers.length > 0) {
    throw tampered(
      versions.length === 0
        ? 'deleted after the snapshot wrote it: only delete markers are left'
        : `deleted after the snapshot wrote it: ${deleteMarkers.length} delete marker(s) beside version ${versions[0]!.versionId}`,
    );
  }
  const current = versions.find((v) => v.isLatest) ?? versions.at(-1);
  if (!current) throw tampered('listed without any version');
  const etags = new Set(versions.map((v) => v.etag));
  if (etags.size > 1) {
    throw tampered(
      `written over after the snapshot wrote it: ${versions.length} versions with ${etags.size} different ETags (first ${versions[0]!.versionId})`,
    );
  }
  if (versions.some((v) => v.versionId === 'null')) throw new UnversionedStagingError(bucket, history.key);
  if (!current.etag) throw new Error(`Listing the versions of ${history.key} gave no ETag`);
  return { key, size: current.size, etag: current.etag, versionId: current.versionId };
}
