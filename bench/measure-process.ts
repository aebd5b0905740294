// Measuring processes: wall time, CPU time and peak RSS of a command run under GNU time, and the peak RSS,
// CPU time and disk writes of a running process read from /proc.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { TIME_BINARY } from './check-tools';

export interface MeasuredRun {
  name: string;
  seconds: number;
  peakRssBytes: number;
  /** User + system CPU seconds of the command and the children it waited for (GNU time %U + %S). */
  cpuSeconds: number;
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

/** Run `command args` under GNU time; wall time is measured here, peak RSS is time's %M (KiB), CPU %U + %S. */
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
    const child = spawn(TIME_BINARY, ['-f', '%M %U %S', '-o', report, command, ...args], {
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
  const [kib, user, system] = (timeReport.trim().split('\n').pop() ?? '').split(' ').map(Number);
  if (![kib, user, system].every((n) => Number.isFinite(n)))
    throw new Error(`${name}: could not read peak RSS and CPU time from ${TIME_BINARY}: ${timeReport}`);
  return { name, seconds, peakRssBytes: kib! * 1024, cpuSeconds: user! + system! };
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

/** CPU seconds (user + system) the process (all its threads, live and ended) has used so far
 * (/proc/<pid>/stat; clock ticks of 1/100 s). With `tid`, the one thread's (/proc/<pid>/task/<tid>/stat). */
export function procCpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(
    tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
    'utf8',
  );
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 (state) is index 0: utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy and total CPU seconds of the whole machine so far, all cores (/proc/stat, first line). */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already counted in user)
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}
