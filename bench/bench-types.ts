// What every measurement of the bench records, and the whole result written to results.json.

export interface StageTiming {
  name: string;
  seconds: number;
  peakRssBytes?: number;
  cpuSeconds?: number;
}

export interface Measurement {
  id: string;
  label: string;
  /** Seconds the throughput is based on. */
  seconds: number;
  /** Input bytes: the snapshot's byte count. */
  bytes: number;
  peakRssBytes?: number;
  /** User + system CPU seconds of the measured processes (the basis of CPU-s/GB). */
  cpuSeconds?: number;
  cpuNote?: string;
  /** The machine's 1-minute load average while it ran (other work on the machine shows here). */
  loadAverage?: number;
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
  /** Set when the data is restored copies of a smaller load (bench/replicate-bench-data.ts). */
  copies?: number;
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

export interface CryptoLimitFacts {
  primitives: { name: string; timesPerByte: number; cpuSecondsPerGb: number; mbPerSecond: number }[];
  /** CPU seconds per GB of plaintext for all the primitives snapseal runs on each byte. */
  cpuSecondsPerGb: number;
  chunkBytes: number;
  bytesPerPrimitive: number;
  loadAverage: number[];
}

export interface BenchResults {
  /** The command that produced the numbers. */
  command?: string;
  machine: MachineFacts;
  data: DataFacts;
  settings: Record<string, string | number>;
  measurements: Measurement[];
  cryptoLimit?: CryptoLimitFacts;
  cpuProfile?: { file: string; totalMs: number; top: CpuProfileEntry[]; byPackage: CpuProfileEntry[] };
}

export const mbPerSecond = (m: Pick<Measurement, 'bytes' | 'seconds'>): number => m.bytes / 1e6 / m.seconds;

/** CPU seconds per GB (10^9 bytes) of input. */
export const cpuPerGb = (m: Pick<Measurement, 'bytes' | 'cpuSeconds'>): number | undefined =>
  m.cpuSeconds === undefined ? undefined : m.cpuSeconds / (m.bytes / 1e9);
