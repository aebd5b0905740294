// The bench's report: a Markdown table (printed and written to RESULTS.md with the machine and data facts),
// results.json with the raw numbers, and results.svg.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults, Measurement } from './bench-types';
import { cpuPerGb, mbPerSecond } from './bench-types';
import { renderResultsSvg } from './plot-svg';

export const RSS_TARGET_MIB = 256;
const SHELL_TARGET = 1.0;
const PIPED_SHELL_TARGET = 2.0;
const RESTIC_TARGET = 2.0;
const CRYPTO_LIMIT_TARGET = 1.5;
const TWO_WORKERS_TARGET = 1.6;
/** Cores below which 2 worker processes cannot scale: each streams 2 volumes on threads, and MinIO needs CPU too. */
const CORES_FOR_TWO_WORKERS = 4;
/** The share of an archive run's end-to-end time that may go to neither the snapshot nor the streaming. */
const OVERHEAD_TARGET = 0.1;

const mib = (bytes: number): string => `${Math.round(bytes / 2 ** 20)}`;
const seconds = (s: number): string => s.toFixed(1);
/** A table cell's text: a `|` inside it (a shell pipeline's name) would end the cell. */
const cell = (text: string): string => text.replaceAll('|', '\\|');

export function formatBytes(bytes: number): string {
  if (bytes < 1e3) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = bytes / 1e3;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u += 1;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

function find(results: BenchResults, id: string): Measurement | undefined {
  return results.measurements.find((m) => m.id === id);
}

/** The snapseal run the ratios and targets use: 1 worker process when measured, else the first one. */
export function referenceRun(results: BenchResults): Measurement | undefined {
  return find(results, 'snapseal-1') ?? results.measurements.find((m) => m.id.startsWith('snapseal-'));
}

/**
 * End to end minus the snapshot minus the streaming: start-up, the snapshot poll landing after the snapshot's
 * end, planning, sealing, cleanup and the hops between them. Runs recorded before snapshotSeconds was kept
 * read the snapshot from their stage list.
 */
export function overheadSeconds(m: Measurement): number | undefined {
  const e2e = m.extra?.endToEndSeconds;
  if (typeof e2e !== 'number') return undefined;
  const recorded = m.extra?.snapshotSeconds;
  const snapshot =
    typeof recorded === 'number'
      ? recorded
      : (m.stages?.find((s) => s.name.startsWith('snapshot'))?.seconds ?? 0);
  return e2e - snapshot - m.seconds;
}

function endToEndRow(m: Measurement): Measurement | undefined {
  const e2e = m.extra?.endToEndSeconds;
  if (typeof e2e !== 'number') return undefined;
  return {
    ...m,
    id: `${m.id}-end-to-end`,
    label: m.label.replace('(streaming phase)', '(end to end, incl. its own snapshot)'),
    seconds: e2e,
    diskBytes: undefined,
  };
}

/** snapseal first, then the shell pipeline, restic and the read limit. */
export function inReportOrder(measurements: Measurement[]): Measurement[] {
  const order = ['snapseal-', 'shell', 'shell-piped', 'restic', 'restic-with-download', 'read-limit'];
  const rank = (m: Measurement): number =>
    order.findIndex((p) => (p.endsWith('-') ? m.id.startsWith(p) : m.id === p));
  return [...measurements].sort((a, b) => rank(a) - rank(b));
}

export function resultsTable(results: BenchResults): string {
  const ref = referenceRun(results);
  const rows = inReportOrder(results.measurements);
  const snapsealRows = rows.filter((m) => m.id.startsWith('snapseal-'));
  const e2eRows = snapsealRows.map(endToEndRow).filter((m): m is Measurement => m !== undefined);
  rows.splice(snapsealRows.length, 0, ...e2eRows);
  const refLabel = ref ? ref.label.replace(' (streaming phase)', '') : 'snapseal';
  const lines = [
    `| measurement | time (s) | overhead (s) | MB/s | peak RSS (MiB) | local disk | CPU (s) | CPU-s/GB | load | ${refLabel} ÷ this |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const overheadBy = new Map(
    snapsealRows.map((m) => [
      `${m.id}-end-to-end`,
      { overhead: overheadSeconds(m), e2e: m.extra?.endToEndSeconds },
    ]),
  );
  for (const m of rows) {
    const ratio =
      ref && !m.id.endsWith('-end-to-end') && m.id !== ref.id
        ? `${(mbPerSecond(ref) / mbPerSecond(m)).toFixed(2)}x`
        : '';
    const disk = m.diskBytes === undefined ? '' : formatBytes(m.diskBytes);
    const cpu = m.id.endsWith('-end-to-end') ? undefined : m.cpuSeconds;
    const perGb = cpu === undefined ? undefined : cpuPerGb(m);
    const load = m.id.endsWith('-end-to-end') || m.loadAverage === undefined ? '' : m.loadAverage.toFixed(2);
    const over = overheadBy.get(m.id);
    const overhead =
      over?.overhead === undefined || typeof over.e2e !== 'number'
        ? ''
        : `${seconds(over.overhead)} (${Math.round((100 * over.overhead) / over.e2e)}%)`;
    lines.push(
      `| ${cell(m.label)} | ${seconds(m.seconds)} | ${overhead} | ${mbPerSecond(m).toFixed(1)} | ${m.peakRssBytes === undefined ? '' : mib(m.peakRssBytes)} | ${disk} | ${cpu === undefined ? '' : seconds(cpu)} | ${perGb === undefined ? '' : perGb.toFixed(2)} | ${load} | ${ratio} |`,
    );
  }
  return lines.join('\n');
}

export interface TargetCheck {
  target: string;
  figure: string;
  met: boolean;
}

export function targetChecks(results: BenchResults): TargetCheck[] {
  const ref = referenceRun(results);
  if (!ref) return [];
  const checks: TargetCheck[] = [];
  const shell = find(results, 'shell');
  if (shell) {
    const ratio = mbPerSecond(ref) / mbPerSecond(shell);
    checks.push({
      target: `snapseal ≥ ${SHELL_TARGET.toFixed(1)}x the shell pipeline's throughput`,
      figure: `${ratio.toFixed(2)}x (${mbPerSecond(ref).toFixed(1)} vs ${mbPerSecond(shell).toFixed(1)} MB/s)`,
      met: ratio >= SHELL_TARGET,
    });
  }
  const restic = find(results, 'restic');
  if (restic) {
    const ratio = mbPerSecond(ref) / mbPerSecond(restic);
    const withDownload = find(results, 'restic-with-download');
    const alt = withDownload
      ? `; ${(mbPerSecond(ref) / mbPerSecond(withDownload)).toFixed(2)}x counting restic's download`
      : '';
    checks.push({
      target: `snapseal ≥ ${RESTIC_TARGET.toFixed(1)}x restic's throughput (restic backup alone)`,
      figure: `${ratio.toFixed(2)}x (${mbPerSecond(ref).toFixed(1)} vs ${mbPerSecond(restic).toFixed(1)} MB/s${alt})`,
      met: ratio >= RESTIC_TARGET,
    });
  }
  const piped = find(results, 'shell-piped');
  if (piped) {
    const ratio = mbPerSecond(ref) / mbPerSecond(piped);
    checks.push({
      target: `snapseal ≥ ${PIPED_SHELL_TARGET.toFixed(1)}x the piped shell pipeline's throughput`,
      figure: `${ratio.toFixed(2)}x (${mbPerSecond(ref).toFixed(1)} vs ${mbPerSecond(piped).toFixed(1)} MB/s)`,
      met: ratio >= PIPED_SHELL_TARGET,
    });
  }
  const overhead = overheadSeconds(ref);
  const e2e = ref.extra?.endToEndSeconds;
  if (overhead !== undefined && typeof e2e === 'number') {
    checks.push({
      target: `overhead (end to end − snapshot − streaming) ≤ ${Math.round(OVERHEAD_TARGET * 100)}% of end to end`,
      figure: `${seconds(overhead)} s of ${seconds(e2e)} s (${Math.round((100 * overhead) / e2e)}%)`,
      met: overhead <= OVERHEAD_TARGET * e2e,
    });
  }
  const refCpu = cpuPerGb(ref);
  if (results.cryptoLimit && refCpu !== undefined) {
    const limit = results.cryptoLimit.cpuSecondsPerGb;
    const ratio = refCpu / limit;
    checks.push({
      target: `snapseal's CPU per GB ≤ ${CRYPTO_LIMIT_TARGET.toFixed(1)}x the crypto limit`,
      figure: `${ratio.toFixed(2)}x (${refCpu.toFixed(2)} vs ${limit.toFixed(2)} CPU-s/GB)`,
      met: ratio <= CRYPTO_LIMIT_TARGET,
    });
  }
  const one = find(results, 'snapseal-1');
  const two = find(results, 'snapseal-2');
  if (one && two) {
    const ratio = mbPerSecond(two) / mbPerSecond(one);
    const cores = results.machine.cores;
    const applies = cores >= CORES_FOR_TWO_WORKERS;
    checks.push({
      target: `2 worker processes ≥ ${TWO_WORKERS_TARGET.toFixed(1)}x one (where the machine has ≥ ${CORES_FOR_TWO_WORKERS} cores)`,
      figure:
        `${ratio.toFixed(2)}x (${mbPerSecond(two).toFixed(1)} vs ${mbPerSecond(one).toFixed(1)} MB/s)` +
        (applies ? '' : `; ${cores} cores shared with the stack: see "Where the CPU goes"`),
      met: ratio >= TWO_WORKERS_TARGET,
    });
  }
  const snapsealRuns = results.measurements.filter(
    (m) => m.id.startsWith('snapseal-') && m.peakRssBytes !== undefined,
  );
  for (const m of snapsealRuns) {
    const peak = m.peakRssBytes ?? 0;
    const runPeak = Number(m.extra?.runPeakRssBytes ?? peak);
    const startup = Number(m.extra?.startupPeakRssBytes ?? 0);
    checks.push({
      target: `peak RSS ≤ ${RSS_TARGET_MIB} MiB per worker process (${m.label.replace(' (streaming phase)', '')})`,
      figure: `${mib(peak)} MiB (archiving: ${mib(runPeak)} MiB; start-up: ${mib(startup)} MiB)`,
      met: peak <= RSS_TARGET_MIB * 2 ** 20,
    });
  }
  return checks;
}

