// What the Temporal UI shows of an archive run in its user metadata: a one-line summary fixed at start (date and
// indices) and the run's current details (stage, volumes, bytes, chain sequence, outcome), set by the workflow as
// it goes. Counts and names only: never a key, a passphrase or a bucket credential.
import { formatBytes } from '../cli/format';

/** The start's static summary: `Archive 2026-11-21: logdata-21112026`. */
export function archiveRunSummary(date: string, indexPattern: string, startedBy: string): string {
  return `Archive ${date}: ${indexPattern} (${startedBy})`;
}

export interface ArchiveRunState {
  date: string;
  archiveId?: string;
  stage: string;
  indices?: { name: string; docCount?: number }[];
  volumesDone?: number;
  volumesTotal?: number;
  bytesDone?: number;
  sequence?: number;
  manifestKey?: string;
  /** Set when the run failed: its message. */
  failure?: string;
}

/** The run's current details (Temporal markdown, one fact a line), from what the workflow knows so far. */
export function archiveRunDetails(s: ArchiveRunState): string {
  const outcome =
    s.failure !== undefined
      ? `**failed** in ${s.stage}: ${s.failure}`
      : s.stage === 'sealed'
        ? `**sealed**, chain #${s.sequence ?? '?'}`
        : s.stage === 'already-sealed'
          ? `**already sealed**, chain #${s.sequence ?? '?'}`
          : `**${s.stage}**`;
  const lines = [`${outcome}`, `date: ${s.date}${s.archiveId ? ` (archive ${s.archiveId})` : ''}`];
  if (s.indices?.length) {
    const docs = s.indices.reduce((sum, i) => sum + (i.docCount ?? 0), 0);
    lines.push(
      `indices: ${s.indices.map((i) => i.name).join(', ')}${s.indices.some((i) => i.docCount !== undefined) ? ` (${docs} documents)` : ''}`,
    );
  }
  if (s.volumesTotal !== undefined || s.volumesDone !== undefined) {
    lines.push(
      `volumes: ${s.volumesDone ?? 0} of ${s.volumesTotal ?? '?'}, ${formatBytes(s.bytesDone ?? 0)} archived`,
    );
  }
  if (s.manifestKey) lines.push(`manifest: ${s.manifestKey}`);
  return lines.join('\n');
}
