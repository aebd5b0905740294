// `snapseal demo`: the main job on the embedded local stack. Sample audit logs in, one day archived by a real
// worker through Temporal with every evidence feature on (witness, Object Lock retention, an RFC 3161 token from
// the stack's time-stamp authority), the archive verified, and a summary of what was written and proven.
import { existsSync } from 'node:fs';
import { Runtime } from '@temporalio/worker';
import { dirname, join } from 'node:path';
import { calendarDateIn, parseArchiveDate } from '../archive/archive-date';
import { startArchive, waitForArchive } from '../cli/archive-command';
import { output, withTemporal, workflowUrl, type GlobalOptions } from '../cli/cli-context';
import { formatBytes } from '../cli/format';
import { loadConfig, WITNESS_OFF, withEnvFile, type Config } from '../config';
import { createOpenSearchClient } from '../opensearch/create-opensearch-client';
import { createS3Client } from '../s3/create-s3-client';
import { ensureBuckets } from '../setup/ensure-buckets';
import { describeDuration } from '../verify/assurance';
import type { VerifyReport } from '../verify/verify-archive';
import { verifyWithConfig } from '../verify/verify-with-config';
import { createSnapsealWorker } from '../worker-factory';
import { demoLogger } from './demo-logger';
import { loadSampleDay } from './load-sample-data';

export interface DemoOptions {
  days: number;
  docsPerDay: number;
  /** The day archived, and the last day of sample logs (default: yesterday in SNAPSEAL_SCHEDULE_TIMEZONE). */
  date?: string;
  /** Load the sample logs only; archive nothing. */
  loadOnly?: boolean;
}

const STACK_DIR = join(__dirname, '..', '..', '.stack');

/**
 * The local stack's settings (services, demo keys, lifecycle, time-stamp authority: scripts/stack.sh writes them
 * all), small volumes; the witness and the retention are snapseal's defaults.
 */
function demoConfig(options: GlobalOptions, archiving: boolean): Config {
  const settingsFile = options.settingsFile ?? process.env.SNAPSEAL_ENV_FILE ?? join(STACK_DIR, 'env');
  if (!existsSync(settingsFile)) {
    throw new Error(
      `The demo runs on the local stack, and its settings (${settingsFile}) are missing: run 'npm run stack -- up' first (npm run demo does).`,
    );
  }
  const env = withEnvFile(settingsFile);
  if (archiving && (!env.SNAPSEAL_RECIPIENT_KEY_FILES || !env.SNAPSEAL_SIGNING_KEY_FILE)) {
    throw new Error(
      `The demo archives with the local stack's demo keys, and ${settingsFile} names none (SNAPSEAL_RECIPIENT_KEY_FILES, SNAPSEAL_SIGNING_KEY_FILE): it was written by an older scripts/stack.sh; run 'npm run stack -- up' again to rewrite it.`,
    );
  }
  if (archiving && !env.SNAPSEAL_TSA_URL) {
    throw new Error(
      `The demo time-stamps each manifest with the local stack's time-stamp authority, and ${settingsFile} names none (SNAPSEAL_TSA_URL): it was written by an older scripts/stack.sh; run 'npm run stack -- up' again to start it and rewrite the file.`,
    );
  }
  env.SNAPSEAL_MAX_VOLUME_MIB ??= '1'; // small, so the demo shows several volumes
  return loadConfig(env);
}

/** What the sealed archive carries beyond its signature: witness, retention, time-stamp (each as verify saw it). */
function evidenceLines(config: Config, report: VerifyReport): string[] {
  const { witness, archive, evidence } = config;
  const checked = report.ok ? 'checked by verify' : 'see the problems above';
  return [
    witness
      ? `  witness:   chain head recorded in s3://${witness.bucket}/${witness.prefix} (COMPLIANCE, ${describeDuration(witness.retentionSeconds)}; ${checked}): a cut tail is detected`
      : `  witness:   off (SNAPSEAL_WITNESS_BUCKET=${WITNESS_OFF}): a cut tail cannot be detected`,
    archive.objectLockDays > 0
      ? `  retention: Object Lock ${archive.objectLockMode}, ${archive.objectLockDays} days on every sealed object (${checked})`
      : '  retention: off (SNAPSEAL_OBJECT_LOCK_DAYS=0): a bucket writer can delete every version',
    evidence.tsaUrls.length > 0 && report.timestampGenTime
      ? `  time-stamp: RFC 3161 token from ${evidence.tsaUrls.join(', ')}, genTime ${report.timestampGenTime} (${checked})`
      : `  time-stamp: none (${report.timeEvidence ?? 'SNAPSEAL_TSA_URL is not set'})`,
  ];
}

