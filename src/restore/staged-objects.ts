// The proof that the cluster restored exactly the bytes snapseal checked. Each verified file is staged as one
// new version; the versions written travel through history as one digest per volume. After the cluster's
// restore, the staged folder's version history must show those versions and nothing else: a later version,
// a delete marker, an unknown key or another version than the one written means the cluster may have read
// bytes nobody checked. Pure: the activities list the bucket and act on the problems.
import { createHash } from 'node:crypto';
import type { KeyHistory } from '../buckets/bucket';
import type { RestorePlan } from './restore-types';

/** One file as staged: its key and the version S3 created for it. */
export interface StagedObject {
  key: string;
  versionId: string;
}

/** What history keeps of one staged volume: small whatever the number of files. */
export interface StagedVolume {
  volume: number;
  objects: number;
  /** sha256 over the volume's (key, version) pairs in key order (stagedVersionsDigest). */
  versionsSha256: string;
}

/** A staged object that is not as written, or a volume whose versions differ from those written. */
export interface StagedObjectProblem {
  /** The staged object's key, when one object is to blame. */
  key?: string;
  volume?: number;
  problem: string;
}

/** Where a file of the snapshot repository is staged for the cluster to read. */
export function stagedKey(plan: Pick<RestorePlan, 'repositoryBasePath'>, path: string): string {
  return `${plan.repositoryBasePath}/${path}`;
}

export function stagedVersionsDigest(objects: StagedObject[]): string {
  const hash = createHash('sha256');
  const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const o of sorted) hash.update(`${JSON.stringify([o.key, o.versionId])}\n`);
  return hash.digest('hex');
}

export function describeStagedVolume(volume: number, objects: StagedObject[]): StagedVolume {
  return { volume, objects: objects.length, versionsSha256: stagedVersionsDigest(objects) };
}

/**
 * Holds the staged folder's histories (every key that ever had a version or delete marker under it) to what
 * was written: `volumes` gives each volume's keys (from the authenticated manifest) and its record from history.
 */
export function checkStagedHistories(
  histories: KeyHistory[],
  volumes: { volume: number; keys: string[]; staged?: StagedVolume }[],
): StagedObjectProblem[] {
  const problems: StagedObjectProblem[] = [];
  const byKey = new Map(histories.map((h) => [h.key, h]));
  const expected = new Set(volumes.flatMap((v) => v.keys));
  for (const h of histories) {
    if (!expected.has(h.key)) {
      problems.push({
        key: h.key,
        problem: 'was not staged by this restore: written into the staged folder by someone else',
      });
      continue;
    }
    const later = h.versions.length - 1;
    const markers = h.deleteMarkers.length;
    if (later > 0 || markers > 0) {
      const what = [
        later > 0 ? `${later} more version(s)` : '',
        h.versions.length === 0 ? 'no version left' : '',
        markers > 0 ? `${markers} delete marker(s)` : '',
      ]
        .filter(Boolean)
        .join(' and ');
      problems.push({ key: h.key, problem: `was written over after it was staged (${what})` });
    }
  }
  for (const v of volumes) {
    const missing = v.keys.filter((k) => !byKey.has(k));
    for (const key of missing)
      problems.push({ key, volume: v.volume, problem: 'is missing: staged, then removed' });
    if (!v.staged) {
      problems.push({
        volume: v.volume,
        problem: 'has no record of the versions it staged in the run history',
      });
      continue;
    }
    const intact = v.keys.every(
      (k) => byKey.get(k)?.versions.length === 1 && !byKey.get(k)?.deleteMarkers.length,
    );
    if (!intact || missing.length > 0) continue; // named above, object by object
    const now = v.keys.map((key) => ({ key, versionId: byKey.get(key)!.versions[0]!.versionId }));
    if (v.staged.objects !== now.length || v.staged.versionsSha256 !== stagedVersionsDigest(now)) {
      problems.push({
        volume: v.volume,
        problem: `holds other versions than the ${v.staged.objects} staged (an object was removed with its version and written again)`,
      });
    }
  }
  return problems;
}
