// `snapseal status`: is archiving healthy? The newest sealed archive and its age, the Schedule's next run and
// last outcome, days missing from the chain, runs in progress; stale (exit code 5) past --max-age-hours, so
// it serves as a cron job or Kubernetes probe.
import type { S3Client } from '@aws-sdk/client-s3';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { readChainHead } from '../archive/archive-chain';
import { readSealedManifest } from '../archive/read-sealed-manifest';
import { ArchiveBucket } from '../buckets/buckets';
import type { Command } from 'commander';
import type { Config } from '../config';
import { configFrom, output, withS3AndTemporalIfReachable, type GlobalOptions } from './cli-context';
import { ExitCode } from './exit-codes';
import { listArchives } from './list-archives';

export interface ArchivingStatus {
  newest?: { archiveId: string; date: string; sequence: number; sealedAt: string; ageHours: number };
  stale: boolean;
  maxAgeHours: number;
  schedule?: {
    scheduleId: string;
    paused: boolean;
    nextRun?: string;
    lastRun?: { scheduledAt: string; workflowId: string; status: string };
  };
  /** Why the Schedule and running archives are unknown (Temporal unreachable, no schedule). */
  scheduleNote?: string;
  /** Days between the first and the newest sealed archive that have no archive. */
  missedDays: string[];
  running: { id: string; date: string; status: string }[];
}

const DAY_MS = 86_400_000;

/** YYYY-MM-DD days after `first` and before `last` that are not in `have`. */
export function missingDays(have: readonly string[]): string[] {
  const present = new Set(have);
  const sorted = [...present].filter((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)).sort();
  if (sorted.length < 2) return [];
  const missing: string[] = [];
  const last = Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`);
  for (let t = Date.parse(`${sorted[0]}T00:00:00Z`) + DAY_MS; t < last; t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    if (!present.has(day)) missing.push(day);
  }
  return missing;
}

async function scheduleStatus(client: Client, config: Config): Promise<ArchivingStatus['schedule']> {
  try {
    const d = await client.schedule.getHandle(config.schedule.id).describe();
    const last = d.info.recentActions.at(-1);
    let lastRun: NonNullable<ArchivingStatus['schedule']>['lastRun'];
    if (last) {
      const { workflowId, firstExecutionRunId } = last.action.workflow;
      const run = await client.workflow
        .getHandle(workflowId, firstExecutionRunId)
        .describe()
        .then((w) => w.status.name)
        .catch(() => 'UNKNOWN');
      lastRun = { scheduledAt: last.scheduledAt.toISOString(), workflowId, status: run };
    }
    return {
      scheduleId: d.scheduleId,
      paused: d.state.paused,
      nextRun: d.info.nextActionTimes[0]?.toISOString(),
      lastRun,
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

export async function archivingStatus(
  s3: S3Client,
  temporal: Client | undefined,
  config: Config,
  maxAgeHours: number,
  now = Date.now(),
): Promise<ArchivingStatus> {
  const { rows } = await listArchives(s3, temporal, config); // every archive: missed days need them all
  const head = await readChainHead(new ArchiveBucket(s3, config.archive.bucket, config.archive.prefix));
  let newest: ArchivingStatus['newest'];
  let ageMs = Infinity;
  if (head) {
    const { manifest } = await readSealedManifest(s3, config.archive.bucket, head.manifestKey);
    ageMs = now - Date.parse(manifest.createdAt);
    newest = {
      archiveId: head.archiveId,
      date: manifest.date,
      sequence: head.sequence,
      sealedAt: manifest.createdAt,
      ageHours: Math.round((ageMs / 3_600_000) * 100) / 100,
    };
  }
  const schedule = temporal ? await scheduleStatus(temporal, config) : undefined;
  return {
    newest,
    stale: ageMs > maxAgeHours * 3_600_000,
    maxAgeHours,
    schedule,
    scheduleNote: !temporal
      ? `Temporal unreachable at ${config.temporal.address}: Schedule and running archives unknown`
      : schedule
        ? undefined
        : `no schedule "${config.schedule.id}" (SNAPSEAL_SCHEDULE_ID)`,
    missedDays: missingDays(rows.filter((r) => r.status === 'SEALED').map((r) => r.date)),
    running: rows
      .filter((r) => r.status.startsWith('RUNNING'))
      .map(({ id, date, status }) => ({ id, date, status })),
  };
}

export function describeStatus(s: ArchivingStatus): string {
  const lines = [
    s.newest
      ? `${s.stale ? 'STALE' : 'OK'}: newest archive ${s.newest.archiveId} (#${s.newest.sequence}, date ${s.newest.date}) sealed ${s.newest.sealedAt}, ${s.newest.ageHours} h ago (limit ${s.maxAgeHours} h)`
      : `STALE: no sealed archive yet (limit ${s.maxAgeHours} h)`,
  ];
  if (s.schedule) {
    lines.push(
      `schedule ${s.schedule.scheduleId}${s.schedule.paused ? ' (PAUSED)' : ''}: next run ${s.schedule.nextRun ?? 'none'}` +
        (s.schedule.lastRun
          ? `; last run ${s.schedule.lastRun.scheduledAt} ${s.schedule.lastRun.status} (${s.schedule.lastRun.workflowId})`
          : '; no run yet'),
    );
  } else if (s.scheduleNote) lines.push(s.scheduleNote);
  lines.push(s.missedDays.length ? `missed days: ${s.missedDays.join(', ')}` : 'missed days: none');
  lines.push(
    s.running.length ? `running: ${s.running.map((r) => `${r.id} ${r.status}`).join(', ')}` : 'running: none',
  );
  return lines.join('\n');
}

export class StatusInputError extends Error {
  override name = 'StatusInputError';
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'newest archive and its age, the Schedule, missed days, running archives; exit code 5 when stale (a probe)',
    )
    .option('--max-age-hours <hours>', 'stale when the newest archive is older than this', '26')
    .action(async (opts: { maxAgeHours: string }) => {
      const g = program.opts<GlobalOptions>();
      const config = configFrom(g);
      const maxAgeHours = Number(opts.maxAgeHours);
      if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0) {
        throw new StatusInputError(
          `Invalid --max-age-hours "${opts.maxAgeHours}": expected a number of hours such as 26`,
        );
      }
      // Without Temporal the status still comes from S3, and says what it could not see.
      const status = await withS3AndTemporalIfReachable(config, (s3, temporal) =>
        archivingStatus(s3, temporal, config, maxAgeHours),
      );
      output(g, status, () => describeStatus(status));
      if (status.stale) process.exitCode = ExitCode.Stale;
    });
}
