// Cuts a snapshot's blobs into volumes: sorted by key (byte order), packed greedily, each volume a complete
// tar of at most `maxVolumeBytes` (a blob larger than that gets a volume of its own). Deterministic, so the
// same listing always gives the same volumes. The plan is then cut into pages (whole volumes, a bounded
// number of files each) so that a volume's worker reads one small object, never the whole plan. A blob whose
// name restore would refuse (src/pipeline/safe-tar-entry.ts) is refused here, before anything is archived.
import { assertSafeTarEntry } from './safe-tar-entry';
import { TAR_END, tarEntryBytes } from './tar-layout';

export interface PlannedBlob {
  key: string;
  size: number;
  /** The blob's ETag when it was listed: the volume reads exactly this version (If-Match). */
  etag: string;
  /** The version the repository's history check took (absent in plans of older code): read exactly it. */
  versionId?: string;
}

export interface PlannedVolume {
  /** 1-based */
  index: number;
  entries: PlannedBlob[];
  /** Exact size of the volume's tar. */
  tarBytes: number;
}

export const MIN_VOLUME_BYTES = 1024 * 1024;

/** A page holds whole volumes and at most this many files (unless one volume alone has more). */
export const PLAN_PAGE_MAX_FILES = 1000;

export class VolumePlanError extends Error {
  override name = 'VolumePlanError';
}

const byteOrder = (a: PlannedBlob, b: PlannedBlob): number =>
  Buffer.compare(Buffer.from(a.key), Buffer.from(b.key));

export function planVolumes(blobs: PlannedBlob[], maxVolumeBytes: number): PlannedVolume[] {
  if (!Number.isInteger(maxVolumeBytes) || maxVolumeBytes < MIN_VOLUME_BYTES) {
    throw new VolumePlanError(
      `The maximum volume size must be at least ${MIN_VOLUME_BYTES} bytes (1 MiB); got ${maxVolumeBytes}`,
    );
  }
  // The rule restore applies to every entry it unpacks: a name it would refuse is never sealed (UnsafeTarEntry).
  for (const blob of blobs) assertSafeTarEntry({ name: blob.key });
  const sorted = [...blobs].sort(byteOrder);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.key === sorted[i]!.key)
      throw new VolumePlanError(`Blob listed twice: ${sorted[i]!.key}`);
  }
  const volumes: PlannedVolume[] = [];
  let current: PlannedVolume | undefined;
  for (const blob of sorted) {
    const bytes = tarEntryBytes(blob.key, blob.size);
    if (!current || (current.entries.length > 0 && current.tarBytes + bytes > maxVolumeBytes)) {
      current = { index: volumes.length + 1, entries: [], tarBytes: TAR_END };
      volumes.push(current);
    }
    current.entries.push({
      key: blob.key,
      size: blob.size,
      etag: blob.etag,
      ...(blob.versionId ? { versionId: blob.versionId } : {}),
    });
    current.tarBytes += bytes;
  }
  return volumes;
}

/** Consecutive volumes grouped into pages of at most `maxFiles` files (a page always holds one volume). */
export function pagePlan(volumes: PlannedVolume[], maxFiles = PLAN_PAGE_MAX_FILES): PlannedVolume[][] {
  const pages: PlannedVolume[][] = [];
  let files = 0;
  for (const volume of volumes) {
    const page = pages.at(-1);
    if (!page || files + volume.entries.length > maxFiles) {
      pages.push([volume]);
      files = volume.entries.length;
    } else {
      page.push(volume);
      files += volume.entries.length;
    }
  }
  return pages;
}
