// How the volume records archiveVolume wrote reach the seal through Temporal history without growing it: each
// record's sha256 goes back to its batch (the activity's result), each batch returns one digest over its
// volumes' record digests in order, the archive workflow hands those batch digests to the seal, and the seal
// recomputes them from the records it reads back. Pure and deterministic (workflow code computes it too), so
// sha256 comes from a JavaScript implementation, not from node:crypto.
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

const BATCH_DIGEST_FORMAT = 'snapseal-volume-batch/1';

/** sha256 of a volume record's exact bytes, as written to staging. */
export function recordDigest(recordBytes: Uint8Array): string {
  return bytesToHex(sha256(recordBytes));
}

/** One batch's digest: its volumes' record digests, by index, in order. */
export function batchDigest(volumes: { index: number; recordSha256: string }[]): string {
  const lines = volumes.map((v) => `${v.index} ${v.recordSha256}\n`).join('');
  return bytesToHex(sha256(utf8ToBytes(`${BATCH_DIGEST_FORMAT}\n${lines}`)));
}

/** What the seal gets: one digest per batch (null: a batch whose volumes were streamed without record digests). */
export interface VolumeDigests {
  volumesPerBatch: number;
  batches: (string | null)[];
}

/** The batch (1-based) that holds `volume`, and its first and last volume. */
export function batchOf(
  volume: number,
  volumesPerBatch: number,
  volumeCount: number,
): { batch: number; first: number; last: number } {
  const batch = Math.ceil(volume / volumesPerBatch);
  return {
    batch,
    first: (batch - 1) * volumesPerBatch + 1,
    last: Math.min(volumeCount, batch * volumesPerBatch),
  };
}
