// `snapseal status`: is archiving healthy? The archive of the newest day and its age, the Schedule's next run
// and last outcome, days missing from the chain, runs in progress; unhealthy (exit code 6) when archiving
// cannot run (Temporal unreachable, the Schedule missing or paused, a role's queue without a worker, the
// witness ahead of the chain); else stale (exit code 5) past --max-age-hours: a cron job or Kubernetes probe.
import type { S3Client } from '@aws-sdk/client-s3';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Config } from '../config';
import { assuranceOf, describeAssurance, type Assurance } from '../verify/assurance';
import { configFrom, output, withS3AndTemporalIfReachable, type GlobalOptions } from './cli-context';
import { ExitCode } from './exit-codes';
import { listArchives } from './list-archives';
import { ARCHIVE_QUEUES, describeMissingPollers, missingPollers } from './queue-pollers';
import { listObjects } from '../s3/s3-objects';

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
  /** Why archiving cannot run as scheduled, one line each; any makes the status unhealthy (exit code 6). */
  problems: string[];
  /** Days between the first and the newest sealed archive that have no archive. */
  missedDays: string[];
  running: { id: string; date: string; status: string }[];
  /** What the settings in force let snapseal prove, and what not (src/verify/assurance.ts). */
  assurance: Assurance;
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

/** The highest sequence the witness holds a record of (its keys are zero-padded sequences), 0 for none. */
async function newestWitnessedSequence(s3: S3Client, config: Config): Promise<number> {
  if (!config.witness) return 0;
  let newest = 0;
  for await (const o of listObjects(s3, config.witness.bucket, config.witness.prefix)) {
    const m = /(\d{8})\.json$/.exec(o.key);
    if (m) newest = Math.max(newest, Number(m[1]));
  }
  return newest;
}

export async function archivingStatus(
  s3: S3Client,
  temporal: Client | undefined,
  config: Config,
  maxAgeHours: number,
  now = Date.now(),
): Promise<ArchivingStatus> {
  const { rows } = await listArchives(s3, temporal, config); // every archive: missed days need them all
  const sealed = rows.filter((r) => r.status === 'SEALED' && r.sequence !== undefined);
  // The newest day, not the newest seal: a backfilled old day is sealed last, yet archiving is only up to
  // date when the latest days are in (rows come oldest day first).
  const latest = sealed.at(-1);
  let newest: ArchivingStatus['newest'];
  let ageMs = Infinity;
  if (latest) {
    ageMs = now - Date.parse(latest.sealedAt!);
    newest = {
      archiveId: latest.id,
      date: latest.date,
      sequence: latest.sequence!,
      sealedAt: latest.sealedAt!,
      ageHours: Math.round((ageMs / 3_600_000) * 100) / 100,
    };
  }
  const problems: string[] = [];
  const chainSequence = Math.max(0, ...rows.map((r) => r.sequence ?? 0));
  const witnessed = await newestWitnessedSequence(s3, config);
  if (witnessed > chainSequence)
    problems.push(
      `the witness (SNAPSEAL_WITNESS_BUCKET) saw sequence ${witnessed}, the chain ends at ${chainSequence}: archives were removed; run 'snapseal verify --chain'`,
    );
  const schedule = temporal ? await scheduleStatus(temporal, config) : undefined;
  if (!temporal) problems.push(`Temporal unreachable at ${config.temporal.address} (TEMPORAL_ADDRESS)`);
  else if (!schedule)
    problems.push(
      `no schedule "${config.schedule.id}" (SNAPSEAL_SCHEDULE_ID): create it with 'snapseal schedule create'`,
    );
  else if (schedule.paused)
    problems.push(`schedule "${schedule.scheduleId}" is paused: resume it with 'snapseal schedule unpause'`);
  if (temporal) {
    const missing = await missingPollers(temporal, config.temporal.taskQueue, ARCHIVE_QUEUES);
    if (missing.length > 0) problems.push(describeMissingPollers(missing));
  }
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
    problems,
    missedDays: missingDays(sealed.map((r) => r.date)),
    running: rows
      .filter((r) => r.status.startsWith('RUNNING'))
      .map(({ id, date, status }) => ({ id, date, status })),
    assurance: assuranceOf(config),
  };
}

export function describeStatus(s: ArchivingStatus): string {
  const verdict = s.problems.length > 0 ? 'UNHEALTHY' : s.stale ? 'STALE' : 'OK';
  const lines = [
    s.newest
      ? `${verdict}: newest archive ${s.newest.archiveId} (#${s.newest.sequence}, date ${s.newest.date}) sealed ${s.newest.sealedAt}, ${s.newest.ageHours} h ago (limit ${s.maxAgeHours} h)${s.stale && verdict !== 'STALE' ? ', STALE' : ''}`
      : `${verdict === 'OK' ? 'STALE' : verdict}: no sealed archive yet (limit ${s.maxAgeHours} h)`,
    ...s.problems.map((p) => `problem: ${p}`),
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
  lines.push(describeAssurance(s.assurance));
  return lines.join('\n');
}

export class StatusInputError extends Error {
  override name = 'StatusInputError';
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description(
      'archive of the newest day and its age, the Schedule, workers, missed days, running archives; exit code 6 when archiving cannot run, 5 when stale (a probe)',
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
      // Unhealthy first: a stale archive is what follows from archiving that cannot run.
      if (status.problems.length > 0) process.exitCode = ExitCode.Unhealthy;
      else if (status.stale) process.exitCode = ExitCode.Stale;
    });
}