export function targetsTable(results: BenchResults): string {
  const lines = ['| target | figure | |', '| --- | --- | --- |'];
  const cores = results.machine.cores;
  for (const c of targetChecks(results)) {
    const na = c.target.startsWith('2 worker processes') && cores < CORES_FOR_TWO_WORKERS && !c.met;
    lines.push(
      `| ${c.target} | ${c.figure} | ${c.met ? 'met' : na ? 'not met (not applicable here)' : 'not met'} |`,
    );
  }
  return lines.join('\n');
}

function stagesSection(results: BenchResults): string[] {
  const out: string[] = [];
  for (const m of results.measurements) {
    if (!m.stages?.length) continue;
    out.push(
      `**${m.label}**`,
      '',
      '| stage | time (s) | peak RSS (MiB) | CPU (s) |',
      '| --- | ---: | ---: | ---: |',
    );
    for (const s of m.stages) {
      out.push(
        `| ${cell(s.name)} | ${seconds(s.seconds)} | ${s.peakRssBytes === undefined ? '' : mib(s.peakRssBytes)} | ${s.cpuSeconds === undefined ? '' : seconds(s.cpuSeconds)} |`,
      );
    }
    out.push('');
    for (const n of m.notes) out.push(`- ${n}`);
    if (m.cpuNote) out.push(`- CPU: ${m.cpuNote}`);
    if (m.loadAverage !== undefined)
      out.push(`- load average (1 min) while it ran: ${m.loadAverage.toFixed(2)}`);
    if (m.diskNote) out.push(`- local disk: ${m.diskNote}`);
    if (m.extra) {
      const e = m.extra;
      if (typeof e.endToEndSeconds === 'number') {
        out.push(
          `- end to end ${seconds(e.endToEndSeconds)} s (workflow history: ${seconds(Number(e.workflowSeconds))} s); ` +
            `${e.volumes} volumes, ${e.files} files, ${formatBytes(Number(e.plaintextBytes))} tar → ${formatBytes(Number(e.ciphertextBytes))} OpenPGP; ` +
            `worker CPU time during the run ${seconds(Number(e.workerCpuSeconds))} s; peak RSS reset after start-up: ${e.peakRssReset}`,
        );
      }
    }
    out.push('');
  }
  return out;
}

