// Measuring processes: wall time and peak RSS of a command run under GNU time, and the peak RSS and disk
// writes of a running process read from /proc.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TIME_BINARY } from './check-tools';

export interface MeasuredRun {
  name: string;
  seconds: number;
  peakRssBytes: number;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Directory for GNU time's report file. */
  scratchDir: string;
  /** Write the command's stdout to this file (default: discard it). */
  stdoutFile?: string;
}

let runCounter = 0;

/** Run `command args` under GNU time; wall time is measured here, peak RSS is time's %M (KiB). */
export async function runMeasured(
  name: string,
  command: string,
  args: string[],
  options: RunOptions,
): Promise<MeasuredRun> {
  const report = join(options.scratchDir, `time-${process.pid}-${++runCounter}.txt`);
  const stdout = options.stdoutFile ? openSync(options.stdoutFile, 'w') : 'ignore';
  const started = process.hrtime.bigint();
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(TIME_BINARY, ['-f', '%M', '-o', report, command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', stdout, 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ code: exitCode, stderr: err }));
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (typeof stdout === 'number') closeSync(stdout);
  const timeReport = await readFile(report, 'utf8').catch(() => '');
  await rm(report, { force: true });
  if (code !== 0) {
    throw new Error(
      `${name} failed (${command} exited with ${code}):\n${stderr.trim() || timeReport.trim()}`,
    );
  }
  const kib = Number(timeReport.trim().split('\n').pop());
  if (!Number.isFinite(kib))
    throw new Error(`${name}: could not read the peak RSS from ${TIME_BINARY}: ${timeReport}`);
  return { name, seconds, peakRssBytes: kib * 1024 };
}

/** A field of /proc/<pid>/status in bytes (VmHWM: peak resident set size; VmRSS: current). */
export function procStatusBytes(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(m[1]) * 1024;
}

/** Bytes the process caused to be written to storage (/proc/<pid>/io write_bytes). */
export function procWriteBytes(pid: number): number {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const m = /^write_bytes:\s+(\d+)/m.exec(io);
  if (!m) throw new Error(`/proc/${pid}/io has no write_bytes`);
  return Number(m[1]);
}

/** Reset the process's VmHWM to its current RSS (Linux clear_refs 5); false when not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU seconds (user + system) the process has used so far (/proc/<pid>/stat; clock ticks of 1/100 s). */
export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
