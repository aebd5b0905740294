// The archives in the archive bucket (sealed ones, from their manifests) and the runs still in progress, in
// the order of the days they hold (a backfilled day is sealed later, with a higher sequence, than the days
// after it), each with its sequence in the chain. Every chain entry is read (small: it names the archive, so
// its date); only the manifests of the newest `limit` days are. A manifest that cannot be read says why.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { isChainEntryKey, type ChainEntry } from '../archive/archive-chain';
import { chainPrefix } from '../archive/archive-layout';
import {
  ManifestUnreadableError,
  readSealedManifest,
  type ManifestProblem,
} from '../archive/read-sealed-manifest';
import type { Config } from '../config';
import { listObjects, readJson } from '../s3/s3-objects';
import { archiveSnapshot } from '../workflows';
import { ARCHIVE_DATE, ARCHIVE_ID, STAGE } from '../workflows/search-attributes';

export interface ArchiveListing {
  id: string;
  date: string;
  snapshot: string;
  indices: string[];
  bytes: number;
  volumes: number;
  sequence?: number;
  /** When the manifest was sealed (sealed archives). */
  sealedAt?: string;
  status: string;
  /** Why the manifest could not be read (status is then not SEALED). */
  problem?: string;
  /** The archive this one corrects (its manifest says so); the newest archive of the day is the correction. */
  supersedes?: string;
  /** Set on an archive a later one supersedes: its status is then SUPERSEDED (it stays, and still verifies). */
  supersededBy?: string;
}

export interface ArchiveList {
  rows: ArchiveListing[];
  /** Sealed archives in the chain, shown or not. */
  totalArchives: number;
}

const STATUS: Record<ManifestProblem, string> = {
  missing: 'MANIFEST MISSING',
  malformed: 'MANIFEST MALFORMED',
  'access-denied': 'ACCESS DENIED',
  rejected: 'READ REJECTED',
  unreachable: 'UNREACHABLE',
};

/** `limit`: how many of the newest archives to read and show (0: all). */
export async function listArchives(
  s3: S3Client,
  temporal: Client | undefined,
  config: Config,
  limit = 0,
): Promise<ArchiveList> {
  const bucket = config.archive.bucket;
  const entryKeys: string[] = [];
  for await (const o of listObjects(s3, bucket, chainPrefix(config.archive.prefix))) {
    if (isChainEntryKey(config.archive.prefix, o.key)) entryKeys.push(o.key); // zero-padded: lexicographic is numeric order
  }
  const entries: ChainEntry[] = [];
  for (const key of entryKeys) {
    const entry = await readJson<ChainEntry>(s3, bucket, key);
    if (entry) entries.push(entry); // else removed between the listing and the read
  }
  entries.sort(byDateThenSequence);
  const shown = limit > 0 ? entries.slice(-limit) : entries;
  const rows: ArchiveListing[] = [];
  for (const entry of shown) rows.push(await describeEntry(s3, bucket, entry));
  markSuperseded(rows);
  if (temporal) {
    const query = `WorkflowType = '${archiveSnapshot.name}' AND ExecutionStatus = 'Running' AND TaskQueue = '${config.temporal.taskQueue}'`;
    for await (const wf of temporal.workflow.list({ query })) {
      const id = wf.typedSearchAttributes.get(ARCHIVE_ID) ?? wf.workflowId;
      if (rows.some((r) => r.id === id)) continue;
      rows.push({
        id,
        date: wf.typedSearchAttributes.get(ARCHIVE_DATE) ?? '?',
        snapshot: '',
        indices: [],
        bytes: 0,
        volumes: 0,
        status: `RUNNING (${wf.typedSearchAttributes.get(STAGE) ?? 'starting'})`,
      });
    }
  }
  return { rows, totalArchives: entryKeys.length };
}

/** A shown archive that a shown correction supersedes is marked SUPERSEDED: the day's newest is the correction. */
function markSuperseded(rows: ArchiveListing[]): void {
  for (const correction of rows) {
    const original = rows.find((r) => correction.supersedes !== undefined && r.id === correction.supersedes);
    if (!original || original.status !== 'SEALED') continue;
    original.status = 'SUPERSEDED';
    original.supersededBy = correction.id;
  }
}

/** The day an archive id names (ids start with YYYY-MM-DD); '' for none. */
const dateOfArchiveId = (archiveId: string): string => /^\d{4}-\d{2}-\d{2}/.exec(archiveId)?.[0] ?? '';

/** Oldest day first; one day archived twice (other indices), in the order sealed. */
export function byDateThenSequence(a: ChainEntry, b: ChainEntry): number {
  const [da, db] = [dateOfArchiveId(a.archiveId), dateOfArchiveId(b.archiveId)];
  return da < db ? -1 : da > db ? 1 : a.sequence - b.sequence;
}

async function describeEntry(s3: S3Client, bucket: string, entry: ChainEntry): Promise<ArchiveListing> {
  const base = { id: entry.archiveId, sequence: entry.sequence };
  try {
    const { manifest } = await readSealedManifest(s3, bucket, entry.manifestKey);
    return {
      ...base,
      date: manifest.date,
      snapshot: manifest.snapshot.name,
      indices: manifest.indices.map((i) => i.name),
      bytes: manifest.volumes.reduce((s, v) => s + v.ciphertextBytes, 0),
      volumes: manifest.volumes.length,
      sealedAt: manifest.createdAt,
      status: 'SEALED',
      ...(manifest.supersedes ? { supersedes: manifest.supersedes.archiveId } : {}),
    };
  } catch (err) {
    if (!(err instanceof ManifestUnreadableError)) throw err;
    return {
      ...base,
      date: dateOfArchiveId(entry.archiveId) || '?',
      snapshot: '?',
      indices: [],
      bytes: 0,
      volumes: 0,
      status: STATUS[err.problem],
      problem: err.message,
    };
  }
}