export function cryptoLimitSection(results: BenchResults): string[] {
  const c = results.cryptoLimit;
  if (!c) return [];
  const ref = referenceRun(results);
  const refCpu = ref ? cpuPerGb(ref) : undefined;
  return [
    '## Crypto limit',
    '',
    `The primitives snapseal runs on every plaintext byte, each timed alone on one core with node:crypto (OpenSSL) ` +
      `and zlib, ${formatBytes(c.bytesPerPrimitive)} in ${formatBytes(c.chunkBytes)} chunks (the pipeline's chunk size); ` +
      `load average ${c.loadAverage.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min) when it ran.`,
    '',
    '| primitive | passes per byte | MB/s (one pass) | CPU-s/GB (one pass) | CPU-s/GB (all passes) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...c.primitives.map(
      (p) =>
        `| ${p.name} | ${p.timesPerByte} | ${p.mbPerSecond.toFixed(0)} | ${p.cpuSecondsPerGb.toFixed(3)} | ${(p.timesPerByte * p.cpuSecondsPerGb).toFixed(3)} |`,
    ),
    `| **crypto limit** | | ${(1e3 / c.cpuSecondsPerGb).toFixed(0)} (one core) | | **${c.cpuSecondsPerGb.toFixed(3)}** |`,
    '',
    ...(refCpu === undefined
      ? []
      : [
          `${ref?.label.replace(' (streaming phase)', '')}: ${refCpu.toFixed(2)} CPU-s/GB, ${(refCpu / c.cpuSecondsPerGb).toFixed(2)}x the crypto limit.`,
          '',
        ]),
  ];
}

