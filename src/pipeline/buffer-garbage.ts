// Frees the chunk buffers a volume stream has finished with. A stream allocates its 512 KiB chunks outside the
// JavaScript heap; V8 collects them only with the small objects that own them, and it collects those when the
// heap grows (which chunk-sized allocations hardly do) or when outside memory has grown by about 64 MiB since
// the last collection. Each crypto thread would so keep up to about 64 MiB of dead chunks resident. A
// young-generation collection every few MiB frees them at a cost of well under a millisecond. The crypto thread
// calls it; the main thread does not: there (a bigger heap, chunks that live across several stages) the same
// collections cost 1.5-4 CPU-s per GB more in the bench for about the same peak RSS (241-254 vs 246-253 MiB).
// (V8 offers no call for it but the `gc` function of --expose-gc; the flag is set just long enough to obtain
// it, so no other context, such as the workflow sandbox, sees a `gc` global.)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type CollectGarbage = (options: { type: 'minor' | 'major'; execution?: 'sync' }) => void;

let collect: CollectGarbage | undefined;

function collector(): CollectGarbage {
  if (collect) return collect;
  const exposed = (globalThis as { gc?: CollectGarbage }).gc;
  if (typeof exposed === 'function') return (collect = exposed);
  setFlagsFromString('--expose-gc');
  try {
    collect = runInNewContext('gc') as CollectGarbage;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collect;
}

/**
 * Every 1 MiB a stream hands on (one collection costs about 0.4 ms of CPU). Measured at 1 GB with 2 streams in
 * one worker (peak RSS): no collections 335 MiB; every 4 MiB 298; with part buffers reused and 5 MiB parts,
 * every 4 MiB 255, every 2 MiB 244-256, every 1 MiB 245-248, CPU per GB within the runs' noise.
 */
export const COLLECT_EVERY_BYTES = 1 * 1024 * 1024;

/** Counts the bytes a stream stage has let go of and frees dead chunks every `everyBytes`. */
export class BufferGarbage {
  readonly #everyBytes: number;
  readonly #collect: () => void;
  #bytes = 0;

  constructor(everyBytes = COLLECT_EVERY_BYTES, collect = (): void => collector()({ type: 'minor' })) {
    this.#everyBytes = everyBytes;
    this.#collect = collect;
  }

  released(bytes: number): void {
    this.#bytes += bytes;
    if (this.#bytes < this.#everyBytes) return;
    this.#bytes = 0;
    this.#collect();
  }
}
