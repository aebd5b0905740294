// `npm run bench`: snapseal against the shell pipeline it replaces (sequential and piped), restic, the S3 read
// limit and the machine's crypto limit, on the same generated snapshot on the local stack; snapseal with 1, 2
// and 4 worker processes. Writes RESULTS.md, results.json and results.svg.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SETTINGS } from '../src/config';
import { ensureDemoKeys } from '../src/demo/demo-keys';
import { createOpenSearchClient } from '../src/opensearch/create-opensearch-client';
import { createS3Client } from '../src/s3/create-s3-client';
import { ensureBuckets } from '../src/setup/ensure-buckets';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions } from './bench-options';
import { benchNames, readStackSettings, REPO_ROOT } from './bench-environment';
import { ensureBenchSnapshot } from './bench-snapshot';
import type { BenchResults, Measurement } from './bench-types';
import { checkTools } from './check-tools';
import { measureCryptoLimit } from './crypto-limit';
import { summarizeCpuProfile } from './cpu-profile-summary';
import { BENCH_DATA_DATE, ensureBenchData } from './load-bench-indices';
import { machineFacts } from './machine-facts';
import { rcloneEnv } from './rclone-env';
import { ensureReplicatedBenchData, MAX_LOADED_GB } from './replicate-bench-data';
import { removeObjectVersions } from './remove-object-versions';
import { resultsTable, targetsTable, writeResults } from './report';
import { runReadLimit } from './run-read-limit';
import { runPipedShellPipeline } from './run-piped-shell-pipeline';
import { runRestic } from './run-restic';
import { runShellPipeline } from './run-shell-pipeline';
import { nodeVersionOf } from './worker-processes';
import {
  listCpuProfiles,
  runSnapseal,
  SNAPSEAL_VOLUME_CONCURRENCY,
  type SnapsealRunInput,
} from './run-snapseal';

const READ_CONCURRENCY = 4;
const benchStarted = Date.now();
const say = (line: string): void => {
  const t = Math.round((Date.now() - benchStarted) / 1000);
  process.stderr.write(`[bench ${String(t).padStart(4)}s] ${line}\n`);
};

/** A setting of the snapseal runs as they ran: the environment's value, or the one default in src/config.ts. */
function settingAsRun(name: string): string {
  return process.env[name] ?? `${SETTINGS[name]!.default} (default)`;
}

/** Flush dirty pages and pause, so one measurement's writes are not written back during the next one. */
async function quiesce(): Promise<void> {
  spawnSync('sync');
  await new Promise((r) => setTimeout(r, 3000));
}

