// The archives in the archive bucket (sealed ones, from their manifests) and the runs still in progress.
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { readAllChainEntries } from '../archive/archive-chain';
import { readSealedManifest } from '../archive/read-sealed-manifest';
import type { Config } from '../config';
import { ARCHIVE_DATE, ARCHIVE_ID, STAGE } from '../workflows/search-attributes';

export interface ArchiveListing {
  id: string;
  date: string;
  snapshot: string;
  indices: string[];
  bytes: number;
  volumes: number;
  sequence?: number;
  status: string;
}

export async function listArchives(
  s3: S3Client,
  temporal: Client | undefined,
  config: Config,
): Promise<ArchiveListing[]> {
  const rows: ArchiveListing[] = [];
  for (const entry of await readAllChainEntries(s3, config.archive.bucket, config.archive.prefix)) {
    const { manifest } = await readSealedManifest(s3, config.archive.bucket, entry.manifestKey).catch(() => ({
      manifest: undefined,
    }));
    rows.push({
      id: entry.archiveId,
      date: manifest?.date ?? '?',
      snapshot: manifest?.snapshot.name ?? '?',
      indices: manifest?.indices.map((i) => i.name) ?? [],
      bytes: manifest?.volumes.reduce((s, v) => s + v.ciphertextBytes, 0) ?? 0,
      volumes: manifest?.volumes.length ?? 0,
      sequence: entry.sequence,
      status: manifest ? 'SEALED' : 'MANIFEST MISSING',
    });
  }
  if (temporal) {
    const query = `WorkflowType = 'archiveSnapshot' AND ExecutionStatus = 'Running' AND TaskQueue = '${config.temporal.taskQueue}'`;
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
  return rows;
}
