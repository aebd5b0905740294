// What every measurement of the bench records, and the whole result written to results.json.

export interface StageTiming {
  name: string;
  seconds: number;
  peakRssBytes?: number;
}

export interface Measurement {
  id: string;
  label: string;
  /** Seconds the throughput is based on. */
  seconds: number;
  /** Input bytes: the snapshot's byte count. */
  bytes: number;
  peakRssBytes?: number;
  /** Peak bytes on local disk (temporary files), or bytes written to storage by the process. */
  diskBytes?: number;
  diskNote?: string;
  stages?: StageTiming[];
  notes: string[];
  /** Further figures (snapseal: end-to-end seconds, volumes, startup RSS...). */
  extra?: Record<string, number | string>;
}

export interface DataFacts {
  sizeGb: number;
  indices: string[];
  docs: number;
  storeBytes: number;
  loadSeconds: number;
  loadReused: boolean;
  loadedAt: string;
  snapshotBytes: number;
  snapshotFiles: number;
  snapshotSeconds: number;
  snapshotReused: boolean;
  snapshotLocation: string;
}

export interface MachineFacts {
  date: string;
  cpuModel: string;
  cores: number;
  memoryBytes: number;
  os: string;
  node: string;
  tools: Record<string, string>;
}

export interface CpuProfileEntry {
  functionName: string;
  location: string;
  selfMs: number;
  selfPercent: number;
}

export interface BenchResults {
  /** The command that produced the numbers. */
  command?: string;
  machine: MachineFacts;
  data: DataFacts;
  settings: Record<string, string | number>;
  measurements: Measurement[];
  cpuProfile?: { file: string; totalMs: number; top: CpuProfileEntry[]; byPackage: CpuProfileEntry[] };
}

export const mbPerSecond = (m: Pick<Measurement, 'bytes' | 'seconds'>): number => m.bytes / 1e6 / m.seconds;
