// Samples CPU time while a run goes on (worker processes, their main threads, the stack's processes, the whole
// machine), so the CPU of one phase (e.g. snapseal's streaming phase, known only afterwards from the workflow
// history) can be read by interpolating between the samples around its start and end.
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { machineCpuSeconds, procCpuSeconds } from './measure-process';

export interface CpuSource {
  name: string;
  pid: number;
  /** Only this thread of the process (e.g. the main thread: tid = pid). */
  tid?: number;
}

interface Sample {
  atMs: number;
  /** CPU seconds per source (NaN once the process is gone), then machine busy and total. */
  values: number[];
  load1: number;
}

export interface PhaseCpu {
  seconds: number;
  /** CPU seconds per source during the phase. */
  bySource: Record<string, number>;
  /** Busy CPU seconds of the whole machine (all processes, all cores). */
  machineBusySeconds: number;
  /** Core-seconds available (cores × seconds). */
  machineTotalSeconds: number;
  /** Mean 1-minute load average over the samples of the phase. */
  loadAverage: number;
}

const readOrNaN = (source: CpuSource): number => {
  try {
    return procCpuSeconds(source.pid, source.tid);
  } catch {
    return Number.NaN;
  }
};

/** Processes of the local stack (MinIO, OpenSearch, Temporal) by their command name, to show their share. */
export function stackProcesses(): CpuSource[] {
  const wanted: Record<string, string> = { minio: 'MinIO', java: 'OpenSearch', temporal: 'Temporal' };
  const out: CpuSource[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const name = wanted[comm];
      if (name) out.push({ name, pid: Number(entry) });
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

export class CpuSampler {
  readonly #sources: CpuSource[];
  readonly #samples: Sample[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(sources: CpuSource[], intervalMs = 250) {
    this.#sources = sources;
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
    this.#timer.unref();
  }

  #sample(): void {
    const machine = machineCpuSeconds();
    this.#samples.push({
      atMs: Date.now(),
      values: [...this.#sources.map(readOrNaN), machine.busy, machine.total],
      load1: loadavg()[0] ?? 0,
    });
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#sample();
  }

  /** Each value linearly interpolated at `atMs` between the samples around it. */
  #at(atMs: number): number[] {
    const s = this.#samples;
    const after = s.findIndex((x) => x.atMs >= atMs);
    if (after <= 0) return (s[after === 0 ? 0 : s.length - 1] as Sample).values;
    const a = s[after - 1] as Sample;
    const b = s[after] as Sample;
    const f = (atMs - a.atMs) / Math.max(1, b.atMs - a.atMs);
    return a.values.map((v, i) => {
      const w = b.values[i] as number;
      return Number.isNaN(w) ? v : v + (w - v) * f;
    });
  }

  /** CPU used between two wall-clock times (ms since the epoch). */
  between(fromMs: number, toMs: number): PhaseCpu {
    const from = this.#at(fromMs);
    const to = this.#at(toMs);
    const delta = (i: number): number => Math.max(0, (to[i] as number) - (from[i] as number)) || 0;
    const bySource: Record<string, number> = {};
    this.#sources.forEach((src, i) => (bySource[src.name] = (bySource[src.name] ?? 0) + delta(i)));
    const n = this.#sources.length;
    const inPhase = this.#samples.filter((x) => x.atMs >= fromMs && x.atMs <= toMs);
    return {
      seconds: (toMs - fromMs) / 1000,
      bySource,
      machineBusySeconds: delta(n),
      machineTotalSeconds: delta(n + 1),
      loadAverage: inPhase.length
        ? inPhase.reduce((sum, x) => sum + x.load1, 0) / inPhase.length
        : loadavg()[0]!,
    };
  }
}
