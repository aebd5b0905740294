// Where everything of an archive lives: object keys in the archive bucket, and the run's folders in staging.
// One place for these names, so writers, readers and cleanup agree.

export interface ArchiveLayout {
  /** Folder of the archive: <archive prefix><archive id>/ */
  folder: string;
  volumeKey(index: number): string;
  manifestKey: string;
  signatureKey: string;
  /** RFC 3161 time-stamp reply over the manifest's sha256 from the first authority of SNAPSEAL_TSA_URLS. */
  timestampKey: string;
  /**
   * The token of authority `index` (0-based, in SNAPSEAL_TSA_URLS order): the first keeps manifest.json.tsr (what
   * `openssl ts -verify` is shown with), the others lie beside it as manifest.json.tsr.2, manifest.json.tsr.3, ...
   */
  timestampKeyOf(index: number): string;
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
    timestampKeyOf: (index) => `${folder}manifest.json.tsr${index === 0 ? '' : `.${index + 1}`}`,
  };
}

/** The chain of sealed archives: one small object per sequence number, claimed with a conditional write. */
export function chainEntryKey(archivePrefix: string, sequence: number): string {
  return `${archivePrefix}chain/${String(sequence).padStart(8, '0')}.json`;
}

export function chainPrefix(archivePrefix: string): string {
  return `${archivePrefix}chain/`;
}

/** A key rotation record (src/keys/key-rotation.ts) and its two detached signatures, beside the chain. */
export interface RotationRecordLayout {
  recordKey: string;
  /** The old key's signature: the handover. */
  oldKeySignatureKey: string;
  /** The new key's signature: cross-certification. */
  newKeySignatureKey: string;
}

export function rotationRecordLayout(
  archivePrefix: string,
  fromFingerprint: string,
  toFingerprint: string,
): RotationRecordLayout {
  const recordKey = `${chainPrefix(archivePrefix)}rotations/${fromFingerprint}-${toFingerprint}.json`;
  return {
    recordKey,
    oldKeySignatureKey: `${recordKey}.old-key.asc`,
    newKeySignatureKey: `${recordKey}.new-key.asc`,
  };
}

export interface RunFolders {
  /** Everything the run leaves in staging lies under this prefix (ends in "/"); cleanup deletes it. */
  runFolder: string;
  /** base_path of the run's staging snapshot repository (no trailing slash, as OpenSearch wants it). */
  repositoryBasePath: string;
  /** The run's own objects: the volume plan and the per-volume records (ends in "/"). */
  workPrefix: string;
}

/** Each run gets its own staging folder so two snapshots are never mixed in one archive. */
export function runFolders(stagingPrefix: string, archiveId: string, runId: string): RunFolders {
  const run = `${stagingPrefix}${archiveId}/${runId}/`;
  return { runFolder: run, repositoryBasePath: `${run}repository`, workPrefix: `${run}work/` };
}

/** The volume plan's index: summary and one digest per page; its sha256 is the plan digest kept in history. */
export function planIndexKey(folders: RunFolders): string {
  return `${folders.workPrefix}plan/index.json`;
}

/** One page of the volume plan: whole volumes with their blobs (key, size, ETag). */
export function planPageKey(folders: RunFolders, page: number): string {
  return `${folders.workPrefix}plan/page-${String(page).padStart(6, '0')}.json`;
}

/** The record archive-volume writes once a volume is uploaded; seal-archive builds the manifest from these. */
export function volumeRecordKey(folders: RunFolders, index: number): string {
  return `${folders.workPrefix}${volumeName(index)}.json`;
}

/** The retention of each sealed object as read back after sealing (src/evidence/retention-record.ts). */
export function retentionRecordKey(layout: ArchiveLayout): string {
  return `${layout.folder}retention.json`;
}

/** The witness's record of chain head `sequence`, in the witness bucket (src/evidence/chain-witness.ts). */
export function witnessRecordKey(witnessPrefix: string, sequence: number): string {
  return `${witnessPrefix}${String(sequence).padStart(8, '0')}.json`;
}
