// The body of the volume crypto thread: it takes a volume's tar bytes and gives back the OpenPGP message,
// hashing on the way (each file's sha256 from the known tar layout, the plaintext sha256, the ciphertext
// sha256), so none of the per-byte CPU work runs on the worker's event loop. The message opens with the key
// packets the main thread made (openpgp.js); the bulk (AES-256-CFB, the SHA-1 MDC) is SeipdV1Writer on
// node:crypto, every byte once. The thread loads no OpenPGP library: it starts in about 40 ms (110 ms with openpgp.js).
import { createHash, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import type { CryptoThreadInit, ToCryptoThread } from './volume-crypto-protocol';
import { BufferGarbage } from './buffer-garbage';
import { SeipdV1Writer } from './seipd-v1-writer';

/** Chunks each side may have sent but the other not yet consumed. */
const CREDIT = 4;
const BLOCK = 512;
/** Ciphertext is handed to the parent in chunks of at least this size (the size of the chunks coming in). */
const FLUSH_BYTES = 512 * 1024;

/** Hashes the data of each tar entry from the tar bytes, knowing the entries' sizes in order. */
class TarFileHasher {
  #sizes: number[];
  #index = 0;
  /** Bytes left in the current region (header, data or padding). */
  #left = BLOCK;
  #inData = false;
  #hash: Hash | undefined;
  readonly digests: string[] = [];

  constructor(sizes: number[]) {
    this.#sizes = sizes;
    if (sizes.length === 0) this.#left = Infinity;
  }

  update(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && this.#index < this.#sizes.length) {
      const take = Math.min(this.#left, chunk.length - at);
      if (this.#inData) this.#hash!.update(chunk.subarray(at, at + take));
      at += take;
      this.#left -= take;
      if (this.#left === 0) this.#next();
    }
  }

  #next(): void {
    const size = this.#sizes[this.#index]!;
    if (!this.#inData && this.#hash === undefined) {
      // header done: data follows
      this.#hash = createHash('sha256');
      this.#inData = true;
      this.#left = size;
      if (size > 0) return;
    }
    if (this.#inData) {
      this.#inData = false;
      const pad = (BLOCK - (size % BLOCK)) % BLOCK;
      this.#left = pad;
      if (pad > 0) return;
    }
    this.digests.push(this.#hash!.digest('hex'));
    this.#hash = undefined;
    this.#index += 1;
    this.#left = BLOCK;
  }
}

async function run(init: CryptoThreadInit): Promise<void> {
  const port = parentPort!;
  const files = new TarFileHasher(init.fileSizes);
  const plaintextHash = createHash('sha256');
  const ciphertextHash = createHash('sha256');
  let plaintextBytes = 0;
  let ciphertextBytes = 0;
  let outCredit = CREDIT;
  let wakeOut: (() => void) | undefined;

  const inputs: (Uint8Array | null)[] = [];
  let wakeIn: (() => void) | undefined;
  port.on('message', (msg: ToCryptoThread) => {
    if (msg.type === 'data') inputs.push(new Uint8Array(msg.chunk));
    else if (msg.type === 'end') inputs.push(null);
    else if (msg.type === 'ack') {
      outCredit += 1;
      wakeOut?.();
    }
    wakeIn?.();
  });
  const nextInput = async (): Promise<Uint8Array | null> => {
    while (inputs.length === 0) await new Promise<void>((resolve) => (wakeIn = resolve));
    wakeIn = undefined;
    return inputs.shift()!;
  };

  // Ciphertext pieces are gathered into chunks of about the input's size, each moved to the parent.
  let gathered: Uint8Array[] = [];
  let gatheredBytes = 0;
  const collect = (piece: Uint8Array): void => {
    if (piece.length === 0) return;
    ciphertextHash.update(piece);
    ciphertextBytes += piece.length;
    gathered.push(piece);
    gatheredBytes += piece.length;
  };
  const flush = async (least: number): Promise<void> => {
    if (gatheredBytes === 0 || gatheredBytes < least) return;
    const chunk =
      gathered.length === 1 ? new Uint8Array(gathered[0]!) : Buffer.concat(gathered, gatheredBytes);
    gathered = [];
    gatheredBytes = 0;
    while (outCredit === 0) await new Promise<void>((resolve) => (wakeOut = resolve));
    wakeOut = undefined;
    outCredit -= 1;
    // A chunk of its own buffer moves as it is; a view (small pooled Buffer) is copied first.
    const owned =
      chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk);
    port.postMessage({ type: 'data', chunk: owned.buffer }, [owned.buffer as ArrayBuffer]);
  };

  const { sessionKey } = init;
  collect(init.keyPackets);
  const writer = new SeipdV1Writer({ sessionKey, filename: init.filename, out: collect });
  sessionKey.fill(0);

  const garbage = new BufferGarbage();
  for (;;) {
    const chunk = await nextInput();
    if (chunk === null) break;
    port.postMessage({ type: 'ack' });
    files.update(chunk);
    plaintextHash.update(chunk);
    plaintextBytes += chunk.length;
    writer.write(chunk);
    await flush(FLUSH_BYTES);
    garbage.released(chunk.length);
  }
  writer.end();
  await flush(0);
  port.postMessage({
    type: 'done',
    fileSha256: files.digests,
    plaintextBytes,
    plaintextSha256: plaintextHash.digest('hex'),
    ciphertextBytes,
    ciphertextSha256: ciphertextHash.digest('hex'),
  });
}

// The parent ends the thread once it has the result or the error.
run(workerData as CryptoThreadInit).catch((err: unknown) => {
  parentPort!.postMessage({ type: 'error', message: (err as Error).message ?? String(err) });
});
