// Cuts a snapshot's blobs into volumes: sorted by key (byte order), packed greedily, each volume a complete
// tar of at most `maxVolumeBytes` (a blob larger than that gets a volume of its own). Deterministic, so any
// worker re-planning from the same listing gets the same volumes, and planDigest proves it.
import { createHash } from 'node:crypto';
import { TAR_END, tarEntryBytes } from './tar-layout';

export interface PlannedBlob {
  key: string;
  size: number;
}

export interface PlannedVolume {
  /** 1-based */
  index: number;
  entries: PlannedBlob[];
  /** Exact size of the volume's tar. */
  tarBytes: number;
}

export const MIN_VOLUME_BYTES = 1024 * 1024;

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
    current.entries.push({ key: blob.key, size: blob.size });
    current.tarBytes += bytes;
  }
  return volumes;
}

/** A digest of the plan (which blob, of which size, in which volume). */
export function planDigest(volumes: PlannedVolume[]): string {
  const canonical = JSON.stringify(volumes.map((v) => [v.index, v.entries.map((e) => [e.key, e.size])]));
  return createHash('sha256').update(canonical).digest('hex');
}
