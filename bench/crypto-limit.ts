// The crypto limit of this machine: CPU seconds per GB of plaintext for the primitives snapseal must run on
// every byte (sha256 of each file, of the tar and of the OpenPGP message, AES-256-CFB, SHA-1 for the MDC,
// CRC32 of the uploaded parts), each timed alone on one core with node:crypto and zlib (OpenSSL and zlib code).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { crc32 } from 'node:zlib';
import { COALESCED_CHUNK_BYTES } from '../src/pipeline/coalesce-chunks';

export interface PrimitiveCost {
  name: string;
  /** How many times snapseal runs it per plaintext byte. */
  timesPerByte: number;
  /** CPU seconds (user + system) per GB (10^9 bytes) for one pass. */
  cpuSecondsPerGb: number;
  mbPerSecond: number;
}

export interface CryptoLimit {
  primitives: PrimitiveCost[];
  /** Sum over the primitives of timesPerByte × cpuSecondsPerGb. */
  cpuSecondsPerGb: number;
  chunkBytes: number;
  bytesPerPrimitive: number;
  loadAverage: number[];
}

type Pass = (chunk: Buffer) => void;

interface Primitive {
  name: string;
  timesPerByte: number;
  /** A fresh state per measurement; returns the per-chunk step and a final step. */
  start(): { step: Pass; end(): void };
}

const PRIMITIVES: Primitive[] = [
  {
    // per file, the tar, the OpenPGP message: three passes over (nearly) every plaintext byte
    name: 'SHA-256 (each file, the tar, the ciphertext)',
    timesPerByte: 3,
    start() {
      const h = createHash('sha256');
      return { step: (c) => h.update(c), end: () => h.digest() };
    },
  },
  {
    name: 'AES-256-CFB (OpenPGP SEIPD v1)',
    timesPerByte: 1,
    start() {
      const c = createCipheriv('aes-256-cfb', randomBytes(32), Buffer.alloc(16));
      return { step: (b) => void c.update(b), end: () => c.final() };
    },
  },
  {
    name: 'SHA-1 (the MDC)',
    timesPerByte: 1,
    start() {
      const h = createHash('sha1');
      return { step: (c) => h.update(c), end: () => h.digest() };
    },
  },
  {
    name: 'CRC32 (S3 part checksums, zlib)',
    timesPerByte: 1,
    start() {
      let crc = 0;
      return { step: (c) => void (crc = crc32(c, crc)), end: () => crc };
    },
  },
];

const cpuSeconds = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
};

/** Time each primitive over `totalBytes` in chunks of `chunkBytes` (the size of the pipeline's chunks). */
export function measureCryptoLimit(
  totalBytes = 512 * 2 ** 20,
  chunkBytes = COALESCED_CHUNK_BYTES,
): CryptoLimit {
  const data = randomBytes(4 * 2 ** 20);
  const chunks = Math.ceil(totalBytes / chunkBytes);
  const perBuffer = data.length / chunkBytes;
  const views = Array.from({ length: perBuffer }, (_, i) =>
    data.subarray(i * chunkBytes, (i + 1) * chunkBytes),
  );
  const primitives = PRIMITIVES.map((p) => {
    // warm up, then the measured pass
    const warm = p.start();
    for (const v of views) warm.step(v);
    warm.end();
    const state = p.start();
    const started = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    for (let i = 0; i < chunks; i++) state.step(views[i % perBuffer] as Buffer);
    state.end();
    const cpu = cpuSeconds(started);
    const wall = Number(process.hrtime.bigint() - wallStart) / 1e9;
    const bytes = chunks * chunkBytes;
    return {
      name: p.name,
      timesPerByte: p.timesPerByte,
      cpuSecondsPerGb: cpu / (bytes / 1e9),
      mbPerSecond: bytes / 1e6 / wall,
    };
  });
  return {
    primitives,
    cpuSecondsPerGb: primitives.reduce((sum, p) => sum + p.timesPerByte * p.cpuSecondsPerGb, 0),
    chunkBytes,
    bytesPerPrimitive: chunks * chunkBytes,
    loadAverage: loadavg(),
  };
}
