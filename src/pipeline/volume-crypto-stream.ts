// A Duplex stage that runs a volume's per-byte CPU work on a thread of its own: tar bytes in, OpenPGP
// message out, and the digests (per-file sha256, plaintext and ciphertext sha256) once it has ended.
// One thread per volume stream, so a worker process with N volumes in flight uses up to N cores while its
// event loop stays free for S3 I/O and heartbeats. A thread that dies fails the stream with a clear error.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { Worker } from 'node:worker_threads';
import * as openpgp from 'openpgp';
import type { PublicKey } from 'openpgp';
import { COALESCED_CHUNK_BYTES } from './coalesce-chunks';
import { SESSION_KEY } from './volume-encryption';
import type {
  CryptoThreadInit,
  CryptoThreadResult,
  FromCryptoThread,
  ToCryptoThread,
} from './volume-crypto-protocol';

/** Chunks sent to the thread and not yet acknowledged; matches the thread's own credit. */
const CREDIT = 4;

export class CryptoThreadError extends Error {
  override name = 'CryptoThreadError';
}

export interface VolumeCryptoOptions {
  recipients: PublicKey[];
  filename: string;
  /** The tar entries' sizes, in tar order (ustar headers only, as createDeterministicTar writes them). */
  fileSizes: number[];
}

function startThread(init: CryptoThreadInit): Worker {
  const built = join(__dirname, 'volume-crypto-thread.js');
  if (existsSync(built)) return new Worker(built, { workerData: init });
  // Running from TypeScript sources (unit tests): the thread compiles its .ts modules as it loads them.
  const loader = `
    const ts = require('typescript');
    const { readFileSync } = require('node:fs');
    require.extensions['.ts'] = (module, filename) => {
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 };
      module._compile(ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions: options }).outputText, filename);
    };
    require(${JSON.stringify(join(__dirname, 'volume-crypto-thread.ts'))});`;
  return new Worker(loader, { eval: true, workerData: init });
}

export class VolumeCryptoStream extends Duplex {
  readonly result: Promise<CryptoThreadResult>;
  readonly #options: VolumeCryptoOptions;
  #thread!: Worker;
  #started!: (thread: Worker) => void;
  readonly #threadStarted = new Promise<Worker>((resolve) => (this.#started = resolve));
  #credit = CREDIT;
  #blockedWrite: (() => void) | undefined;
  #pendingAcks = 0;
  #finished = false;
  #resolve!: (r: CryptoThreadResult) => void;
  #reject!: (err: Error) => void;

  constructor(options: VolumeCryptoOptions) {
    super({ readableHighWaterMark: COALESCED_CHUNK_BYTES, writableHighWaterMark: COALESCED_CHUNK_BYTES });
    if (options.recipients.length === 0)
      throw new Error('No recipient keys: nothing could ever decrypt this archive');
    this.#options = options;
    this.result = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.result.catch(() => undefined); // the stream reports the error too
  }

  /** The thread doing the work, once the stream has started it (for diagnostics and tests). */
  threadStarted(): Promise<Worker> {
    return this.#threadStarted;
  }

  // Writes wait until this is done: the session key wrapped for the recipients, the thread started.
  override _construct(callback: (err?: Error | null) => void): void {
    const { recipients, filename, fileSizes } = this.#options;
    const sessionKey = randomBytes(SESSION_KEY.bytes);
    openpgp
      .encryptSessionKey({
        data: sessionKey,
        algorithm: SESSION_KEY.algorithm,
        encryptionKeys: recipients,
        format: 'binary',
      })
      .then((keyPackets) => {
        this.#thread = startThread({ fileSizes, filename, sessionKey, keyPackets });
        this.#thread.on('message', (msg: FromCryptoThread) => this.#onMessage(msg));
        this.#thread.on('error', (err) => this.#fail(`failed: ${err.message}`));
        this.#thread.on('exit', (code) => this.#fail(`exited with code ${code} before the volume was done`));
        this.#started(this.#thread);
        callback();
      }, callback)
      .finally(() => sessionKey.fill(0)); // the thread has its own copy (workerData is cloned)
  }

  #onMessage(msg: FromCryptoThread): void {
    if (msg.type === 'ack') {
      this.#credit += 1;
      const wake = this.#blockedWrite;
      this.#blockedWrite = undefined;
      wake?.();
    } else if (msg.type === 'data') {
      if (this.push(Buffer.from(msg.chunk))) this.#ack();
      else this.#pendingAcks += 1;
    } else if (msg.type === 'done') {
      this.#finished = true;
      const { fileSha256, plaintextBytes, plaintextSha256, ciphertextBytes, ciphertextSha256 } = msg;
      this.#resolve({ fileSha256, plaintextBytes, plaintextSha256, ciphertextBytes, ciphertextSha256 });
      this.push(null);
      void this.#thread.terminate();
    } else this.#fail(`failed: ${msg.message}`);
  }

  #ack(): void {
    this.#thread.postMessage({ type: 'ack' } satisfies ToCryptoThread);
  }

  #fail(reason: string): void {
    if (this.#finished || this.destroyed) return;
    this.#finished = true;
    const err = new CryptoThreadError(`The encryption thread of this volume ${reason}`);
    this.#reject(err);
    this.destroy(err);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const send = (): void => {
      this.#credit -= 1;
      // Hand the memory over when the chunk owns its whole buffer; copy small pooled chunks.
      const whole = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
      const owned = whole ? chunk : new Uint8Array(chunk);
      const buffer = owned.buffer as ArrayBuffer;
      this.#thread.postMessage({ type: 'data', chunk: buffer } satisfies ToCryptoThread, [buffer]);
      callback();
    };
    if (this.#credit > 0) send();
    else this.#blockedWrite = send;
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.#thread.postMessage({ type: 'end' } satisfies ToCryptoThread);
    callback();
  }

  override _read(): void {
    for (; this.#pendingAcks > 0; this.#pendingAcks--) this.#ack();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.#finished) {
      this.#finished = true;
      this.#reject(err ?? new CryptoThreadError('The encryption stream was closed before the end'));
    }
    if (this.#thread === undefined) return callback(err);
    this.#thread.terminate().then(
      () => callback(err),
      () => callback(err),
    );
  }
}
