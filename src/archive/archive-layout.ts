// Where everything of an archive lives: object keys in the archive bucket, and the run's folders in staging.
// One place for these names, so writers, readers and cleanup agree.

export interface ArchiveLayout {
  /** Folder of the archive: <archive prefix><archive id>/ */
  folder: string;
  volumeKey(index: number): string;
  manifestKey: string;
  signatureKey: string;
  /** RFC 3161 time-stamp reply over the manifest's sha256 (when SNAPSEAL_TSA_URL is set). */
  timestampKey: string;
}

export const VOLUME_SUFFIX = '.tar.gpg';

export function volumeName(index: number): string {
  return `volume-${String(index).padStart(4, '0')}${VOLUME_SUFFIX}`;
}

export function archiveLayout(archivePrefix: string, archiveId: string): ArchiveLayout {
  const folder = `${archivePrefix}${archiveId}/`;
  return {
    folder,
    volumeKey: (index) => `${folder}${volumeName(index)}`,
    // manifest.json is written last: its presence is what makes an archive complete.
    manifestKey: `${folder}manifest.json`,
    signatureKey: `${folder}manifest.json.asc`,
    timestampKey: `${folder}manifest.json.tsr`,
  };
}

/** The chain of sealed archives: one small object per sequence number, claimed with a conditional write. */
export function chainEntryKey(archivePrefix: string, sequence: number): string {
  return `${archivePrefix}chain/${String(sequence).padStart(8, '0')}.json`;
}

export function chainPrefix(archivePrefix: string): string {
  return `${archivePrefix}chain/`;
}

export interface RunFolders {
  /** base_path of the run's staging snapshot repository (no trailing slash, as OpenSearch wants it). */
  repositoryBasePath: string;
  /** Per-volume records written by archive-volume and read by seal-archive. */
  workPrefix: string;
}

/** Each run gets its own staging folder so two snapshots are never mixed in one archive. */
export function runFolders(stagingPrefix: string, archiveId: string, runId: string): RunFolders {
  const run = `${stagingPrefix}${archiveId}/${runId}`;
  return { repositoryBasePath: `${run}/repository`, workPrefix: `${run}/work/` };
}
