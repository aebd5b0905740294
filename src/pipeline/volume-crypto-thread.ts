// The body of the volume crypto thread: it takes a volume's tar bytes and gives back the OpenPGP message,
// hashing on the way (each file's sha256 from the known tar layout, the plaintext sha256, the ciphertext
// sha256), so none of the per-byte CPU work runs on the worker's event loop.
// Runs inside a worker_threads Worker; imports packages only (no relative imports), so the same source can
// also run transpiled on the fly where no build exists (unit tests from TypeScript sources).
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import type { CryptoThreadInit, ToCryptoThread } from './volume-crypto-protocol';

/** Chunks each side may have sent but the other not yet consumed. */
const CREDIT = 4;
const BLOCK = 512;

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

  const plaintext = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = await nextInput();
        if (chunk === null) {
          controller.close();
          return;
        }
        port.postMessage({ type: 'ack' });
        files.update(chunk);
        plaintextHash.update(chunk);
        plaintextBytes += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  const recipients = await Promise.all(
    init.recipientsArmored.map((armoredKey) => openpgp.readKey({ armoredKey })),
  );
  const message = await openpgp.createMessage({
    binary: plaintext,
    filename: init.filename,
    date: new Date(0),
    format: 'binary',
  });
  const encrypted = (await openpgp.encrypt({
    message,
    encryptionKeys: recipients,
    // Without it openpgp.js would write SEIPDv2 (AEAD) when every recipient advertises it.
    sessionKey: { data: randomBytes(init.sessionKey.bytes), algorithm: init.sessionKey.algorithm },
    format: 'binary',
    config: init.config,
  })) as unknown as ReadableStream<Uint8Array>;
  const reader = encrypted.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    ciphertextHash.update(value);
    ciphertextBytes += value.length;
    while (outCredit === 0) await new Promise<void>((resolve) => (wakeOut = resolve));
    wakeOut = undefined;
    outCredit -= 1;
    // Copy only when the chunk is a view into a larger buffer; otherwise hand its memory over.
    const owned =
      value.byteOffset === 0 && value.byteLength === value.buffer.byteLength ? value : value.slice();
    port.postMessage({ type: 'data', chunk: owned.buffer }, [owned.buffer as ArrayBuffer]);
  }
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