/** Where the machine's CPU went during each snapseal run's streaming phase. */
export function cpuSpreadSection(results: BenchResults): string[] {
  const runs = results.measurements.filter(
    (m) => m.id.startsWith('snapseal-') && typeof m.extra?.streamingMachineTotalSeconds === 'number',
  );
  if (runs.length === 0) return [];
  const lines = [
    '## Where the CPU goes',
    '',
    "CPU seconds during each snapseal run's streaming phase (/proc sampled every 250 ms): the core-seconds the machine " +
      "had, what was busy, and who used it. 'other' is everything else on the machine (the bench itself, and any " +
      'other work sharing it).',
    '',
    '| run | streaming (s) | core-s available | busy | snapseal workers | of which main threads | MinIO | OpenSearch | Temporal | other |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const m of runs) {
    const e = m.extra ?? {};
    const n = (k: string): number => Number(e[k] ?? 0);
    const busy = n('streamingMachineBusySeconds');
    const workers = m.cpuSeconds ?? 0;
    const stack = n('streamingCpu MinIO') + n('streamingCpu OpenSearch') + n('streamingCpu Temporal');
    lines.push(
      `| ${cell(m.label.replace(' (streaming phase)', ''))} | ${seconds(m.seconds)} | ${seconds(n('streamingMachineTotalSeconds'))} | ${seconds(busy)} | ` +
        `${seconds(workers)} | ${seconds(n('streamingMainThreadCpuSeconds'))} | ${seconds(n('streamingCpu MinIO'))} | ` +
        `${seconds(n('streamingCpu OpenSearch'))} | ${seconds(n('streamingCpu Temporal'))} | ${seconds(Math.max(0, busy - workers - stack))} |`,
    );
  }
  lines.push('');
  return lines;
}