function runStamp(): string {
  const now = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${now}-${randomBytes(2).toString('hex')}`;
}

async function bench(options: BenchOptions, command: string): Promise<void> {
  const tools = checkTools(options.parts);
  const names = benchNames(options.sizeGb);
  const stack = readStackSettings(names);
  const s3 = createS3Client(stack.config.s3);
  const search = createOpenSearchClient(stack.config.opensearch, stack.config.s3.region);
  const stamp = runStamp();
  const workDir = await mkdtemp(join(options.tmpDir, 'snapseal-bench-'));
  const scratchDir = join(workDir, 'scratch');
  await mkdir(scratchDir);
  const measurements: Measurement[] = [];
  // The machine's load when a measurement ends (1-minute average): other work on the machine shows here.
  const record = (...ms: Measurement[]): void => {
    for (const m of ms) measurements.push({ ...m, loadAverage: m.loadAverage ?? loadavg()[0] });
  };
  let cpuProfile: BenchResults['cpuProfile'];
  let cryptoLimit: BenchResults['cryptoLimit'];
  const has = (part: string): boolean => options.parts.includes(part as never);
  try {
    say(`buckets ${names.stagingBucket}, ${names.archiveBucket}`);
    await ensureBuckets(s3, stack.config);
    const keys = await ensureDemoKeys(join(REPO_ROOT, '.stack', 'demo-keys'));
    const cluster = (await search.info()).body;
    tools.opensearch = `OpenSearch ${cluster.version.number}`;

    say(`data: ${options.sizeGb} GB of generated logs in ${names.indexPattern}`);
    const data =
      options.sizeGb > MAX_LOADED_GB
        ? await ensureReplicatedBenchData(search, s3, names, options.sizeGb * 1e9, (l) => say(l))
        : await ensureBenchData(search, names, options.sizeGb * 1e9, (l) => say(l));
    say(
      data.reused
        ? `    reusing the indices loaded at ${data.loadedAt} (loading took ${data.loadSeconds.toFixed(0)} s then)`
        : `    loaded ${data.docs} documents in ${data.loadSeconds.toFixed(0)} s`,
    );
    const snapshot = await ensureBenchSnapshot(search, s3, names, data);
    say(
      `bench snapshot s3://${snapshot.bucket}/${snapshot.prefix}: ${(snapshot.bytes / 1e9).toFixed(3)} GB in ${snapshot.files} objects` +
        (snapshot.reused ? ' (reused)' : ` (taken in ${snapshot.snapshotSeconds.toFixed(0)} s)`),
    );

    if (has('read')) {
      await quiesce();
      say(`read limit: GetObject ×${READ_CONCURRENCY} → /dev/null`);
      record(await runReadLimit(snapshot, stack.file, scratchDir, READ_CONCURRENCY));
    }

    if (has('crypto')) {
      await quiesce();
      say('crypto limit: node:crypto and zlib primitives, one core');
      cryptoLimit = measureCryptoLimit();
      say(`    ${cryptoLimit.cpuSecondsPerGb.toFixed(2)} CPU-s per GB of plaintext`);
    }

    if (has('shell') || has('restic')) {
      await quiesce();
      say('shell pipeline: rclone copy → tar → sha256sum → gpg → rclone copy');
      const pipelineDir = join(workDir, 'pipeline');
      const shellKey = `shell/${stamp}/snapshot.tar.gpg`;
      const shell = await runShellPipeline({
        snapshot,
        workDir: pipelineDir,
        scratchDir,
        rcloneEnv: rcloneEnv(stack, scratchDir),
        recipientPublicKeyFile: keys.recipientPublic,
        archiveBucket: names.archiveBucket,
        archiveKey: shellKey,
      });
      record(shell.measurement);
      // Free the tar and the .gpg; the piped pipeline and restic read the copy.
      await rm(join(pipelineDir, 'snapshot.tar'), { force: true });
      await rm(join(pipelineDir, 'snapshot.tar.gpg'), { force: true });
      if (has('shell')) {
        await quiesce();
        say('piped shell pipeline: tar | tee(sha256sum) | gpg | tee(sha256sum) | rclone rcat');
        const pipedDir = join(workDir, 'piped');
        await mkdir(pipedDir);
        record(
          await runPipedShellPipeline({
            localCopyDir: shell.localCopyDir,
            download: shell.download,
            bytes: snapshot.bytes,
            workDir: pipedDir,
            scratchDir,
            gnupgHome: shell.gnupgHome,
            recipient: shell.recipient,
            rcloneEnv: rcloneEnv(stack, scratchDir),
            archiveBucket: names.archiveBucket,
            archiveKey: `shell/${stamp}/piped.tar.gpg`,
          }),
        );
      }
      if (!options.keep) await removeObjectVersions(s3, names.archiveBucket, `shell/${stamp}/`);

      if (has('restic')) {
        await quiesce();
        say('restic backup of the local copy');
        const restic = await runRestic({
          s3,
          stack,
          bucket: names.resticBucket,
          repositoryPath: stamp,
          localCopyDir: shell.localCopyDir,
          localCopyBytes: shell.localCopyBytes,
          download: shell.download,
          bytes: snapshot.bytes,
          scratchDir,
        });
        record(restic.backup, restic.withDownload);
        tools.restic = `${tools.restic} (repository format ${restic.repositoryVersion})`;
        if (!options.keep) await restic.remove();
      }
      if (!options.keep) await rm(pipelineDir, { recursive: true, force: true });
    }

    const snapsealInput = (workers: number, runId: string): SnapsealRunInput => ({
      stack,
      runId,
      workers,
      date: BENCH_DATA_DATE,
      indexPattern: names.indexPattern,
      stagingBucket: names.stagingBucket,
      archiveBucket: names.archiveBucket,
      recipientPublicKeyFile: keys.recipientPublic,
      signingKeyFile: keys.archiverPrivate,
      volumeMib: options.volumeMib,
      logDir: scratchDir,
    });
    const workerNodes = options.workerNodes.map((path) => ({ path, version: nodeVersionOf(path) }));
    type WorkerNode = { path: string; version: string };
    const runs = options.workerCounts.flatMap((workers): { workers: number; workerNode?: WorkerNode }[] =>
      workerNodes.length === 0 ? [{ workers }] : workerNodes.map((workerNode) => ({ workers, workerNode })),
    );
    if (has('snapseal')) {
      for (const [i, { workers, workerNode }] of runs.entries()) {
        await quiesce();
        const on = workerNode ? ` on Node.js ${workerNode.version}` : '';
        say(`snapseal: ${workers} worker process(es)${on}, archiveSnapshot through Temporal`);
        const run = await runSnapseal({
          ...snapsealInput(workers, `${stamp}-${i + 1}w${workers}`),
          workerNode,
        });
        const repeat = measurements.filter((m) => m.id.split('#')[0] === run.measurement.id).length;
        if (repeat > 0) {
          run.measurement.id += `#${repeat + 1}`;
          run.measurement.label = run.measurement.label.replace(
            ' (streaming',
            `, run ${repeat + 1} (streaming`,
          );
        }
        record(run.measurement);
        say(
          `    streaming ${run.phases.streaming.seconds.toFixed(1)} s, end to end ${Number(run.measurement.extra?.endToEndSeconds).toFixed(1)} s, ` +
            `${run.result.volumes} volumes, worker CPU while streaming ${Number(run.measurement.cpuSeconds).toFixed(1)} s ` +
            `(load ${Number(run.measurement.loadAverage).toFixed(2)})`,
        );
        if (!options.keep) await removeObjectVersions(s3, names.archiveBucket, run.archivePrefix);
      }
    }

    if (options.cpuProfile) {
      await quiesce();
      say('snapseal under node --cpu-prof (1 worker, not part of the table)');
      const profileDir = join(options.outDir, 'cpu-profile');
      await rm(profileDir, { recursive: true, force: true });
      const run = await runSnapseal({ ...snapsealInput(1, `${stamp}-prof`), cpuProfileDir: profileDir });
      if (!options.keep) await removeObjectVersions(s3, names.archiveBucket, run.archivePrefix);
      const worker = run.workers[0];
      const file = (await listCpuProfiles(profileDir)).find((f) => worker && f.includes(`.${worker.pid}.`));
      if (!file || !worker) throw new Error(`No CPU profile of the worker was written to ${profileDir}`);
      const summary = await summarizeCpuProfile(file, {
        processStartMs: worker.spawnedAtMs,
        fromMs: run.phases.streaming.startMs,
        toMs: run.phases.streaming.endMs,
      });
      cpuProfile = { file: file.replace(`${REPO_ROOT}/`, ''), ...summary };
      say(`    profile ${file} (streaming ${run.phases.streaming.seconds.toFixed(1)} s under the profiler)`);
    }

    const results: BenchResults = {
      command,
      machine: machineFacts(tools),
      data: {
        sizeGb: options.sizeGb,
        indices: data.indices,
        docs: data.docs,
        storeBytes: data.storeBytes,
        loadSeconds: data.loadSeconds,
        loadReused: data.reused,
        loadedAt: data.loadedAt,
        copies: data.copies,
        snapshotBytes: snapshot.bytes,
        snapshotFiles: snapshot.files,
        snapshotSeconds: snapshot.snapshotSeconds,
        snapshotReused: snapshot.reused,
        snapshotLocation: `s3://${snapshot.bucket}/${snapshot.prefix}`,
      },
      settings: {
        SNAPSEAL_MAX_VOLUME_MIB: options.volumeMib,
        SNAPSEAL_VOLUME_CONCURRENCY: SNAPSEAL_VOLUME_CONCURRENCY,
        SNAPSEAL_PART_SIZE_MIB: settingAsRun('SNAPSEAL_PART_SIZE_MIB'),
        SNAPSEAL_UPLOAD_QUEUE_SIZE: settingAsRun('SNAPSEAL_UPLOAD_QUEUE_SIZE'),
        SNAPSEAL_WORKER_MAX_ACTIVITIES: settingAsRun('SNAPSEAL_WORKER_MAX_ACTIVITIES'),
        'read limit: objects fetched at once': READ_CONCURRENCY,
        'snapseal archive date / indices': `${BENCH_DATA_DATE} / ${names.indexPattern}`,
        'bench run id': stamp,
      },
      measurements,
      cryptoLimit,
      cpuProfile,
    };
    process.stdout.write(`\n${resultsTable(results)}\n\n${targetsTable(results)}\n\n`);
    const files = await writeResults(options.outDir, results);
    say(`wrote ${files.join(', ')}`);
  } finally {
    await search.snapshot
      .deleteRepository({ repository: names.repository }, { ignore: [404] })
      .catch(() => undefined);
    if (!options.keep) await rm(workDir, { recursive: true, force: true });
    else say(`kept ${workDir}`);
    s3.destroy();
    await search.close();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let options: BenchOptions;
  try {
    options = parseBenchOptions(argv, {
      outDir: join(REPO_ROOT, 'bench'),
      tmpDir: process.env.TMPDIR ?? tmpdir(),
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message ? `${err.message}\n` : ''}${USAGE}\n`);
    process.exit(err.message ? 2 : 0);
  }
  if (options.renderFrom) {
    const results = JSON.parse(await readFile(options.renderFrom, 'utf8')) as BenchResults;
    const files = await writeResults(options.outDir, results);
    say(`wrote ${files.join(', ')} from ${options.renderFrom}`);
    return;
  }
  await bench(options, ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '));
}

main().catch((err: unknown) => {
  // An OpenSearch response error says what the cluster answered.
  const answer = (err as { meta?: { statusCode?: number; body?: unknown } }).meta;
  const detail = answer ? ` (HTTP ${answer.statusCode}: ${JSON.stringify(answer.body).slice(0, 500)})` : '';
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : String(err)}${detail}\n`);
  if (process.env.SNAPSEAL_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