export async function runDemo(options: GlobalOptions, demo: DemoOptions): Promise<void> {
  const say = (line: string): void => void (options.json ? undefined : process.stderr.write(`${line}\n`));
  const started = Date.now();
  const config = demoConfig(options, !demo.loadOnly);
  const date = demo.date ?? calendarDateIn(new Date(), config.schedule.timeZone, 1);
  parseArchiveDate(date);
  const s3 = createS3Client(config.s3);
  const search = createOpenSearchClient(config.opensearch, config.s3.region);
  try {
    if (!demo.loadOnly) {
      say('1/4 buckets');
      await ensureBuckets(s3, config);
    }
    say(`${demo.loadOnly ? '' : '2/4 '}sample audit logs (${demo.days} days × ${demo.docsPerDay} documents)`);
    const loaded: Awaited<ReturnType<typeof loadSampleDay>>[] = [];
    for (let back = 0; back < demo.days; back++) {
      const day = calendarDateIn(new Date(Date.parse(`${date}T12:00:00Z`)), 'UTC', back);
      const result = await loadSampleDay(search, config.archive.indexTemplate, day, demo.docsPerDay);
      say(`    ${result.index}: ${result.docs} documents${result.created ? '' : ' (already loaded)'}`);
      loaded.push(result);
    }
    if (demo.loadOnly) {
      output(options, { loaded }, () => `loaded ${loaded.map((l) => l.index).join(', ')}`);
      return;
    }

    say(`3/4 archiving ${date} through Temporal`);
    Runtime.install({ logger: demoLogger() });
    const { worker, close } = await createSnapsealWorker(config);
    let result;
    let workflowId = '';
    let runId = '';
    try {
      result = await withTemporal(config, async (client) => {
        const run = await startArchive(client, config, { date, wait: true, progress: !options.json });
        workflowId = run.workflowId;
        runId = run.runId;
        say(`    workflow ${workflowId}: ${workflowUrl(config, workflowId, runId)}`);
        return worker.runUntil(waitForArchive(client, run, !options.json));
      });
    } finally {
      await close();
    }

    say('4/4 verifying the archive (signature, every volume, every file)');
    const report = await verifyWithConfig(config, result.archiveId);
    const seconds = Math.round((Date.now() - started) / 1000);
    const summary = {
      ok: report.ok,
      seconds,
      date,
      loaded,
      archive: result,
      verification: report,
      temporalUi: workflowUrl(config, workflowId, runId),
    };
    output(options, summary, () =>
      [
        `${report.ok ? 'OK' : 'FAILED'}: archive ${result.archiveId} ${result.status === 'SEALED' ? 'sealed' : 'was already sealed'} and verified in ${seconds}s`,
        `  indices:   ${result.indices.map((i) => `${i.name} (${i.docCount} docs)`).join(', ')}`,
        `  volumes:   ${result.volumes} in s3://${config.archive.bucket}/${config.archive.prefix}${result.archiveId}/ (${formatBytes(result.plaintextBytes)} tar → ${formatBytes(result.ciphertextBytes)} OpenPGP)`,
        `  manifest:  ${result.manifestKey} (chain #${result.sequence}), signed by ${report.signer ?? '?'}`,
        `  verified:  ${report.volumesChecked} volume(s), ${report.filesChecked} files` +
          (report.ok
            ? ''
            : `\n  problems:\n${report.problems.map((p) => `    ${JSON.stringify(p)}`).join('\n')}`),
        ...evidenceLines(config, report),
        `  Temporal UI: ${summary.temporalUi}`,
        `  keys:      ${dirname(config.keys.recipientKeyFiles[0] ?? '')} (the local stack's demo keys)`,
      ].join('\n'),
    );
    if (!report.ok) process.exitCode = 4;
  } finally {
    s3.destroy();
    await search.close();
  }
}