export function renderResultsMarkdown(results: BenchResults): string {
  const { machine, data } = results;
  const command = results.command ?? 'npm run bench';
  const lines = [
    '# snapseal benchmark',
    '',
    `Run on ${machine.date.slice(0, 10)} (${machine.date}) with \`${command}\`, on the local stack (MinIO, OpenSearch, Temporal on 127.0.0.1).`,
    'Generated by `npm run bench` (bench/main.ts); the raw numbers are in results.json, the figure in results.svg.',
    '',
    '## Results',
    '',
    resultsTable(results),
    '',
    'MB/s is 10^6 bytes of snapshot data per second: the bench snapshot for the other tools, the byte count of the ' +
      "workflow's own snapshot (its volume plan) for snapseal. snapseal's throughput and the ratios use its streaming " +
      'phase (first `archiveVolume` scheduled → last completed, from the workflow history), which does what the other tools ' +
      'do: staging snapshot → archive bucket. Peak RSS: the largest process (snapseal: worker process, VmHWM; others: GNU time %M, ' +
      'the largest stage). Local disk: peak bytes of temporary files; for snapseal the bytes its worker processes wrote to storage. ' +
      'CPU: user + system seconds (snapseal: its worker processes, all threads, during the streaming phase; others: GNU time); ' +
      'CPU-s/GB divides it by the snapshot GB. Load: the 1-minute load average while it ran. Overhead (end-to-end rows): ' +
      'end to end minus the snapshot (takeSnapshot → the poll that saw it end) minus the streaming phase, with its share ' +
      'of end to end: start-up, planning, sealing, cleanup and the waits between them.',
    '',
    '## Targets',
    '',
    targetsTable(results),
    '',
    ...cryptoLimitSection(results),
    ...cpuSpreadSection(results),
    '## Data',
    '',
    `- ${data.indices.length} generated log indices (${data.indices.join(', ')}): VPC flow, ALB and CloudTrail-like documents, ` +
      `${data.docs.toLocaleString('en-US')} documents, ${formatBytes(data.storeBytes)} primary store, 1 shard each, no replicas, not force-merged`,
    data.copies
      ? `- ${data.copies} restored copies of the 1 GB bench load (bulk loading ${data.sizeGb} GB would take hours here); ` +
        `restoring took ${seconds(data.loadSeconds)} s (${data.loadReused ? `reused from ${data.loadedAt}` : 'in this run'}). ` +
        'The copies repeat the same bytes: snapseal and the shell pipelines process every byte anyway, restic deduplicates them'
      : `- loading took ${seconds(data.loadSeconds)} s (bulk requests; ${data.loadReused ? `reused from an earlier bench run of ${data.loadedAt}` : 'loaded in this run'})`,
    `- bench snapshot: ${formatBytes(data.snapshotBytes)} in ${data.snapshotFiles} objects at ${data.snapshotLocation} ` +
      `(${data.snapshotReused ? 'reused' : `taken in ${seconds(data.snapshotSeconds)} s`})`,
    '',
    '## Machine',
    '',
    `- ${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 2 ** 30).toFixed(1)} GiB RAM, ${machine.os}`,
    `- Node.js ${machine.node}`,
    ...Object.entries(machine.tools).map(([tool, version]) => `- ${tool}: ${version}`),
    '',
    '## Settings',
    '',
    ...Object.entries(results.settings).map(([k, v]) => `- ${k}: ${v}`),
    '',
    '## Stages and notes',
    '',
    ...stagesSection(results),
    '## Method and caveats',
    '',
    "- One run per figure. The local stack (MinIO, OpenSearch, Temporal) shares the machine's cores with the tools " +
      'measured, and other work using the same stack at the same time adds noise: compare figures of one run, ' +
      'and repeat a run before trusting a small difference.',
    "- The machine's RAM holds the whole snapshot, so after the first pass (the read limit runs first) MinIO serves " +
      'reads from the page cache: the figures measure CPU and local networking, not disks. Before each measurement ' +
      "the bench runs `sync` and pauses, so one measurement's writes are not flushed during the next.",
    '- snapseal archives its own snapshot of the same indices (taken by the workflow, the same segment files; its ' +
      'byte count is used for its MB/s); the other tools read the bench snapshot.',
    '- The shell pipeline runs its stages one after another with temporary files on local disk (copy, tar and .gpg: ' +
      'three times the snapshot at the end); its time is the sum of the stages.',
    '- restic reads the local copy the shell pipeline downloaded (restic backs up files; it cannot read S3 objects), ' +
      'into a fresh repository per run; it deduplicates and compresses, so it uploads fewer bytes. The row ' +
      '"incl. rclone download" adds the download, to compare staging → archive like snapseal.',
    '- snapseal\'s peak RSS is the worker process\'s VmHWM: "start-up" is read once the worker polls (it bundles the ' +
      'workflow code when it starts), then the high-water mark is reset (`/proc/<pid>/clear_refs`) and read again at ' +
      'the end of the run ("archiving", which starts from the memory still resident after start-up).',
    '',
  ];
  if (results.cpuProfile) {
    const p = results.cpuProfile;
    lines.push(
      '## Where snapseal spends its CPU time',
      '',
      `A separate run with 1 worker under \`node --cpu-prof\` (${p.file}); samples of the streaming phase only, ` +
        `${(p.totalMs / 1000).toFixed(1)} s of CPU time on the worker's main thread (idle excluded).`,
      '',
      '| package | self time (s) | share |',
      '| --- | ---: | ---: |',
      ...p.byPackage.map(
        (e) => `| ${e.functionName} | ${(e.selfMs / 1000).toFixed(1)} | ${e.selfPercent.toFixed(1)}% |`,
      ),
      '',
      '| function | location | self time (s) | share |',
      '| --- | --- | ---: | ---: |',
      ...p.top.map(
        (e) =>
          `| ${e.functionName} | ${e.location} | ${(e.selfMs / 1000).toFixed(1)} | ${e.selfPercent.toFixed(1)}% |`,
      ),
      '',
    );
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

export async function writeResults(outDir: string, results: BenchResults): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const files = [join(outDir, 'RESULTS.md'), join(outDir, 'results.json'), join(outDir, 'results.svg')];
  await writeFile(files[0] as string, renderResultsMarkdown(results));
  await writeFile(files[1] as string, `${JSON.stringify(results, null, 2)}\n`);
  const title = `snapseal bench: ${formatBytes(results.data.snapshotBytes)} snapshot, ${results.machine.cores} cores, ${results.machine.date.slice(0, 10)}`;
  await writeFile(
    files[2] as string,
    renderResultsSvg(inReportOrder(results.measurements), title, RSS_TARGET_MIB),
  );
  return files;
}
