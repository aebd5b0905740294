// Summarises an archive sealed earlier (for a run that finds its work already done).
import { archiveLayout } from '../archive/archive-layout';
import type { SealResult } from '../archive/archive-types';
import { readSealedManifest } from '../archive/read-sealed-manifest';
import type { ActivityDeps } from './activity-deps';

export function createDescribeSealedArchive({ config, s3 }: ActivityDeps) {
  return async function describeSealedArchive(archiveId: string): Promise<SealResult> {
    const layout = archiveLayout(config.archive.prefix, archiveId);
    const { manifest, sha256 } = await readSealedManifest(s3, config.archive.bucket, layout.manifestKey);
    return {
      archiveId,
      manifestKey: layout.manifestKey,
      manifestSha256: sha256,
      sequence: manifest.sequence,
      previousArchiveId: manifest.previous?.archiveId,
      volumes: manifest.volumes.length,
      plaintextBytes: manifest.volumes.reduce((s, v) => s + v.plaintextBytes, 0),
      ciphertextBytes: manifest.volumes.reduce((s, v) => s + v.ciphertextBytes, 0),
    };
  };
}
